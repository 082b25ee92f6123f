/**
 * Hypotheses and assessment operations, and the composition of the hypotheses view's data from
 * them. The assessment is computed by the server; this module only joins its answers (scores,
 * posteriors, diagnosticity) with the incident's evidence and ratings for display.
 */
import { call, operation, type GraphQLClient } from './client';
import type {
  BriefFormat, WebAssessmentHistoryQuery, WebAssessmentHistoryQueryVariables,
  WebCaseTimesQuery, WebCaseTimesQueryVariables, WebCreateEvidenceMutation, WebCreateEvidenceMutationVariables, WebCreateHypothesisMutation,
  WebCreateHypothesisMutationVariables, WebDeleteEvidenceMutation, WebDeleteEvidenceMutationVariables, WebDeleteHypothesisMutation,
  WebDeleteHypothesisMutationVariables, WebHypothesesViewQuery, WebHypothesesViewQueryVariables, WebIncidentBriefQuery,
  WebIncidentBriefQueryVariables, WebRateEvidenceMutation, WebRateEvidenceMutationVariables, WebSetHypothesisStatusMutation,
  WebSetHypothesisStatusMutationVariables, WebSetJudgementMutation, WebSetJudgementMutationVariables, WebUpdateEvidenceMutation,
  WebUpdateEvidenceMutationVariables, WebUpdateHypothesisMutation, WebUpdateHypothesisMutationVariables,
} from './generated/operations';
import { highestTlp } from '../graph/export-marking';
import { foldSources, latestRaters } from '../../../schema/assessment/case-reading';
import { externalIdOf, IMPORT_FACT_SHEET, rankHits, SEARCH, type ImportResult, type IncidentSummary } from './operations';
import type {
  AnalystsView, CellRater, ConsensusCell, EvidenceFields, HistoryPoint, HypothesesData, HypothesisFields, HypothesisStatus, MatrixEvidence, Rating,
} from '../views/hypotheses-view';

type IncidentEvidence = NonNullable<WebHypothesesViewQuery['incident']>;
type HypothesisRow = IncidentEvidence['hypotheses'][number];

/**
 * The hypotheses view: the server's assessment and the incident's own hypotheses and evidence, in
 * one document. Its history (ASSESSMENT_HISTORY) goes in the same HTTP request as a second
 * operation of a batch: `assessmentHistory` is non-null at the root, so in this document its
 * failure would null every answer, and the view must stand without it.
 */
export const HYPOTHESES_VIEW = operation<WebHypothesesViewQuery, WebHypothesesViewQueryVariables>(
  'WebHypothesesView',
  `query WebHypothesesView($incidentId: ID!, $asOf: DateTime) {
    assessment(incidentId: $incidentId, asOf: $asOf) {
      hypotheses { hypothesis { id name category } score posterior rank label confidence }
      evidence { id diagnosticity nonDiagnostic effectiveWeight cells { hypothesis { id } rating raters unanimous likelihood } }
      sensitivity { evidence { id name } action flipsLead newLeader { id name } }
      analysts { analyst hypotheses { hypothesis { id } posterior rank } }
      pooled { rule analysts hypotheses { hypothesis { id } probability label } }
      disagreement { hypothesis { id } spread lowest { analyst probability } highest { analyst probability } }
      explanation
      leadStatus tiedForLead { id } leadRestsOn
    }
    incident(id: $incidentId) {
      id name tlp
      hypotheses { id name description category prior status rationale modified tlp judgements { analyst probability at rationale } }
      evidence {
        id name description kind weight reliability credibility collectedAt discredited objectRefs modified tlp
        sources { name url description }
        ratings { hypothesisId analyst rating rationale ratedAt }
      }
    }
  }`,
);

export const ASSESSMENT_HISTORY = operation<WebAssessmentHistoryQuery, WebAssessmentHistoryQueryVariables>(
  'WebAssessmentHistory',
  `query WebAssessmentHistory($incidentId: ID!, $asOf: DateTime) {
    assessmentHistory(incidentId: $incidentId, asOf: $asOf) {
      points { asOf leader { id } hypotheses { hypothesis { id } posterior } }
    }
  }`,
);

export const RATE_EVIDENCE = operation<WebRateEvidenceMutation, WebRateEvidenceMutationVariables>(
  'WebRateEvidence',
  `mutation WebRateEvidence($evidenceId: ID!, $hypothesisId: ID!, $rating: ConsistencyRating!, $rationale: String) {
    rateEvidence(evidenceId: $evidenceId, hypothesisId: $hypothesisId, rating: $rating, rationale: $rationale) { id }
  }`,
);

