/**
 * Incidents, hypotheses, evidence, assessment and audit log: check the caller, call the case and
 * assessment services, shape their records into the SDL types (incident.graphql,
 * hypothesis.graphql, evidence.graphql). Enum values are the SDL's upper-case names; the stored
 * STIX values are lower-case.
 */
import { TLP_LEVELS } from '../../../../schema/graph/kinds';
import type { HypothesisResult } from '../../domain/assessment';
import { NotFoundError } from '../../errors';
import type { CaseAssessment } from '../../services/assessment.service';
import type { CaseRecord, EvidenceRecord, HypothesisRecord, RatingRecord } from '../../services/case-model';
import type { SourceInput } from '../../services/case.service';
import { requireViewer } from '../auth/require-viewer';
import type { AppContext } from '../context';
import { consensusCells } from '../../services/consensus-cells';
import type {
  MutationCreateEvidenceArgs, MutationCreateHypothesisArgs, MutationDeleteEvidenceArgs, MutationDeleteHypothesisArgs, MutationRateEvidenceArgs,
  MutationSetHypothesisStatusArgs, MutationSetJudgementArgs, MutationUpdateEvidenceArgs, MutationUpdateHypothesisArgs, QueryAssessmentArgs,
  QueryAssessmentHistoryArgs, QueryAuditLogArgs, QueryEvidenceArgs, QueryHypothesisArgs, QueryIncidentArgs, QueryIncidentBriefArgs, RatingCombination,
} from '../../../../schema/graphql/generated/resolvers';

type Ctx = Pick<AppContext, 'services' | 'viewer'>;


/** Null instead of NOT_FOUND for single-object queries. */
async function orNull<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

const tlpName = (rank: number) => TLP_LEVELS[rank] ?? 'RED';
const upper = (v: string) => v.toUpperCase();
const lower = (v: string | null | undefined) => (typeof v === 'string' ? v.toLowerCase() : v);

interface Actor {
  id: string;
  type: string;
  name: string;
}

/** A hypothesis with what the case already knows about it (so fields need no extra query). */
interface HypothesisModel extends HypothesisRecord {
  knownCandidates?: Actor[];
}

interface EvidenceModel extends EvidenceRecord {
  hypothesesById?: Map<string, HypothesisModel>;
}

interface IncidentModel {
  id: string;
  name: string;
  description: string | null;
  tlpRank: number;
  raw: unknown;
  hypotheses: HypothesisModel[];
  evidence?: EvidenceModel[];
}

/**
 * The case as GraphQL serves it. `byId` and `evidenceById` also hold the deleted hypotheses and
 * evidence: an assessment as of an instant before a deletion names them (with `deleted: true`).
 */
function caseModel(c: CaseRecord): IncidentModel & { byId: Map<string, HypothesisModel>; evidenceById: Map<string, EvidenceModel> } {
  const model = (h: HypothesisRecord): HypothesisModel => ({
    ...h,
    knownCandidates: h.candidateRefs.flatMap((id) => {
      const a = c.candidates.get(id);
      return a ? [{ id: a.id, type: a.type, name: a.name }] : [];
    }),
  });
  const hypotheses = c.hypotheses.map(model);
  const byId = new Map([...hypotheses, ...c.deleted.hypotheses.map(model)].map((h) => [h.id, h]));
  const evidence = c.evidence.map((e) => ({ ...e, hypothesesById: byId }));
  const evidenceById = new Map([...evidence, ...c.deleted.evidence.map((e) => ({ ...e, hypothesesById: byId }))].map((e) => [e.id, e]));
  return {
    id: c.incident.id,
    name: c.incident.name,
    description: c.incident.description,
    tlpRank: c.incident.tlpRank,
    raw: c.incident.raw,
    hypotheses,
    evidence,
    byId,
    evidenceById,
  };
}

function assessedHypothesis(h: HypothesisResult, byId: Map<string, HypothesisModel>) {
  return {
    hypothesis: byId.get(h.hypothesisId),
    score: h.score,
    achRank: h.achRank,
    posterior: h.posterior,
    rank: h.rank,
    label: h.label,
    confidence: h.confidence,
    confidenceLevel: h.confidenceLevel,
    admiraltyCredibility: h.admiraltyCredibility,
    isOther: h.isOther,
    bound: h.bound === null ? null : upper(h.bound),
    blankCells: h.blankCells,
    ratedCells: h.ratedCells,
  };
}

