/**
 * Hypotheses and assessment operations, and the composition of the hypotheses view's data from
 * them. The assessment is computed by the server; this module only joins its answers (scores,
 * posteriors, diagnosticity) with the incident's evidence and ratings for display.
 */
import { operation, type GraphQLClient } from './client';
import { IMPORT_FACT_SHEET, type ImportResult, type IncidentSummary } from './operations';
import type { AnalystsView, ConsensusCell, EvidenceKind, HistoryPoint, HypothesesData, MatrixEvidence, Rating } from '../views/hypotheses-view';

interface EvidenceRow {
  id: string;
  name: string;
  weight: number | null;
  reliability: string | null;
  credibility: number | null;
  collectedAt: string | null;
  ratings: { hypothesisId: string; analyst: string; rating: Rating; ratedAt: string }[];
}

export const INCIDENT_EVIDENCE = operation<
  { incident: { id: string; name: string; evidence: EvidenceRow[] } | null },
  { id: string }
>(
  'WebIncidentEvidence',
  `query WebIncidentEvidence($id: ID!) {
    incident(id: $id) {
      id name
      evidence { id name weight reliability credibility collectedAt ratings { hypothesisId analyst rating ratedAt } }
    }
  }`,
);

interface AssessedRow {
  hypothesis: { id: string; name: string; category: string | null };
  score: number | null;
  posterior: number | null;
  rank: number;
  label: string | null;
  confidence: number | null;
}

export const ASSESSMENT_DETAIL = operation<
  {
    assessment: {
      hypotheses: AssessedRow[];
      evidence: {
        id: string; diagnosticity: number; nonDiagnostic: boolean; effectiveWeight: number;
        cells: { hypothesis: { id: string }; rating: Rating; raters: number; unanimous: boolean; likelihood: number }[];
      }[];
      sensitivity: { evidence: { id: string; name: string }; action: 'REMOVE' | 'RESTORE'; flipsLead: boolean; newLeader: { id: string; name: string } | null }[];
      analysts: { analyst: string; hypotheses: { hypothesis: { id: string }; posterior: number | null; rank: number }[] }[];
      pooled: { rule: string; analysts: string[]; hypotheses: { hypothesis: { id: string }; probability: number; label: string }[] } | null;
      disagreement: { hypothesis: { id: string }; spread: number; lowest: { analyst: string; probability: number }; highest: { analyst: string; probability: number } }[];
      explanation: string[];
    };
  },
  { incidentId: string; asOf?: string | null }
>(
  'WebAssessmentDetail',
  `query WebAssessmentDetail($incidentId: ID!, $asOf: DateTime) {
    assessment(incidentId: $incidentId, asOf: $asOf) {
      hypotheses { hypothesis { id name category } score posterior rank label confidence }
      evidence { id diagnosticity nonDiagnostic effectiveWeight cells { hypothesis { id } rating raters unanimous likelihood } }
      sensitivity { evidence { id name } action flipsLead newLeader { id name } }
      analysts { analyst hypotheses { hypothesis { id } posterior rank } }
      pooled { rule analysts hypotheses { hypothesis { id } probability label } }
      disagreement { hypothesis { id } spread lowest { analyst probability } highest { analyst probability } }
      explanation
    }
  }`,
);

export const ASSESSMENT_HISTORY = operation<
  { assessmentHistory: { points: { asOf: string; leader: { id: string } | null; hypotheses: { hypothesis: { id: string }; posterior: number | null }[] }[] } },
  { incidentId: string; asOf?: string | null }
>(
  'WebAssessmentHistory',
  `query WebAssessmentHistory($incidentId: ID!, $asOf: DateTime) {
    assessmentHistory(incidentId: $incidentId, asOf: $asOf) {
      points { asOf leader { id } hypotheses { hypothesis { id } posterior } }
    }
  }`,
);

export const RATE_EVIDENCE = operation<
  { rateEvidence: { id: string } },
  { evidenceId: string; hypothesisId: string; rating: Rating }
>(
  'WebRateEvidence',
  `mutation WebRateEvidence($evidenceId: ID!, $hypothesisId: ID!, $rating: ConsistencyRating!) {
    rateEvidence(evidenceId: $evidenceId, hypothesisId: $hypothesisId, rating: $rating) { id }
  }`,
);

export const ADD_HYPOTHESIS = operation<
  { createHypothesis: { id: string } },
  { input: { incidentId: string; name: string; category: string } }
>(
  'WebCreateHypothesis',
  `mutation WebCreateHypothesis($input: CreateHypothesisInput!) { createHypothesis(input: $input) { id } }`,
);

export const ADD_EVIDENCE = operation<
  { createEvidence: { id: string } },
  { input: { incidentId: string; name: string; collectedAt: string; kind: EvidenceKind } }
>(
  'WebCreateEvidence',
  `mutation WebCreateEvidence($input: CreateEvidenceInput!) { createEvidence(input: $input) { id } }`,
);

