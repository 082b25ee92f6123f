/**
 * Fact sheet → STIX 2.1 bundle. Pure and deterministic: ids are UUIDv5 over the sheet's slug and
 * each item's key, timestamps come from the sheet, so mapping the same sheet twice gives the same
 * bundle and re-importing it is a no-op. See docs/fact-sheet.md for the mapping table.
 */
import type {
  FactSheet, FactSheetActor, FactSheetEvent, FactSheetEvidence, FactSheetHypothesis,
  FactSheetImpact, FactSheetMeasure, FactSheetSource,
} from './factsheet.schema';
import { sheetDate, toTimestamp } from './sheet-dates';
import { caseObjectId } from './stix-id';
import type { Bundle, ExternalReference, StixObject } from './stix-types';
import {
  ANALYST_JUDGEMENT_LABEL, ATTRIBUTION_EXTENSION_CREATED, ATTRIBUTION_EXTENSION_ID,
  ATTRIBUTION_EXTENSION_SCHEMA, ATTRIBUTION_EXTENSION_VERSION, CATEGORY_THREAT_ACTOR_TYPES,
  EVENT_EXTENSION_ID, IMPACT_EXTENSION_ID, INCIDENT_CORE_EXTENSION_ID, TASK_EXTENSION_ID,
  TLP2_MARKING_IDS, type Tlp,
} from '../../schema/stix/vocab';

/** Namespace "slug" for objects shared by every case (the project identity). */
const PROJECT_SLUG = 'attribution-graph';

/** Id of the identity that publishes the attribution extension (same in every bundle). */
export const PROJECT_IDENTITY_ID = caseObjectId('identity', PROJECT_SLUG, 'project');

/** The ids a case's other importers need to point at (e.g. credential exposure evidence). */
export function caseIds(slug: string) {
  return {
    incident: caseObjectId('incident', slug, 'incident'),
    victim: caseObjectId('identity', slug, 'victim'),
    hypothesis: (key: string) => caseObjectId('attribution-hypothesis', slug, key),
    evidence: (key: string) => caseObjectId('attribution-evidence', slug, key),
  };
}

/** Our extension-definition and its creator: the same objects in every bundle we produce. */
export function attributionExtensionObjects(): StixObject[] {
  const marking = [TLP2_MARKING_IDS.CLEAR];
  return [
    {
      type: 'identity',
      spec_version: '2.1',
      id: PROJECT_IDENTITY_ID,
      created: ATTRIBUTION_EXTENSION_CREATED,
      modified: ATTRIBUTION_EXTENSION_CREATED,
      name: 'Attribution Graph',
      description: 'Open-source attribution-hypothesis knowledge graph for CTI analysts.',
      identity_class: 'system',
      object_marking_refs: marking,
    },
    {
      type: 'extension-definition',
      spec_version: '2.1',
      id: ATTRIBUTION_EXTENSION_ID,
      created_by_ref: PROJECT_IDENTITY_ID,
      created: ATTRIBUTION_EXTENSION_CREATED,
      modified: ATTRIBUTION_EXTENSION_CREATED,
      name: 'Attribution Graph: attribution-hypothesis and attribution-evidence',
      description:
        'New SDOs for competing attribution hypotheses of an incident and the evidence rated against them (ACH ratings per analyst).',
      schema: ATTRIBUTION_EXTENSION_SCHEMA,
      version: ATTRIBUTION_EXTENSION_VERSION,
      extension_types: ['new-sdo'],
      object_marking_refs: marking,
    },
  ];
}

const RELIABILITY_ORDER = 'ABCDEF';

/**
 * One mapping of a sheet: what every object builder below reads (slug, timestamps, marking,
 * sources, producer) and the ids registered so far.
 */
interface SheetMapping {
  sheet: FactSheet;
  slug: string;
  ids: ReturnType<typeof caseIds>;
  created: string;
  modified: string;
  tlp: Tlp;
  sourcesById: ReadonlyMap<string, FactSheetSource>;
  allSourceIds: string[];
  incidentSourceIds: string[];
  producerId: string | undefined;
  /** Sheet item id → STIX id, for evidence `about` references. */
  itemIds: Map<string, string>;
  /** Sheet actor id → STIX id, for hypothesis candidates. */
  actorIds: Map<string, string>;
}