export const ADD_HYPOTHESIS = operation<WebCreateHypothesisMutation, WebCreateHypothesisMutationVariables>(
  'WebCreateHypothesis',
  `mutation WebCreateHypothesis($input: CreateHypothesisInput!) { createHypothesis(input: $input) { id } }`,
);

export const UPDATE_HYPOTHESIS = operation<WebUpdateHypothesisMutation, WebUpdateHypothesisMutationVariables>(
  'WebUpdateHypothesis',
  `mutation WebUpdateHypothesis($id: ID!, $input: UpdateHypothesisInput!, $expectedModified: DateTime) {
    updateHypothesis(id: $id, input: $input, expectedModified: $expectedModified) { id modified }
  }`,
);

export const SET_HYPOTHESIS_STATUS = operation<WebSetHypothesisStatusMutation, WebSetHypothesisStatusMutationVariables>(
  'WebSetHypothesisStatus',
  `mutation WebSetHypothesisStatus($id: ID!, $status: HypothesisStatus!, $rationale: String) {
    setHypothesisStatus(id: $id, status: $status, rationale: $rationale) { id status }
  }`,
);

export const DELETE_HYPOTHESIS = operation<WebDeleteHypothesisMutation, WebDeleteHypothesisMutationVariables>(
  'WebDeleteHypothesis',
  `mutation WebDeleteHypothesis($id: ID!, $rationale: String) { deleteHypothesis(id: $id, rationale: $rationale) { id deleted } }`,
);

export const DELETE_EVIDENCE = operation<WebDeleteEvidenceMutation, WebDeleteEvidenceMutationVariables>(
  'WebDeleteEvidence',
  `mutation WebDeleteEvidence($id: ID!, $rationale: String) { deleteEvidence(id: $id, rationale: $rationale) { id deleted } }`,
);

export const SET_JUDGEMENT = operation<WebSetJudgementMutation, WebSetJudgementMutationVariables>(
  'WebSetJudgement',
  `mutation WebSetJudgement($hypothesisId: ID!, $probability: Float!, $rationale: String) {
    setJudgement(hypothesisId: $hypothesisId, probability: $probability, rationale: $rationale) { id }
  }`,
);

export const ADD_EVIDENCE = operation<WebCreateEvidenceMutation, WebCreateEvidenceMutationVariables>(
  'WebCreateEvidence',
  `mutation WebCreateEvidence($input: CreateEvidenceInput!) { createEvidence(input: $input) { id } }`,
);

export const UPDATE_EVIDENCE = operation<WebUpdateEvidenceMutation, WebUpdateEvidenceMutationVariables>(
  'WebUpdateEvidence',
  `mutation WebUpdateEvidence($id: ID!, $input: UpdateEvidenceInput!, $expectedModified: DateTime) {
    updateEvidence(id: $id, input: $input, expectedModified: $expectedModified) { id modified }
  }`,
);

export type { BriefFormat } from './generated/operations';

export const INCIDENT_BRIEF = operation<WebIncidentBriefQuery, WebIncidentBriefQueryVariables>(
  'WebIncidentBrief',
  `query WebIncidentBrief($incidentId: ID!, $asOf: DateTime, $format: BriefFormat) {
    incidentBrief(incidentId: $incidentId, asOf: $asOf, format: $format) { fileName mediaType tlp pages encoding content }
  }`,
);

/** The incident's brief as the server writes it (the same document as `attribution-graph brief`), ready to save. */
export async function fetchBrief(client: GraphQLClient, incidentId: string, asOf: string | null, format: BriefFormat): Promise<{ fileName: string; blob: Blob; pages: number | null; tlp: string }> {
  const { incidentBrief: b } = await client.request(INCIDENT_BRIEF, { incidentId, asOf: asOf ? `${asOf}T23:59:59Z` : null, format });
  const bytes = b.encoding === 'base64' ? Uint8Array.from(atob(b.content), (c) => c.charCodeAt(0)) : b.content;
  return { fileName: b.fileName, blob: new Blob([bytes], { type: b.mediaType }), pages: b.pages, tlp: b.tlp === 'AMBER_STRICT' ? 'AMBER+STRICT' : b.tlp };
}

/** Objects an evidence item can be about, found by text (relationships and case objects left out), exact ATT&CK id or name first. */
export async function findLinkable(client: GraphQLClient, text: string): Promise<{ id: string; type: string; name: string; externalId: string | null }[]> {
  const data = await client.request(SEARCH, { text, first: 20, after: null });
  return rankHits(data.search.edges.map((e) => e.node), text, false).filter((n) => !CASE_TYPES.has(n.type))
    .map((n) => ({ id: n.id, type: n.type, name: n.name ?? n.id, externalId: externalIdOf(n) }));
}

const CASE_TYPES = new Set(['attribution-hypothesis', 'attribution-evidence', 'incident']);