export interface HypothesesApi {
  rate?: (client: GraphQLClient, input: { incidentId: string; evidenceId: string; hypothesisId: string; rating: Rating }) => Promise<void>;
  addHypothesis?: (client: GraphQLClient, input: { incidentId: string; name: string; category: string }) => Promise<void>;
  addEvidence?: (client: GraphQLClient, input: { incidentId: string; name: string; collectedAt: string; kind: EvidenceKind }) => Promise<void>;
  importFactSheet?: (client: GraphQLClient, text: string, fileName: string) => Promise<ImportResult>;
}

export const HYPOTHESES_API: HypothesesApi = {
  rate: async (client, input) => {
    await client.request(RATE_EVIDENCE, { evidenceId: input.evidenceId, hypothesisId: input.hypothesisId, rating: input.rating });
  },
  addHypothesis: async (client, input) => {
    await client.request(ADD_HYPOTHESIS, { input });
  },
  addEvidence: async (client, input) => {
    await client.request(ADD_EVIDENCE, { input });
  },
  // The same seed service as `attribution-graph import case.yaml`; refused sheets come back with errors.
  importFactSheet: async (client, text, fileName) => (await client.request(IMPORT_FACT_SHEET, { text, fileName })).importFactSheet,
};

/** The viewer's own latest rating of each cell (null: not rated by them). */
function ownRating(ratings: EvidenceRow['ratings'], hypothesisId: string, analyst: string | null): Rating | null {
  if (!analyst) return null;
  const own = ratings.filter((r) => r.hypothesisId === hypothesisId && r.analyst === analyst)
    .sort((a, b) => Date.parse(a.ratedAt) - Date.parse(b.ratedAt));
  return own.length ? own[own.length - 1]!.rating : null;
}

export async function loadHypotheses(
  _api: HypothesesApi,
  client: GraphQLClient,
  incident: IncidentSummary,
  asOf: string | null,
  canEdit: boolean,
  analyst: string | null,
): Promise<HypothesesData> {
  const asOfTime = asOf ? `${asOf}T23:59:59Z` : null;
  const [{ assessment }, detail, history] = await Promise.all([
    client.request(ASSESSMENT_DETAIL, { incidentId: incident.id, asOf: asOfTime }),
    client.request(INCIDENT_EVIDENCE, { id: incident.id }),
    client.request(ASSESSMENT_HISTORY, { incidentId: incident.id, asOf: asOfTime }).catch(() => null),
  ]);
  const assessed = new Map(assessment.evidence.map((e) => [e.id, e]));
  const position = new Map(incident.hypotheses.map((x, i) => [x.id, i]));
  const order = (id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  const rows = (detail.incident?.evidence ?? []).filter((e) => assessed.has(e.id));
  const evidence: MatrixEvidence[] = rows.map((e) => ({
    id: e.id,
    name: e.name,
    weight: assessed.get(e.id)?.effectiveWeight ?? e.weight,
    reliability: e.reliability,
    credibility: e.credibility,
    knownAt: e.collectedAt,
    diagnosticity: assessed.get(e.id)?.nonDiagnostic ? 0 : (assessed.get(e.id)?.diagnosticity ?? null),
    ratings: Object.fromEntries(assessment.hypotheses.map((x) => [x.hypothesis.id, ownRating(e.ratings, x.hypothesis.id, analyst)])),
    consensus: Object.fromEntries((assessed.get(e.id)?.cells ?? []).map((c): [string, ConsensusCell] => [c.hypothesis.id, {
      rating: c.rating, raters: c.raters, unanimous: c.unanimous, likelihood: c.likelihood,
    }])),
  }));
  const points: HistoryPoint[] = (history?.assessmentHistory.points ?? []).map((p) => ({
    date: p.asOf,
    posteriors: Object.fromEntries(p.hypotheses.map((x) => [x.hypothesis.id, x.posterior ?? 0])),
  }));
  const analysts: AnalystsView = {
    perAnalyst: assessment.analysts.map((a) => ({ analyst: a.analyst, posteriors: Object.fromEntries(a.hypotheses.map((x) => [x.hypothesis.id, x.posterior])) })),
    pooled: assessment.pooled
      ? { rule: assessment.pooled.rule, probabilities: Object.fromEntries(assessment.pooled.hypotheses.map((x) => [x.hypothesis.id, x.probability])) }
      : null,
    disagreement: assessment.disagreement.map((d) => ({ hypothesisId: d.hypothesis.id, spread: d.spread, lowest: d.lowest, highest: d.highest })),
  };
  return {
    incidentName: incident.name,
    asOf,
    // Columns keep the incident's order, so a rating that changes the ranks does not move them.
    hypotheses: assessment.hypotheses.map((x) => ({ ...x.hypothesis, score: x.score, posterior: x.posterior, rank: x.rank, label: x.label }))
      .sort((a, b) => order(a.id) - order(b.id)),
    evidence,
    sensitivity: assessment.sensitivity.filter((s) => s.flipsLead).map((s) => ({
      evidenceId: s.evidence.id,
      newLeaderId: s.newLeader?.id ?? null,
      text: `${s.action === 'REMOVE' ? 'Without' : 'Restoring'} “${s.evidence.name}”`,
    })),
    history: points,
    analysts,
    explanation: assessment.explanation,
    canEdit,
    analyst,
    mode: 'consensus',
  };
}