export function factSheetToBundle(sheet: FactSheet): Bundle {
  const m = newMapping(sheet);
  const objects: StixObject[] = [];
  if (sheet.producer) {
    objects.push({
      ...common(m, 'identity', 'producer', undefined),
      name: sheet.producer.name,
      identity_class: sheet.producer.identity_class ?? 'organization',
    });
  }

  const { victim, objects: victimObjects } = victimPart(m);
  objects.push(...victimObjects);
  const { incident, objects: incidentObjects } = incidentPart(m, victim);
  objects.push(...incidentObjects);

  // Context facts.
  for (const c of sheet.context ?? []) {
    objects.push(register(m, c.id, {
      ...common(m, 'note', itemKey('context', c.id), c.sources),
      ...(c.name ? { abstract: c.name } : {}),
      content: c.statement,
      labels: ['context'],
      object_refs: [incident.id, victim.id],
    }));
  }

  // Candidate actors.
  for (const a of sheet.actors ?? []) {
    const actor = register(m, a.id, actorObject(m, a));
    m.actorIds.set(a.id, actor.id);
    objects.push(actor);
  }

  // Hypotheses.
  for (const h of sheet.hypotheses) objects.push(hypothesisObject(m, h));

  // Evidence.
  for (const e of sheet.evidence ?? []) objects.push(evidenceObject(m, e));

  // The fact sheet itself, as the report that contains the case.
  const report: StixObject = {
    ...common(m, 'report', 'fact-sheet', m.allSourceIds),
    name: sheet.title,
    ...(sheet.description ? { description: sheet.description } : {}),
    report_types: ['incident'],
    published: m.modified,
    object_refs: objects.map((o) => o.id),
  };

  return {
    type: 'bundle',
    id: caseObjectId('bundle', m.slug, 'bundle'),
    objects: [...attributionExtensionObjects(), ...objects, report],
  };
}

function newMapping(sheet: FactSheet): SheetMapping {
  const slug = sheet.slug;
  const created = toTimestamp(sheet.created);
  const allSourceIds = sheet.sources.map((s) => s.id);
  return {
    sheet,
    slug,
    ids: caseIds(slug),
    created,
    modified: sheet.modified ? toTimestamp(sheet.modified) : created,
    tlp: sheet.tlp,
    sourcesById: new Map<string, FactSheetSource>(sheet.sources.map((s) => [s.id, s])),
    allSourceIds,
    incidentSourceIds: sheet.incident.sources ?? allSourceIds,
    producerId: sheet.producer ? caseObjectId('identity', slug, 'producer') : undefined,
    itemIds: new Map(),
    actorIds: new Map(),
  };
}

/** The properties every object of the sheet shares. */
function common(m: SheetMapping, type: string, key: string, sourceIds: readonly string[] | undefined): StixObject {
  const refs = externalReferences(sourceIds ?? [], m.sourcesById);
  return {
    type,
    spec_version: '2.1',
    id: caseObjectId(type, m.slug, key),
    ...(m.producerId ? { created_by_ref: m.producerId } : {}),
    created: m.created,
    modified: m.modified,
    ...(refs.length > 0 ? { external_references: refs } : {}),
    object_marking_refs: [TLP2_MARKING_IDS[m.tlp]],
  };
}

const itemKey = (kind: string, key: string) => `${kind}:${key}`;

/** Records the STIX id of a sheet item (evidence may be `about` it). */
function register<T extends StixObject>(m: SheetMapping, key: string, object: T): T {
  m.itemIds.set(key, object.id);
  return object;
}

/** The victim, where it is. */
function victimPart(m: SheetMapping): { victim: StixObject; objects: StixObject[] } {
  const { sheet, incidentSourceIds } = m;
  const victim: StixObject = {
    ...common(m, 'identity', 'victim', incidentSourceIds),
    name: sheet.victim.name,
    ...(sheet.victim.description ? { description: sheet.victim.description } : {}),
    identity_class: 'organization',
    sectors: [sheet.victim.sector],
  };
  const location: StixObject = {
    ...common(m, 'location', itemKey('country', sheet.victim.country), incidentSourceIds),
    country: sheet.victim.country,
  };
  return { victim, objects: [victim, location, relationship(m, 'located-at', victim.id, location.id, undefined)] };
}

