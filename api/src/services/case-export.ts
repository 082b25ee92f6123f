/**
 * What a case export adds for tools that do not know our extension (docs/attribution-extension.md,
 * "Export for tools that do not know the extension"): for each hypothesis and candidate actor an
 * `attributed-to` relationship incident → actor whose `confidence` is the hypothesis's posterior
 * on the STIX 0–100 scale, and an `opinion` per analyst judgement. Pure and deterministic: the
 * same case state gives the same objects (ids are UUIDv5, timestamps come from the case), so
 * exporting twice and re-importing is a no-op.
 */
import { TLP_LEVELS } from '../../../schema/graph/kinds';
import {
  ATTRIBUTION_GRAPH_NAMESPACE,
  PROJECT_IDENTITY_ID,
  attributionExtensionObjects,
  uuidv5,
} from '../../../importers/factsheet/index';
import { TLP2_MARKING_IDS } from '../../../schema/stix/vocab';
import type { AssessmentResult } from '../domain/assessment';
import type { StixJson } from '../graph/case.repository';
import type { JsonObject } from '../graph/stix.mapping';
import type { CaseRecord, HypothesisRecord } from './case-model';
import type { StixExportService } from './stix-export.service';
import type { Viewer } from './viewer';

/** STIX opinion-enum by the analyst's probability for the hypothesis: [min, max) bands. */
export const OPINION_BANDS: ReadonlyArray<{ min: number; opinion: string }> = [
  { min: 0.8, opinion: 'strongly-agree' },
  { min: 0.6, opinion: 'agree' },
  { min: 0.4, opinion: 'neutral' },
  { min: 0.2, opinion: 'disagree' },
  { min: 0, opinion: 'strongly-disagree' },
];

export function opinionFor(probability: number): string {
  for (const band of OPINION_BANDS) if (probability >= band.min) return band.opinion;
  return 'strongly-disagree';
}

function markingForRank(rank: number): string {
  const level = TLP_LEVELS[Math.max(0, Math.min(rank, TLP_LEVELS.length - 1))] ?? 'RED';
  return TLP2_MARKING_IDS[level];
}

function latest(timestamps: readonly string[]): string {
  let best = '';
  let bestMs = -Infinity;
  for (const t of timestamps) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms) && ms > bestMs) {
      bestMs = ms;
      best = t;
    }
  }
  return best;
}

function pct(p: number): string {
  return `${(100 * p).toFixed(1)} %`;
}

/** `attributed-to` relationship id for a hypothesis, a candidate and the rank of what was assessed. */
export function attributedToId(hypothesisId: string, actorId: string, rank: number): string {
  return `relationship--${uuidv5(`attributed-to|${hypothesisId}|${actorId}|${rank}`, ATTRIBUTION_GRAPH_NAMESPACE)}`;
}

export function opinionId(hypothesisId: string, analyst: string, at: string): string {
  return `opinion--${uuidv5(`opinion|${hypothesisId}|${analyst}|${at}`, ATTRIBUTION_GRAPH_NAMESPACE)}`;
}

/**
 * The standard objects that carry the assessment of `c` (assessed as `result`, method BOTH or
 * BAYES), plus our extension-definition and the identity that publishes it. A posterior depends
 * on every hypothesis and evidence item of the case, so each relationship is marked with the most
 * restrictive TLP among them (and its actor), and its `modified` is the latest of theirs.
 * Nothing for an incident without hypotheses or evidence.
 */