/** When the case's objects happened or became known: evidence by `collectedAt`, hypotheses by creation. */
export const CASE_TIMES = operation<WebCaseTimesQuery, WebCaseTimesQueryVariables>(
  'WebCaseTimes',
  `query WebCaseTimes($id: ID!) { incident(id: $id) { id hypotheses { id } evidence { id collectedAt ratings { hypothesisId analyst rating rationale ratedAt } } } }`,
);

export interface CaseCanvasFacts {
  /** Event time per object id. */
  times: Map<string, string>;
  /** Per `evidenceId hypothesisId`: the analysts' latest ratings, in analyst order (label and colour of the RATED edge). */
  ratings: Map<string, Rating[]>;
  /** The case's hypotheses and evidence as they stand (deleted ones are not members; null: unknown). */
  members: Set<string> | null;
}

/**
 * What the canvas shows of a case beyond the graph: event times (each evidence item's
 * `collectedAt`; the incident's is its earliest evidence; other objects keep `created`) and the
 * analysts' latest ratings per evidence–hypothesis pair (the RATED edge's colour and label).
 */
export async function caseFacts(client: GraphQLClient, incidentId: string): Promise<CaseCanvasFacts> {
  const data = await client.request(CASE_TIMES, { id: incidentId });
  const times = new Map<string, string>();
  const ratings = new Map<string, Rating[]>();
  const evidence = data.incident?.evidence ?? [];
  for (const e of evidence) {
    times.set(e.id, e.collectedAt);
    for (const hypothesisId of new Set(e.ratings.map((r) => r.hypothesisId))) {
      ratings.set(`${e.id} ${hypothesisId}`, latestRaters(e.ratings, hypothesisId, null).map((r) => r.rating));
    }
  }
  const first = evidence.map((e) => e.collectedAt).sort()[0];
  if (first) times.set(incidentId, first);
  const members = data.incident ? new Set([...data.incident.hypotheses.map((x) => x.id), ...evidence.map((e) => e.id)]) : null;
  return { times, ratings, members };
}

export interface HypothesesApi {
  rate: (client: GraphQLClient, input: { incidentId: string; evidenceId: string; hypothesisId: string; rating: Rating; rationale?: string | null }) => Promise<void>;
  addHypothesis: (client: GraphQLClient, input: { incidentId: string } & HypothesisFields) => Promise<void>;
  updateHypothesis: (client: GraphQLClient, id: string, input: Partial<HypothesisFields>, expectedModified: string | null) => Promise<void>;
  setStatus: (client: GraphQLClient, id: string, status: HypothesisStatus, rationale: string | null) => Promise<void>;
  setJudgement: (client: GraphQLClient, hypothesisId: string, probability: number, rationale: string | null) => Promise<void>;
  addEvidence: (client: GraphQLClient, input: { incidentId: string } & EvidenceFields) => Promise<void>;
  updateEvidence: (client: GraphQLClient, id: string, input: Partial<EvidenceFields>, expectedModified: string | null) => Promise<void>;
  deleteHypothesis: (client: GraphQLClient, id: string, rationale: string | null) => Promise<void>;
  deleteEvidence: (client: GraphQLClient, id: string, rationale: string | null) => Promise<void>;
  importFactSheet: (client: GraphQLClient, text: string, fileName: string) => Promise<ImportResult>;
}

export const HYPOTHESES_API: HypothesesApi = {
  rate: async (client, input) => {
    await client.request(RATE_EVIDENCE, { evidenceId: input.evidenceId, hypothesisId: input.hypothesisId, rating: input.rating, rationale: input.rationale ?? null });
  },
  addHypothesis: async (client, input) => {
    await client.request(ADD_HYPOTHESIS, { input });
  },
  updateHypothesis: async (client, id, input, expectedModified) => {
    await client.request(UPDATE_HYPOTHESIS, { id, input, expectedModified });
  },
  setStatus: async (client, id, status, rationale) => {
    await client.request(SET_HYPOTHESIS_STATUS, { id, status, rationale });
  },
  setJudgement: async (client, hypothesisId, probability, rationale) => {
    await client.request(SET_JUDGEMENT, { hypothesisId, probability, rationale });
  },
  addEvidence: async (client, input) => {
    await client.request(ADD_EVIDENCE, { input });
  },
  updateEvidence: async (client, id, input, expectedModified) => {
    await client.request(UPDATE_EVIDENCE, { id, input, expectedModified });
  },
  deleteHypothesis: async (client, id, rationale) => {
    await client.request(DELETE_HYPOTHESIS, { id, rationale });
  },
  deleteEvidence: async (client, id, rationale) => {
    await client.request(DELETE_EVIDENCE, { id, rationale });
  },
  // The same seed service as `attribution-graph import case.yaml`; refused sheets come back with errors.
  importFactSheet: async (client, text, fileName) => (await client.request(IMPORT_FACT_SHEET, { text, fileName })).importFactSheet,
};