/** The incident with its timeline events, milestone dates, response measures and impacts. */
function incidentPart(m: SheetMapping, victim: StixObject): { incident: StixObject; objects: StixObject[] } {
  const { sheet, incidentSourceIds } = m;
  // Timeline events.
  const events = (sheet.events ?? []).map((e) => eventObject(m, e));
  // Milestone dates (detected, disclosed, confirmed…) as Incident Core milestone tasks.
  const milestones = Object.entries(sheet.dates).map(([name, value]) => {
    const date = sheetDate(value);
    return {
      ...common(m, 'task', itemKey('date', name), incidentSourceIds),
      name: humanise(name),
      description: `Milestone "${name}" of the incident, as given by the sources: ${value}.`,
      task_types: [name],
      outcome: 'successful',
      start_time: date.timestamp,
      start_time_fidelity: date.fidelity,
      end_time: date.timestamp,
      end_time_fidelity: date.fidelity,
      extensions: { [TASK_EXTENSION_ID]: { extension_type: 'new-sdo' } },
    } satisfies StixObject;
  });
  // Response measures: tasks (default) or courses of action.
  const measures = (sheet.measures ?? []).map((measure) => measureObject(m, measure));
  const tasks = [...milestones, ...measures.filter((o) => o.type === 'task')];
  // Impacts: Impact SDOs when categorised, notes otherwise (the Impact SDO requires a category).
  const impacts = (sheet.impacts ?? []).map((i) => impactObject(m, i));
  const impactSdos = impacts.filter((o) => o.type === 'impact');

  const incident: StixObject = {
    ...common(m, 'incident', 'incident', incidentSourceIds),
    name: sheet.incident.name ?? sheet.title,
    ...(sheet.incident.description ?? sheet.description
      ? { description: sheet.incident.description ?? sheet.description }
      : {}),
    extensions: {
      [INCIDENT_CORE_EXTENSION_ID]: {
        extension_type: 'property-extension',
        determination: sheet.incident.determination,
        investigation_status: sheet.incident.investigation_status,
        ...(sheet.incident.incident_types ? { incident_types: sheet.incident.incident_types } : {}),
        ...(sheet.incident.detection_methods ? { detection_methods: sheet.incident.detection_methods } : {}),
        ...(sheet.incident.criticality !== undefined ? { criticality: sheet.incident.criticality } : {}),
        ...(impactSdos.length > 0 ? { impact_refs: impactSdos.map((o) => o.id) } : {}),
        ...(events.length > 0 ? { events: events.map((o) => ({ event_ref: o.id })) } : {}),
        ...(tasks.length > 0 ? { tasks: tasks.map((o) => ({ task_ref: o.id })) } : {}),
      },
    },
  };
  if (incident.id !== m.ids.incident) throw new Error('incident id derivation drifted from caseIds()');
  const objects: StixObject[] = [incident, relationship(m, 'related-to', incident.id, victim.id, 'The victim organisation of the incident.')];
  objects.push(...events, ...tasks, ...measures.filter((o) => o.type !== 'task'));
  for (const measure of measures) {
    if (measure.type === 'course-of-action') {
      objects.push(relationship(m, 'related-to', measure.id, incident.id, 'Response measure taken for the incident.'));
    }
  }
  objects.push(...impacts);
  return { incident, objects };
}

// ── object builders ───────────────────────────────────────────────────────────────────────────

function relationship(m: SheetMapping, type: string, source: string, target: string, description: string | undefined): StixObject {
  return {
    ...common(m, 'relationship', `${type}|${source}|${target}`, undefined),
    relationship_type: type,
    ...(description ? { description } : {}),
    source_ref: source,
    target_ref: target,
  };
}

function timeProps(prefix: 'start', value: string | undefined, fidelity: string | undefined) {
  if (value === undefined) return {};
  const date = sheetDate(value);
  return { [`${prefix}_time`]: date.timestamp, [`${prefix}_time_fidelity`]: fidelity ?? date.fidelity };
}