export function caseExportObjects(c: CaseRecord, result: AssessmentResult): StixJson[] {
  // An incident that is not (yet) an attribution case exports exactly as stored.
  if (c.hypotheses.length === 0 && c.evidence.length === 0) return [];
  const assessedRank = Math.max(
    c.incident.tlpRank,
    ...c.hypotheses.map((h) => h.tlpRank),
    ...c.evidence.map((e) => e.tlpRank),
  );
  const assessedAt = latest([
    c.incident.modified,
    ...c.hypotheses.map((h) => h.modified),
    ...c.evidence.map((e) => e.modified),
  ]);
  const byId = new Map(result.hypotheses.map((r) => [r.hypothesisId, r]));
  const out: StixJson[] = [...(attributionExtensionObjects() as StixJson[])];
  const relationshipIds = new Map<string, string[]>();

  for (const h of c.hypotheses) {
    const r = byId.get(h.id);
    if (!r || r.posterior === null || r.confidence === null) continue;
    const ids: string[] = [];
    for (const actorId of h.candidateRefs) {
      const actor = c.candidates.get(actorId);
      if (!actor) continue; // not imported, or not visible to this viewer
      const rank = Math.max(assessedRank, actor.tlpRank);
      const id = attributedToId(h.id, actorId, rank);
      ids.push(id);
      out.push({
        type: 'relationship',
        spec_version: '2.1',
        id,
        created_by_ref: PROJECT_IDENTITY_ID,
        created: h.created,
        modified: assessedAt,
        relationship_type: 'attributed-to',
        source_ref: c.incident.id,
        target_ref: actorId,
        confidence: r.confidence,
        description:
          `Attribution hypothesis "${h.name}" (${h.category}, status ${h.status}): posterior ${pct(r.posterior)}` +
          ` (${r.label ?? 'unlabelled'}), rank ${r.rank} of ${result.hypotheses.length}, computed by Attribution Graph` +
          ` from ${c.evidence.length} evidence item(s) as of ${assessedAt}. The candidate is "${actor.name}".` +
          ` The full reasoning is in ${h.id}.`,
        labels: ['attribution-hypothesis', `hypothesis-status:${h.status}`],
        external_references: [
          {
            source_name: 'attribution-graph',
            external_id: h.id,
            description: 'The attribution-hypothesis object this relationship summarises.',
          },
        ],
        object_marking_refs: [markingForRank(rank)],
      });
    }
    relationshipIds.set(h.id, ids);
  }

  for (const h of c.hypotheses) out.push(...opinions(h, relationshipIds.get(h.id) ?? []));
  return out;
}

function opinions(h: HypothesisRecord, relationshipIds: readonly string[]): StixJson[] {
  return h.judgements
    .filter((j) => j.analyst !== '' && Number.isFinite(Date.parse(j.at)))
    .map((j) => {
      const p = Math.min(1, Math.max(0, j.probability));
      return {
        type: 'opinion',
        spec_version: '2.1',
        id: opinionId(h.id, j.analyst, j.at),
        created_by_ref: PROJECT_IDENTITY_ID,
        created: j.at,
        modified: j.at,
        opinion: opinionFor(p),
        explanation:
          `${j.analyst} gives probability ${pct(p)} to the attribution hypothesis "${h.name}" (${h.category}).` +
          (j.rationale ? ` Rationale: ${j.rationale}` : ''),
        authors: [j.analyst],
        object_refs: [...relationshipIds, h.id],
        labels: ['analyst-judgement'],
        object_marking_refs: [markingForRank(h.tlpRank)],
      };
    });
}

/**
 * The STIX export service, with the case objects added to every incident export: objects the
 * export already holds under the same id are replaced (a stored `attributed-to` from an earlier
 * export may carry an older posterior), the rest are appended. Other exports are unchanged.
 */
export function withCaseExport(
  inner: StixExportService,
  caseExport: (incidentId: string, viewer: Viewer) => Promise<StixJson[]>,
): StixExportService {
  return {
    exportPage: (options) => inner.exportPage(options),
    async exportBundle(options) {
      const bundle = await inner.exportBundle(options);
      if (!options.incidentId) return bundle;
      const extra = await caseExport(options.incidentId, options.viewer);
      const index = new Map(bundle.objects.map((o, i) => [String(o.id), i]));
      const objects = [...bundle.objects];
      for (const o of extra) {
        const at = index.get(String(o.id));
        if (at === undefined) {
          index.set(String(o.id), objects.length);
          objects.push(o as JsonObject);
        } else if (o.type !== 'identity' && o.type !== 'extension-definition') {
          objects[at] = o as JsonObject;
        }
      }
      objects.sort((a, b) => rank(a) - rank(b) || String(a.id).localeCompare(String(b.id)));
      return { ...bundle, objects };
    },
  };
}

/** The export service's order (markings, extension-definitions, identities, the rest; by id). */
function rank(o: JsonObject): number {
  if (o.type === 'marking-definition') return 0;
  if (o.type === 'extension-definition') return 1;
  if (o.type === 'identity') return 2;
  return 3;
}
