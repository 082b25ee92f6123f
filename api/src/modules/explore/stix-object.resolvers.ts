/**
 * Fields of the StixObject interface and its types. Common fields come from the node's stored
 * properties; type-specific ones from the stored STIX JSON (`raw`, parsed once per object).
 * Objects an object points at (created_by, relationship ends) go through the request's loader,
 * so they are batched and filtered by clearance like everything else.
 */
import { TLP_LEVELS, TLP_MARKING_IDS, type TlpLevel } from '../../../../schema/graph/kinds';
import type { ObjectRecord } from '../../services/explore.service';
import type { AppContext } from '../context';
import { bool, records, str, strings } from '../../../../schema/json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const parsed = new WeakMap<ObjectRecord, JsonObject>();

export function rawOf(o: ObjectRecord): JsonObject {
  let value = parsed.get(o);
  if (!value) {
    try {
      const json = o.raw ? (JSON.parse(o.raw) as Json) : null;
      value = json && typeof json === 'object' && !Array.isArray(json) ? json : {};
    } catch {
      value = {};
    }
    parsed.set(o, value);
  }
  return value;
}


export function tlpOfRank(rank: number): TlpLevel {
  return TLP_LEVELS[rank] ?? 'RED';
}

const field = (key: string) => (o: ObjectRecord) => str(rawOf(o)[key]);
const listField = (key: string) => (o: ObjectRecord) => strings(rawOf(o)[key]);

const killChainPhases = (o: ObjectRecord) =>
  records(rawOf(o).kill_chain_phases).flatMap((p) => {
    const killChainName = str(p.kill_chain_name);
    const phaseName = str(p.phase_name);
    return killChainName && phaseName ? [{ killChainName, phaseName }] : [];
  });

const loadRef = (id: string | null, ctx: AppContext) => (id ? ctx.loaders.objects.load(id) : null);

const common = {
  specVersion: (o: ObjectRecord) => o.spec_version,
  aliases: (o: ObjectRecord) => o.aliases,
  labels: (o: ObjectRecord) => o.labels,
  createdBy: (o: ObjectRecord, _: unknown, ctx: AppContext) => loadRef(o.created_by_ref, ctx),
  markings: async (o: ObjectRecord, _: unknown, ctx: AppContext) => {
    const unknown = o.marking_refs.filter((id) => !TLP_MARKING_IDS[id]);
    const loaded = unknown.length ? await ctx.loaders.objects.loadMany(unknown) : [];
    const names = new Map<string, string | null>();
    loaded.forEach((m, i) => names.set(unknown[i]!, m && !(m instanceof Error) ? m.name : null));
    return o.marking_refs.map((id) => {
      const tlp = TLP_MARKING_IDS[id] ?? null;
      return { id, tlp, name: tlp ? `TLP:${tlp}` : (names.get(id) ?? null) };
    });
  },
  tlp: (o: ObjectRecord) => tlpOfRank(o.tlp_rank),
  externalReferences: (o: ObjectRecord) =>
    records(rawOf(o).external_references).flatMap((r) => {
      const sourceName = str(r.source_name);
      return sourceName
        ? [{ sourceName, externalId: str(r.external_id), url: str(r.url), description: str(r.description) }]
        : [];
    }),
  externalIds: (o: ObjectRecord) => o.external_ids,
  // Withheld (null) when the JSON names an object the viewer may not see, as exports and TAXII do.
  raw: async (o: ObjectRecord, _: unknown, ctx: AppContext) => (o.raw && (await ctx.loaders.rawShareable.load(o.id)) ? rawOf(o) : null),
};

const platforms = listField('x_mitre_platforms');