function eventObject(m: SheetMapping, e: FactSheetEvent): StixObject {
  return register(m, e.id, {
    ...common(m, 'event', itemKey('event', e.id), e.sources),
    name: e.name,
    ...(e.description ? { description: e.description } : {}),
    event_types: [e.kind],
    status: e.status ?? 'occurred',
    ...timeProps('start', e.date, e.fidelity),
    extensions: { [EVENT_EXTENSION_ID]: { extension_type: 'new-sdo' } },
  });
}

function measureObject(m: SheetMapping, measure: FactSheetMeasure): StixObject {
  if (measure.as === 'course-of-action') {
    return register(m, measure.id, {
      ...common(m, 'course-of-action', itemKey('measure', measure.id), measure.sources),
      name: measure.name,
      ...(measure.description ? { description: measure.description } : {}),
    });
  }
  return register(m, measure.id, {
    ...common(m, 'task', itemKey('measure', measure.id), measure.sources),
    name: measure.name,
    ...(measure.description ? { description: measure.description } : {}),
    ...(measure.task_types ? { task_types: measure.task_types } : {}),
    outcome: measure.outcome ?? 'unknown',
    ...timeProps('start', measure.date, measure.fidelity),
    extensions: { [TASK_EXTENSION_ID]: { extension_type: 'new-sdo' } },
  });
}

function impactObject(m: SheetMapping, i: FactSheetImpact): StixObject {
  const { ids } = m;
  const text = [i.name, i.description, `Status: ${i.status}${i.stated_by ? ` (stated by ${i.stated_by})` : ''}.`]
    .filter((part): part is string => Boolean(part))
    .join('\n\n');
  const labels = [`impact-status:${i.status}`];
  if (i.category === undefined) {
    return register(m, i.id, {
      ...common(m, 'note', itemKey('impact', i.id), i.sources),
      abstract: i.name,
      content: text,
      labels: ['impact-statement', ...labels],
      object_refs: [ids.incident, ids.victim],
    });
  }
  return register(m, i.id, {
    ...common(m, 'impact', itemKey('impact', i.id), i.sources),
    description: text,
    labels,
    impact_category: i.category,
    ...(i.criticality !== undefined ? { criticality: i.criticality } : {}),
    ...timeProps('start', i.date, i.fidelity),
    impacted_refs: [ids.victim],
    extensions: {
      [IMPACT_EXTENSION_ID]: { extension_type: 'new-sdo' },
      [i.category]: { ...(i.details ?? {}) },
    },
  });
}

function actorObject(m: SheetMapping, a: FactSheetActor): StixObject {
  const labels = [`category:${a.category}`, ...(a.hypothetical ? ['hypothetical-candidate'] : [])];
  const base = {
    ...common(m, a.type, itemKey('actor', a.id), a.sources),
    name: a.name,
    ...(a.description ? { description: a.description } : {}),
    labels,
    ...(a.aliases ? { aliases: a.aliases } : {}),
    ...(a.primary_motivation ? { primary_motivation: a.primary_motivation } : {}),
  };
  if (a.type === 'intrusion-set') return base;
  return {
    ...base,
    threat_actor_types: a.threat_actor_types ?? [...CATEGORY_THREAT_ACTOR_TYPES[a.category]],
    ...(a.sophistication ? { sophistication: a.sophistication } : {}),
  };
}

function hypothesisObject(m: SheetMapping, h: FactSheetHypothesis): StixObject {
  const { ids } = m;
  const candidates = (h.candidates ?? []).map((key) => m.actorIds.get(key)).filter((id): id is string => id !== undefined);
  return {
    ...common(m, 'attribution-hypothesis', h.id, h.sources),
    ...(h.labels ? { labels: h.labels } : {}),
    name: h.name,
    ...(h.description ? { description: h.description } : {}),
    incident_ref: ids.incident,
    category: h.category,
    ...(candidates.length > 0 ? { candidate_refs: candidates } : {}),
    ...(h.prior !== undefined ? { prior: h.prior } : {}),
    status: h.status,
    ...(h.rationale ? { rationale: h.rationale } : {}),
    author: h.author,
    ...(h.judgements && h.judgements.length > 0
      ? {
          analyst_judgements: h.judgements.map((j) => ({
            analyst: j.analyst,
            probability: j.probability,
            at: toTimestamp(j.at),
            ...(j.rationale ? { rationale: j.rationale } : {}),
          })),
        }
      : {}),
    extensions: { [ATTRIBUTION_EXTENSION_ID]: { extension_type: 'new-sdo' } },
  };
}

