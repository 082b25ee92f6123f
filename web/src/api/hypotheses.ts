/**
 * Hypotheses and assessment operations, and the composition of the hypotheses view's data from
 * them. The assessment is computed by the server; this module only joins its answers (scores,
 * posteriors, diagnosticity) with the incident's evidence and ratings for display.
 */
import { operation, type GraphQLClient } from './client';
import { ASSESSMENT, type ImportResult, type IncidentSummary } from './operations';
import type { HistoryPoint, HypothesesData, MatrixEvidence, Rating } from '../views/hypotheses-view';

interface EvidenceRow {
  id: string;
  name: string;
  weight: number | null;
  reliability: string | null;
  credibility: number | null;
  collectedAt: string | null;
  ratings: { hypothesisId: string; analyst: string; rating: Rating }[];
}

export const INCIDENT_EVIDENCE = operation<
  { incident: { id: string; name: string; evidence: EvidenceRow[] } | null },
  { id: string }
>(
  'WebIncidentEvidence',
  `query WebIncidentEvidence($id: ID!) {
    incident(id: $id) {
      id name
      evidence { id name weight reliability credibility collectedAt ratings { hypothesisId analyst rating } }
    }
  }`,
);

export const ASSESSMENT_DETAIL = operation<
  {
    assessment: {
      hypotheses: { hypothesis: { id: string; name: string; category: string | null }; score: number | null; posterior: number | null; rank: number; label: string | null }[];
      evidence: { id: string; diagnosticity: number | null }[];
      sensitivity: { evidenceId: string; newLeaderId: string | null; description: string }[];
    };
  },
  { incidentId: string; asOf?: string | null }
>(
  'WebAssessmentDetail',
  `query WebAssessmentDetail($incidentId: ID!, $asOf: DateTime) {
    assessment(incidentId: $incidentId, asOf: $asOf) {
      hypotheses { hypothesis { id name category } score posterior rank label }
      evidence { id diagnosticity }
      sensitivity { evidenceId newLeaderId description }
    }
  }`,
);

export const RATE_EVIDENCE = operation<
  { rateEvidence: { id: string } },
  { evidenceId: string; hypothesisId: string; rating: Rating }
>(
  'WebRateEvidence',
  `mutation WebRateEvidence($evidenceId: ID!, $hypothesisId: ID!, $rating: Rating!) {
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
  { input: { incidentId: string; name: string; collectedAt: string } }
>(
  'WebCreateEvidence',
  `mutation WebCreateEvidence($input: CreateEvidenceInput!) { createEvidence(input: $input) { id } }`,
);

export const IMPORT_FACT_SHEET = operation<{ importFactSheet: ImportResult }, { text: string }>(
  'WebImportFactSheet',
  `mutation WebImportFactSheet($text: String!) {
    importFactSheet(text: $text) { created updated unchanged rejected errors { objectId path message } }
  }`,
);

export interface HypothesesApi {
  rate?: (client: GraphQLClient, input: { incidentId: string; evidenceId: string; hypothesisId: string; rating: Rating }) => Promise<void>;
  addHypothesis?: (client: GraphQLClient, input: { incidentId: string; name: string; category: string }) => Promise<void>;
  addEvidence?: (client: GraphQLClient, input: { incidentId: string; name: string; collectedAt: string }) => Promise<void>;
  importFactSheet?: (client: GraphQLClient, text: string) => Promise<ImportResult>;
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
  importFactSheet: async (client, text) => (await client.request(IMPORT_FACT_SHEET, { text })).importFactSheet,
};

const HISTORY_POINTS = 12;

/** Ratings shown in the matrix: the viewer's own when they rated, else the most frequent one. */
function shownRating(ratings: EvidenceRow['ratings'], hypothesisId: string, analyst: string | null): Rating | null {
  const mine = ratings.filter((r) => r.hypothesisId === hypothesisId);
  if (mine.length === 0) return null;
  const own = analyst ? mine.find((r) => r.analyst === analyst) : undefined;
  if (own) return own.rating;
  const counts = new Map<Rating, number>();
  for (const r of mine) counts.set(r.rating, (counts.get(r.rating) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
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
  const [assessment, detail] = await Promise.all([
    client.request(ASSESSMENT_DETAIL, { incidentId: incident.id, asOf: asOfTime }).then((d) => d.assessment)
      .catch(async () => ({ ...(await client.request(ASSESSMENT, { incidentId: incident.id, asOf: asOfTime })).assessment, sensitivity: null })),
    client.request(INCIDENT_EVIDENCE, { id: incident.id }),
  ]);
  const diagnosticity = new Map(assessment.evidence.map((e) => [e.id, e.diagnosticity]));
  const rows = detail.incident?.evidence ?? [];
  const known = rows.filter((e) => !asOfTime || !e.collectedAt || e.collectedAt <= asOfTime);
  const evidence: MatrixEvidence[] = known.map((e) => ({
    id: e.id,
    name: e.name,
    weight: e.weight,
    reliability: e.reliability,
    credibility: e.credibility,
    knownAt: e.collectedAt,
    diagnosticity: diagnosticity.get(e.id) ?? null,
    ratings: Object.fromEntries(assessment.hypotheses.map((x) => [x.hypothesis.id, shownRating(e.ratings, x.hypothesis.id, analyst)])),
  }));
  // History: the server's assessment as of each distinct evidence date (at most HISTORY_POINTS).
  const dates = [...new Set(rows.map((e) => e.collectedAt?.slice(0, 10)).filter((d): d is string => Boolean(d)))].sort();
  const sampled = dates.length <= HISTORY_POINTS ? dates : dates.filter((_, i) => i % Math.ceil(dates.length / HISTORY_POINTS) === 0);
  const history: HistoryPoint[] = await Promise.all(sampled.map(async (date) => {
    const a = (await client.request(ASSESSMENT, { incidentId: incident.id, asOf: `${date}T23:59:59Z` })).assessment;
    return { date, posteriors: Object.fromEntries(a.hypotheses.map((x) => [x.hypothesis.id, x.posterior ?? 0])) };
  })).catch(() => []);
  return {
    incidentName: incident.name,
    asOf,
    hypotheses: assessment.hypotheses.map((x) => ({ ...x.hypothesis, score: x.score, posterior: x.posterior, rank: x.rank, label: x.label })).sort((a, b) => a.rank - b.rank),
    evidence,
    sensitivity: assessment.sensitivity
      ? assessment.sensitivity.map((s) => ({ evidenceId: s.evidenceId, newLeaderId: s.newLeaderId, text: `${known.find((e) => e.id === s.evidenceId)?.name ?? s.evidenceId}: ${s.description}` }))
      : null,
    history,
    canEdit,
    analyst,
  };
}