/** STIX type → GraphQL type name; everything else is GenericStixObject. */
export const GRAPHQL_TYPE_BY_STIX_TYPE: Readonly<Record<string, string>> = {
  'attack-pattern': 'AttackPattern',
  'intrusion-set': 'IntrusionSet',
  'threat-actor': 'ThreatActor',
  campaign: 'Campaign',
  malware: 'Malware',
  tool: 'Tool',
  indicator: 'Indicator',
  relationship: 'Relationship',
  'marking-definition': 'MarkingDefinition',
};

export const stixObjectResolvers = {
  TlpLevel: { CLEAR: 'CLEAR', GREEN: 'GREEN', AMBER: 'AMBER', AMBER_STRICT: 'AMBER+STRICT', RED: 'RED' },
  StixObject: {
    __resolveType: (o: ObjectRecord) =>
      Object.prototype.hasOwnProperty.call(GRAPHQL_TYPE_BY_STIX_TYPE, o.type)
        ? GRAPHQL_TYPE_BY_STIX_TYPE[o.type]
        : 'GenericStixObject',
  },
  AttackPattern: {
    ...common,
    killChainPhases,
    platforms,
    isSubtechnique: (o: ObjectRecord) => bool(rawOf(o).x_mitre_is_subtechnique),
  },
  IntrusionSet: {
    ...common,
    goals: listField('goals'),
    resourceLevel: field('resource_level'),
    primaryMotivation: field('primary_motivation'),
    secondaryMotivations: listField('secondary_motivations'),
    firstSeen: field('first_seen'),
    lastSeen: field('last_seen'),
  },
  ThreatActor: {
    ...common,
    threatActorTypes: listField('threat_actor_types'),
    roles: listField('roles'),
    goals: listField('goals'),
    sophistication: field('sophistication'),
    resourceLevel: field('resource_level'),
    primaryMotivation: field('primary_motivation'),
    secondaryMotivations: listField('secondary_motivations'),
    firstSeen: field('first_seen'),
    lastSeen: field('last_seen'),
  },
  Campaign: {
    ...common,
    objective: field('objective'),
    firstSeen: field('first_seen'),
    lastSeen: field('last_seen'),
  },
  Malware: {
    ...common,
    malwareTypes: listField('malware_types'),
    isFamily: (o: ObjectRecord) => bool(rawOf(o).is_family),
    killChainPhases,
    platforms,
    firstSeen: field('first_seen'),
    lastSeen: field('last_seen'),
  },
  Tool: {
    ...common,
    toolTypes: listField('tool_types'),
    killChainPhases,
    platforms,
  },
  Indicator: {
    ...common,
    pattern: field('pattern'),
    patternType: field('pattern_type'),
    indicatorTypes: listField('indicator_types'),
    validFrom: field('valid_from'),
    validUntil: field('valid_until'),
    killChainPhases,
  },
  Relationship: {
    ...common,
    relationshipType: (o: ObjectRecord) => o.relationship_type ?? str(rawOf(o).relationship_type) ?? 'related-to',
    source: (o: ObjectRecord, _: unknown, ctx: AppContext) => loadRef(o.source_ref, ctx),
    target: (o: ObjectRecord, _: unknown, ctx: AppContext) => loadRef(o.target_ref, ctx),
    startTime: field('start_time'),
    stopTime: field('stop_time'),
  },
  MarkingDefinition: {
    ...common,
    confers: (o: ObjectRecord) => {
      if (TLP_MARKING_IDS[o.id]) return TLP_MARKING_IDS[o.id];
      const def = rawOf(o).definition;
      const tlp = def && typeof def === 'object' && !Array.isArray(def) ? str(def.tlp) : null;
      const level = tlp?.toUpperCase().replace('WHITE', 'CLEAR') ?? null;
      return level && (TLP_LEVELS as readonly string[]).includes(level) ? level : null;
    },
    statement: (o: ObjectRecord) => {
      const def = rawOf(o).definition;
      return def && typeof def === 'object' && !Array.isArray(def) ? str(def.statement) : null;
    },
  },
  GenericStixObject: {
    ...common,
    killChainPhases,
  },
};