/** `new-leader` → `NEW_LEADER` (engine words to SDL enum values). */
const enumValue = (v: string) => v.toUpperCase().replace(/-/g, '_');

function deltas(record: Record<string, number> | null, key: 'posterior' | 'score', into: Map<string, { posterior: number | null; score: number | null }>) {
  for (const [id, v] of Object.entries(record ?? {})) {
    const d = into.get(id) ?? { posterior: null, score: null };
    d[key] = v;
    into.set(id, d);
  }
}

const COMBINATIONS = { MEAN: 'mean', STRICTEST: 'strictest' } as const;
const COHERENTISATIONS = { PROPORTIONAL: 'proportional', LEAST_SQUARES: 'least-squares' } as const;

function shapeAssessment(incidentId: string, a: CaseAssessment, combination: RatingCombination) {
  const m = caseModel(a.case);
  const evidenceById = m.evidenceById;
  const r = a.result;
  const probability = (p: { hypothesisId: string; probability: number }) => ({ hypothesis: m.byId.get(p.hypothesisId), probability: p.probability });
  const cells = consensusCells(r);
  const hypothesis = (id: string | null) => (id === null ? null : m.byId.get(id) ?? null);
  const hypothesesOf = (ids: readonly string[]) => ids.flatMap((id) => (m.byId.has(id) ? [m.byId.get(id)!] : []));
  return {
    incidentId,
    method: r.method,
    ratingCombination: combination,
    asOf: r.asOf,
    hypotheses: r.hypotheses.map((h) => assessedHypothesis(h, m.byId)),
    leader: hypothesis(r.leader),
    leadStatus: upper(r.leadStatus),
    tiedForLead: hypothesesOf(r.tiedForLead),
    leadRestsOn: r.leadRestsOn,
    analyticConfidence: { ...r.analyticConfidence, level: upper(r.analyticConfidence.level) },
    analystDivergence: r.analystDivergence.map((d) => ({ ...d, leaderA: hypothesis(d.leaderA), leaderB: hypothesis(d.leaderB) })),
    evidence: r.evidence.map((e) => ({
      id: e.evidenceId,
      evidence: evidenceById.get(e.evidenceId),
      effectiveWeight: e.effectiveWeight,
      reliability: e.reliability,
      group: e.group,
      groupSize: e.groupSize,
      duplicateOf: e.duplicateOf,
      nearDuplicateOf: e.nearDuplicateOf,
      diagnosticity: e.diagnosticity,
      nonDiagnostic: e.nonDiagnostic,
      cells: (cells.get(e.evidenceId) ?? [])
        .filter((c) => m.byId.has(c.hypothesisId))
        .map(({ hypothesisId, ...cell }) => ({ ...cell, hypothesis: m.byId.get(hypothesisId) })),
    })),
    sensitivity: r.sensitivity.map((s) => {
      const byHypothesis = new Map<string, { posterior: number | null; score: number | null }>();
      deltas(s.deltaPosterior, 'posterior', byHypothesis);
      deltas(s.deltaScore, 'score', byHypothesis);
      return {
        evidence: evidenceById.get(s.evidenceId),
        action: upper(s.action),
        flipsLead: s.flipsLead,
        outcome: enumValue(s.outcome),
        newLeader: s.newLeader ? m.byId.get(s.newLeader) : null,
        tiedAfter: hypothesesOf(s.tiedAfter),
        decisive: s.decisive,
        deltas: [...byHypothesis].map(([id, d]) => ({ hypothesis: m.byId.get(id), ...d })),
      };
    }),
    analysts: r.analysts.map((v) => ({
      analyst: v.analyst,
      hypotheses: v.hypotheses.map((h) => assessedHypothesis(h, m.byId)),
      judgement: v.judgement ? v.judgement.map(probability) : null,
      leader: hypothesis(v.leader),
      leadStatus: upper(v.leadStatus),
      ratedItems: v.ratedItems,
      incoherence: v.incoherence,
    })),
    pooled: r.pooled
      ? {
          rule: r.pooled.rule,
          coherentisation: enumValue(r.pooled.coherentisation),
          analysts: r.pooled.analysts,
          hypotheses: r.pooled.hypotheses.map((h) => ({
            ...probability(h),
            rank: h.rank,
            label: h.label,
            confidence: h.confidence,
            analysts: h.analysts,
          })),
        }
      : null,
    disagreement: r.disagreement.map((d) => ({
      hypothesis: m.byId.get(d.hypothesisId),
      spread: d.spread,
      stdDev: d.stdDev,
      lowest: d.lowest,
      highest: d.highest,
    })),
    explanation: a.explanation,
  };
}