function evidenceObject(m: SheetMapping, e: FactSheetEvidence): StixObject {
  const { ids } = m;
  const base = common(m, 'attribution-evidence', e.id, e.sources);
  const references = [...((base.external_references as ExternalReference[] | undefined) ?? [])];
  if (e.attack_technique) references.push(attackReference(e.attack_technique));
  const labels = [...(e.kind === 'judgement' ? [ANALYST_JUDGEMENT_LABEL] : []), ...(e.labels ?? [])];
  const reliability = e.reliability ?? worstReliability(e.sources ?? [], m.sourcesById);
  const objectRefs = (e.about ?? []).map((key) => m.itemIds.get(key)).filter((id): id is string => id !== undefined);
  return {
    ...base,
    ...(references.length > 0 ? { external_references: references } : {}),
    ...(labels.length > 0 ? { labels: [...new Set(labels)] } : {}),
    name: e.name,
    ...(e.description ? { description: e.description } : {}),
    incident_ref: ids.incident,
    ...(objectRefs.length > 0 ? { object_refs: objectRefs } : {}),
    evidence_kind: e.kind,
    ...(reliability ? { reliability } : {}),
    ...(e.credibility !== undefined ? { credibility: e.credibility } : {}),
    collected_at: toTimestamp(e.collected_at),
    ...(e.weight !== undefined ? { weight: e.weight } : {}),
    ...(e.discredited !== undefined ? { discredited: e.discredited } : {}),
    ...(e.ratings && e.ratings.length > 0
      ? {
          ratings: e.ratings.map((r) => ({
            hypothesis_ref: ids.hypothesis(r.hypothesis),
            analyst: r.analyst,
            rating: r.rating,
            ...(r.rationale ? { rationale: r.rationale } : {}),
            rated_at: toTimestamp(r.rated_at),
          })),
        }
      : {}),
    extensions: { [ATTRIBUTION_EXTENSION_ID]: { extension_type: 'new-sdo' } },
  };
}

/** Sources → external references: the article, then its archived copy. */
export function externalReferences(
  sourceIds: readonly string[],
  sourcesById: ReadonlyMap<string, FactSheetSource>,
): ExternalReference[] {
  const out: ExternalReference[] = [];
  for (const sourceId of sourceIds) {
    const source = sourcesById.get(sourceId);
    if (!source) continue;
    const name = source.publisher ?? source.title;
    const details = [
      source.title,
      source.published ? `published ${source.published}` : undefined,
      source.language ? `language ${source.language}` : undefined,
      source.reliability ? `source reliability ${source.reliability}` : undefined,
    ].filter((part): part is string => Boolean(part));
    out.push({ source_name: name, description: details.join('; '), ...(source.url ? { url: source.url } : {}) });
    if (source.archive_url) {
      out.push({ source_name: `${name} (archive)`, description: `Archived copy of: ${source.title}`, url: source.archive_url });
    }
  }
  return out;
}

/**
 * An ATT&CK technique as an external reference. ATT&CK attack-pattern ids are fixed by MITRE's
 * bundle, so we do not invent one: the graph layer links the evidence to the imported
 * attack-pattern whose `external_references` carry the same `mitre-attack` external_id.
 */
export function attackReference(techniqueId: string): ExternalReference {
  const path = techniqueId.replace('.', '/');
  return {
    source_name: 'mitre-attack',
    external_id: techniqueId,
    url: `https://attack.mitre.org/techniques/${path}/`,
    description: 'Analyst judgement: this evidence is mapped to the ATT&CK technique above.',
  };
}

function worstReliability(
  sourceIds: readonly string[],
  sourcesById: ReadonlyMap<string, FactSheetSource>,
): string | undefined {
  let worst: string | undefined;
  for (const id of sourceIds) {
    const grade = sourcesById.get(id)?.reliability;
    if (grade && (worst === undefined || RELIABILITY_ORDER.indexOf(grade) > RELIABILITY_ORDER.indexOf(worst))) worst = grade;
  }
  return worst;
}

function humanise(key: string): string {
  const words = key.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