export async function loadHypotheses(
  client: GraphQLClient,
  incident: IncidentSummary,
  asOf: string | null,
  canEdit: boolean,
  analyst: string | null,
): Promise<HypothesesData> {
  const asOfTime = asOf ? `${asOf}T23:59:59Z` : null;
  // One HTTP request; the view stands without its history (an empty chart) when that fails.
  const [view, history] = await client.requestAll([
    call(HYPOTHESES_VIEW, { incidentId: incident.id, asOf: asOfTime }),
    call(ASSESSMENT_HISTORY, { incidentId: incident.id, asOf: asOfTime }),
  ]);
  if (view.status === 'rejected') throw view.reason;
  const { assessment, ...detail } = view.value;
  const assessed = new Map(assessment.evidence.map((e) => [e.id, e]));
  const stored = new Map((detail.incident?.hypotheses ?? []).map((x) => [x.id, x]));
  const position = new Map((detail.incident?.hypotheses ?? incident.hypotheses).map((x, i) => [x.id, i]));
  const order = (id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  const allEvidence = detail.incident?.evidence ?? [];
  const rows = allEvidence.filter((e) => assessed.has(e.id));
  const evidence: MatrixEvidence[] = rows.map((e) => {
    const own = assessed.get(e.id);
    const ratersOf = (hypothesisId: string) => latestRaters(e.ratings, hypothesisId, asOfTime);
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      kind: e.kind,
      weight: e.weight,
      effectiveWeight: own?.effectiveWeight ?? null,
      reliability: e.reliability,
      credibility: e.credibility,
      knownAt: e.collectedAt,
      discredited: e.discredited,
      objectRefs: e.objectRefs,
      sources: foldSources(e.sources),
      modified: e.modified,
      diagnosticity: own?.nonDiagnostic ? 0 : (own?.diagnosticity ?? null),
      ratings: Object.fromEntries(assessment.hypotheses.map((x) => [x.hypothesis.id, analyst ? (ratersOf(x.hypothesis.id).find((r) => r.analyst === analyst) ?? null) : null])),
      consensus: Object.fromEntries((own?.cells ?? []).map((c): [string, ConsensusCell] => [c.hypothesis.id, {
        rating: c.rating, raters: c.raters, unanimous: c.unanimous, likelihood: c.likelihood, analysts: ratersOf(c.hypothesis.id),
      }])),
    };
  });
  const points: HistoryPoint[] = (history.status === 'fulfilled' ? history.value.assessmentHistory.points : []).map((p) => ({
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
  const latestJudgement = (row: HypothesisRow | undefined, who: string | null) => {
    const own = (row?.judgements ?? []).filter((j) => j.analyst === who && (!asOfTime || Date.parse(j.at) <= Date.parse(asOfTime)));
    return own.length ? own[own.length - 1]! : null;
  };
  const tlps = [detail.incident?.tlp, ...(detail.incident?.hypotheses ?? []).map((x) => x.tlp), ...allEvidence.map((e) => e.tlp)]
    .map((t) => (t === 'AMBER_STRICT' ? 'AMBER+STRICT' : t));
  return {
    incidentId: incident.id,
    incidentName: incident.name,
    tlp: highestTlp(tlps),
    asOf,
    // Columns keep the incident's order, so a rating that changes the ranks does not move them.
    hypotheses: assessment.hypotheses.map((x) => {
      const row = stored.get(x.hypothesis.id);
      return {
        ...x.hypothesis,
        description: row?.description ?? null,
        prior: row?.prior ?? null,
        status: row?.status ?? 'OPEN',
        rationale: row?.rationale ?? null,
        modified: row?.modified ?? null,
        myJudgement: latestJudgement(row, analyst),
        score: x.score, posterior: x.posterior, rank: x.rank, label: x.label,
      };
    }).sort((a, b) => order(a.id) - order(b.id)),
    evidence,
    /** Evidence not yet known as of the date shown (not in the matrix). */
    laterEvidence: allEvidence.length - rows.length,
    sensitivity: assessment.sensitivity.filter((s) => s.flipsLead).map((s) => ({
      evidenceId: s.evidence.id,
      newLeaderId: s.newLeader?.id ?? null,
      text: `${s.action === 'REMOVE' ? 'Without' : 'Restoring'} “${s.evidence.name}”`,
    })),
    history: points,
    analysts,
    explanation: assessment.explanation,
    lead: { status: assessment.leadStatus, tied: assessment.tiedForLead.map((x) => x.id), restsOn: assessment.leadRestsOn },
    canEdit,
    analyst,
    mode: 'consensus',
  };
}