function sources(input: readonly { name: string; url?: string | null; archiveUrl?: string | null; description?: string | null }[] | null | undefined): SourceInput[] | null | undefined {
  return input === undefined || input === null ? input : input.map((s) => ({ ...s }));
}

export const caseResolvers = {
  Query: {
    incident: async (_: unknown, args: QueryIncidentArgs, ctx: Ctx) => {
      const c = await orNull(ctx.services.cases.incident(args.id, requireViewer(ctx)));
      return c ? caseModel(c) : null;
    },
    incidents: async (_: unknown, _args: unknown, ctx: Ctx) => ctx.services.cases.incidents(requireViewer(ctx)),
    auditLog: async (_: unknown, args: QueryAuditLogArgs, ctx: Ctx) =>
      ctx.services.cases.auditLog(args.objectId, requireViewer(ctx), args.limit ?? undefined),
    assessment: async (_: unknown, args: QueryAssessmentArgs, ctx: Ctx) => {
      const combination = args.ratingCombination ?? 'MEAN';
      const a = await ctx.services.assessment.assess(args.incidentId, {
        viewer: requireViewer(ctx),
        asOf: args.asOf,
        method: args.method,
        ratingCombination: COMBINATIONS[combination],
        coherentisation: args.coherentisation ? COHERENTISATIONS[args.coherentisation] : null,
      });
      return shapeAssessment(args.incidentId, a, combination);
    },
    incidentBrief: async (_: unknown, args: QueryIncidentBriefArgs, ctx: Ctx) => {
      const brief = await ctx.services.brief.render(args.incidentId, { viewer: requireViewer(ctx), asOf: args.asOf, format: args.format ?? 'PDF' });
      const binary = brief.mediaType === 'application/pdf';
      return {
        fileName: brief.fileName,
        mediaType: brief.mediaType,
        tlp: brief.tlp,
        pages: brief.pages,
        encoding: binary ? 'base64' : 'utf-8',
        content: brief.bytes.toString(binary ? 'base64' : 'utf8'),
      };
    },
    assessmentHistory: async (_: unknown, args: QueryAssessmentHistoryArgs, ctx: Ctx) => {
      const h = await ctx.services.assessment.history(args.incidentId, {
        viewer: requireViewer(ctx),
        asOf: args.asOf,
        method: args.method,
        ratingCombination: COMBINATIONS[args.ratingCombination ?? 'MEAN'],
      });
      const m = caseModel(h.case);
      return {
        incidentId: args.incidentId,
        points: h.points.map((p) => ({
          asOf: p.asOf,
          leader: p.leader ? m.byId.get(p.leader) : null,
          leadStatus: upper(p.leadStatus),
          tiedForLead: p.tiedForLead.flatMap((id) => (m.byId.has(id) ? [m.byId.get(id)] : [])),
          hypotheses: p.hypotheses.map((x) => ({ hypothesis: m.byId.get(x.hypothesisId), score: x.score, posterior: x.posterior, rank: x.rank })),
        })),
      };
    },
    hypothesis: async (_: unknown, args: QueryHypothesisArgs, ctx: Ctx) => orNull(ctx.services.cases.hypothesis(args.id, requireViewer(ctx))),
    evidence: async (_: unknown, args: QueryEvidenceArgs, ctx: Ctx) => orNull(ctx.services.cases.evidence(args.id, requireViewer(ctx))),
  },

  Mutation: {
    createHypothesis: async (_: unknown, args: MutationCreateHypothesisArgs, ctx: Ctx) => {
      const { status, ...rest } = args.input;
      return ctx.services.cases.createHypothesis({ ...rest, status: lower(status as string | null | undefined) }, requireViewer(ctx));
    },
    updateHypothesis: async (_: unknown, args: MutationUpdateHypothesisArgs, ctx: Ctx) =>
      ctx.services.cases.updateHypothesis(args.id, args.input, requireViewer(ctx), { expectedModified: args.expectedModified }),
    setHypothesisStatus: async (_: unknown, args: MutationSetHypothesisStatusArgs, ctx: Ctx) =>
      ctx.services.cases.setHypothesisStatus(args.id, args.status.toLowerCase(), args.rationale, requireViewer(ctx), {
        expectedModified: args.expectedModified,
      }),
    deleteHypothesis: async (_: unknown, args: MutationDeleteHypothesisArgs, ctx: Ctx) =>
      ctx.services.cases.deleteHypothesis(args.id, args.rationale, requireViewer(ctx), { expectedModified: args.expectedModified }),
    deleteEvidence: async (_: unknown, args: MutationDeleteEvidenceArgs, ctx: Ctx) =>
      ctx.services.cases.deleteEvidence(args.id, args.rationale, requireViewer(ctx), { expectedModified: args.expectedModified }),
    setJudgement: async (_: unknown, args: MutationSetJudgementArgs, ctx: Ctx) => {
      const { expectedModified, ...input } = args;
      return ctx.services.cases.setJudgement(input, requireViewer(ctx), { expectedModified });
    },
    createEvidence: async (_: unknown, args: MutationCreateEvidenceArgs, ctx: Ctx) =>
      ctx.services.cases.createEvidence(
        { ...args.input, kind: args.input.kind.toLowerCase(), sources: sources(args.input.sources) },
        requireViewer(ctx),
      ),
    updateEvidence: async (_: unknown, args: MutationUpdateEvidenceArgs, ctx: Ctx) =>
      ctx.services.cases.updateEvidence(
        args.id,
        { ...args.input, kind: lower(args.input.kind), sources: sources(args.input.sources) },
        requireViewer(ctx),
        { expectedModified: args.expectedModified },
      ),
    rateEvidence: async (_: unknown, args: MutationRateEvidenceArgs, ctx: Ctx) => {
      const { expectedModified, ...input } = args;
      return ctx.services.cases.rateEvidence(input, requireViewer(ctx), { expectedModified });
    },
  },

  Incident: {
    tlp: (i: IncidentModel) => tlpName(i.tlpRank),
    hypotheses: (i: IncidentModel) => i.hypotheses,
    evidence: async (i: IncidentModel, _: unknown, ctx: Ctx) => {
      if (i.evidence) return i.evidence;
      return caseModel(await ctx.services.cases.incident(i.id, requireViewer(ctx))).evidence ?? [];
    },
  },

  Hypothesis: {
    status: (h: HypothesisModel) => upper(h.status),
    tlp: (h: HypothesisModel) => tlpName(h.tlpRank),
    candidates: async (h: HypothesisModel, _: unknown, ctx: Ctx) =>
      h.knownCandidates ?? ctx.services.cases.actors(h.candidateRefs, requireViewer(ctx)),
  },

  Evidence: {
    kind: (e: EvidenceModel) => upper(e.kind),
    tlp: (e: EvidenceModel) => tlpName(e.tlpRank),
    sources: (e: EvidenceModel) =>
      e.externalReferences.map((r) => ({
        name: String(r.source_name ?? ''),
        url: typeof r.url === 'string' ? r.url : null,
        description: typeof r.description === 'string' ? r.description : null,
        externalId: typeof r.external_id === 'string' ? r.external_id : null,
      })),
    ratings: (e: EvidenceModel) => e.ratings.map((r) => ({ ...r, owner: e })),
  },

  EvidenceRating: {
    hypothesis: async (r: RatingRecord & { owner: EvidenceModel }, _: unknown, ctx: Ctx) => {
      const known = r.owner.hypothesesById?.get(r.hypothesisId);
      if (known) return known;
      if (r.owner.hypothesesById) return null; // not in the case as this viewer sees it
      return orNull(ctx.services.cases.hypothesis(r.hypothesisId, requireViewer(ctx)));
    },
  },

  AuditEntry: {
    before: (a: { before: string | null }) => (a.before === null ? null : JSON.parse(a.before)),
    after: (a: { after: string | null }) => (a.after === null ? null : JSON.parse(a.after)),
  },
};
