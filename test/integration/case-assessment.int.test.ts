/**
 * The reference case end to end against the real Neo4j: seed loading (idempotent), incidents and
 * assessment over GraphQL, audited mutations reflected in the assessment at once and kept as STIX
 * versions, validation and role errors, TLP filtering, as-of and history.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIds, parseFactSheet } from '../../importers/factsheet/index';
import { assess, type AssessmentInput } from '../../api/src/domain/assessment/index';
import { cypher } from '../../api/src/graph/cypher';
import type { Graph } from '../../api/src/graph/driver';
import { countGraph } from '../../api/src/graph/stix.repository';
import { ValidationError } from '../../api/src/errors';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph } from '../support/graph';

const SEED = join(import.meta.dirname, '..', '..', 'seed', 'reference-case.yaml');
const SHEET = parseFactSheet(readFileSync(SEED, 'utf8'), 'reference-case.yaml');
const IDS = caseIds(SHEET.slug);
const H = {
  foreign: IDS.hypothesis('h-foreign-interference'),
  challenger: IDS.hypothesis('h-state-challenger'),
  crime: IDS.hypothesis('h-opportunistic-cybercrime'),
  other: IDS.hypothesis('h-other-actor'),
};
const EV_INFOSTEALER = IDS.evidence('ev-infostealer-exposure');

const VERSIONS = cypher(
  'test-case-versions',
  'READ',
  `MATCH (n:StixObject {id: $id})-[:PREVIOUS_VERSION]->(v:StixVersion) RETURN count(v) AS versions`,
);

/** The engine input written by hand from the fact sheet: an oracle for the stored-object mapping. */
function sheetInput(): AssessmentInput {
  return {
    hypotheses: SHEET.hypotheses.map((h) => ({
      id: IDS.hypothesis(h.id),
      name: h.name,
      category: h.category,
      ...(h.prior !== undefined ? { prior: h.prior } : {}),
      status: h.status,
    })),
    evidence: (SHEET.evidence ?? []).map((e) => ({
      id: IDS.evidence(e.id),
      name: e.name,
      knownAt: String(e.collected_at),
      ...(e.weight !== undefined ? { weight: e.weight } : {}),
      ...(e.reliability !== undefined ? { reliability: e.reliability } : { reliability: 'B' as const }),
      ...(e.credibility !== undefined ? { credibility: e.credibility as 1 | 2 | 3 | 4 | 5 | 6 } : {}),
      // The T1078 judgement is about the same infostealer note as the context item: one group.
      ...(e.id === 'ev-credential-reuse-t1078' ? { derivedFrom: [IDS.evidence('ev-infostealer-exposure')] } : {}),
      ratings: (e.ratings ?? []).map((r) => ({
        hypothesisId: IDS.hypothesis(r.hypothesis),
        analyst: r.analyst,
        rating: r.rating,
        ratedAt: String(r.rated_at),
      })),
    })),
  };
}

const ASSESSMENT = `query A($id: ID!, $asOf: DateTime, $method: AssessmentMethod, $combination: RatingCombination) {
  assessment(incidentId: $id, asOf: $asOf, method: $method, ratingCombination: $combination) {
    method asOf ratingCombination
    hypotheses { hypothesis { id name category status } score achRank posterior rank label confidence }
    leader { id }
    evidence { id diagnosticity nonDiagnostic effectiveWeight evidence { name kind } }
    sensitivity { evidence { id } action flipsLead newLeader { id } deltas { hypothesis { id } posterior score } }
    analysts { analyst hypotheses { hypothesis { id } posterior } judgement { hypothesis { id } probability } }
    pooled { rule analysts hypotheses { hypothesis { id } probability rank label } }
    disagreement { hypothesis { id } spread lowest { analyst probability } highest { analyst probability } }
    explanation
  }
}`;

type Assessed = { hypothesis: { id: string }; posterior: number; score: number; rank: number };

let graph: Graph;
let api: TestApi;
let reader: string;
let analystA: string;
let analystB: string;
let clearOnly: string;

async function assessment(token: string, variables: Record<string, unknown> = {}) {
  const r = await api.gql(token, ASSESSMENT, { id: IDS.incident, ...variables });
  expect(r.errors).toBeUndefined();
  return r.data!.assessment as {
    hypotheses: Assessed[];
    evidence: { id: string; diagnosticity: number; nonDiagnostic: boolean }[];
    [key: string]: any;
  };
}

const posteriorOf = (a: { hypotheses: Assessed[] }, id: string) => a.hypotheses.find((h) => h.hypothesis.id === id)!.posterior;

beforeAll(async () => {
  graph = connectTestGraph();
  api = await freshTestApi(graph);
  reader = await api.token('reader', 'RED', 'reader-1');
  analystA = await api.token('analyst', 'RED', 'analyst-a');
  analystB = await api.token('analyst', 'RED', 'analyst-b');
  clearOnly = await api.token('reader', 'CLEAR', 'reader-clear');
});
afterAll(async () => {
  await graph.close();
});

describe('seed loading', () => {
  it('loads the reference case into an empty graph, once', async () => {
    const first = await api.services.seed.loadReferenceCase();
    expect(first).toMatchObject({ loaded: true, incidentId: IDS.incident });
    expect(first.report?.errors).toEqual([]);
    const before = await graph.read((tx) => countGraph(tx));
    const second = await api.services.seed.loadReferenceCase();
    expect(second.loaded).toBe(false);
    const again = await api.services.seed.importFactSheet(readFileSync(SEED, 'utf8'), { viewer: SYSTEM_VIEWER, file: 'reference-case.yaml' });
    expect(again.report).toMatchObject({ created: 0, updated: 0, errors: [] });
    expect(await graph.read((tx) => countGraph(tx))).toEqual(before);
  });
});

describe('incidents and assessment over GraphQL', () => {
  it('lists the incident with its three lines of inquiry and the "other" hypothesis', async () => {
    const r = await api.gql(reader, `{ incidents { id name tlp hypotheses { id name category status candidates { name } } evidence { id } } }`);
    expect(r.errors).toBeUndefined();
    const incidents = r.data!.incidents as any[];
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ id: IDS.incident, tlp: 'CLEAR' });
    expect(incidents[0].hypotheses.map((h: any) => h.category).sort()).toEqual(['cybercrime', 'foreign-interference', 'state-challenger', 'unknown']);
    expect(incidents[0].hypotheses.every((h: any) => h.status === 'OPEN' && h.candidates.length === (h.category === 'unknown' ? 0 : 1))).toBe(true);
    expect(incidents[0].evidence).toHaveLength(4);
  });

  it('computes the assessment exactly as the engine does on the fact sheet, and explains it', async () => {
    const a = await assessment(reader);
    const expected = assess(sheetInput());
    expect(a.method).toBe('BOTH');
    expect(a.hypotheses.map((h) => h.hypothesis.id)).toEqual(expected.hypotheses.map((h) => h.hypothesisId));
    for (const h of expected.hypotheses) {
      expect(posteriorOf(a, h.hypothesisId)).toBeCloseTo(h.posterior!, 12);
      expect(a.hypotheses.find((x) => x.hypothesis.id === h.hypothesisId)!.score).toBeCloseTo(h.score!, 12);
    }
    expect(a.hypotheses.reduce((s, h) => s + h.posterior, 0)).toBeCloseTo(1, 12);
    expect(a.evidence).toHaveLength(4);
    expect(a.evidence.map((e) => e.id)).toEqual(expected.evidence.map((e) => e.evidenceId));
    // The reference case reads honestly: the margin lead of foreign interference rests on
    // analyst-b's ratings alone, so no clear leader is named.
    expect(expected.leader).toBeNull();
    expect(a.leader).toBeNull();
    expect(a.analysts.map((v: any) => v.analyst)).toEqual(['analyst-a', 'analyst-b']);
    expect(a.sensitivity).toHaveLength(4);
    expect(a.pooled).toBeNull();
    expect(a.explanation[0]).toContain('No clear leader');
    expect(a.explanation.join(' ')).toMatch(/conventions/);
  });

  it('as of an instant, the case as it was: no hypothesis before it was recorded, the priors before any rating', async () => {
    const empty = await assessment(reader, { asOf: '2025-12-12T00:00:00Z' });
    expect(empty.evidence).toEqual([]);
    expect(empty.hypotheses).toEqual([]);
    const a = await assessment(reader, { asOf: '2025-12-13T16:00:00Z' });
    expect(a.evidence).toHaveLength(4);
    const priors: Record<string, number> = { [H.foreign]: 0.3, [H.challenger]: 0.3, [H.crime]: 0.3, [H.other]: 0.1 };
    for (const h of a.hypotheses) expect(h.posterior).toBeCloseTo(priors[h.hypothesis.id]!, 12);
    const h = await api.gql(reader, `query { assessmentHistory(incidentId: "${IDS.incident}") { points { asOf leader { id } hypotheses { hypothesis { id } posterior } } } }`);
    expect(h.errors).toBeUndefined();
    const points = (h.data!.assessmentHistory as any).points as any[];
    expect(points.map((p) => p.asOf)).toEqual(['2025-12-13T15:55:49.000Z', '2025-12-13T18:00:00.000Z', '2025-12-13T19:00:00.000Z']);
  });

  it('method ACH gives scores and no posteriors', async () => {
    const a = await assessment(reader, { method: 'ACH' });
    expect(a.method).toBe('ACH');
    expect(a.hypotheses.every((h) => h.posterior === null && typeof h.score === 'number')).toBe(true);
  });
});

describe('mutations', () => {
  const RATE = `mutation R($e: ID!, $h: ID!, $r: ConsistencyRating!, $why: String) {
    rateEvidence(evidenceId: $e, hypothesisId: $h, rating: $r, rationale: $why) { id ratings { analyst rating rationale hypothesis { id } } }
  }`;

  it('a rating is reflected in the assessment at once, kept as a new STIX version, audited and announced', async () => {
    const before = await assessment(reader);
    const events = api.services.events.subscribe('assessmentChanged')[Symbol.asyncIterator]();
    const announced = events.next();
    const r = await api.gql(analystA, RATE, { e: EV_INFOSTEALER, h: H.crime, r: 'II', why: 'revised: the access looks targeted' });
    expect(r.errors).toBeUndefined();
    const ratings = (r.data!.rateEvidence as any).ratings as any[];
    expect(ratings.at(-1)).toMatchObject({ analyst: 'analyst-a', rating: 'II', hypothesis: { id: H.crime } });
    const after = await assessment(reader);
    expect(posteriorOf(after, H.crime)).toBeLessThan(posteriorOf(before, H.crime));
    expect((await announced).value).toMatchObject({ incidentId: IDS.incident, hypothesisId: H.crime, reason: 'rate-evidence', tlpRank: 0 });
    await events.return?.();
    const [v] = await graph.read((tx) => tx.run(VERSIONS, { id: EV_INFOSTEALER }));
    expect(v?.versions).toBe(1);
    const log = await api.gql(reader, `query { auditLog(objectId: "${EV_INFOSTEALER}") { actor action objectId before after at } }`);
    expect(log.errors).toBeUndefined();
    const entries = log.data!.auditLog as any[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'analyst-a', action: 'rate-evidence', objectId: EV_INFOSTEALER });
    expect(entries[0].before.ratings).toHaveLength(6);
    expect(entries[0].after.ratings).toHaveLength(7);
    expect(Date.parse(entries[0].after.modified)).toBeGreaterThan(Date.parse(entries[0].before.modified));
    // The incident's audit log covers its objects.
    const byIncident = await api.services.cases.auditLog(IDS.incident, SYSTEM_VIEWER);
    expect(byIncident.map((e) => e.objectId)).toContain(EV_INFOSTEALER);
  });

  it('refuses mutations from readers and anonymous callers', async () => {
    const r = await api.gql(reader, RATE, { e: EV_INFOSTEALER, h: H.crime, r: 'C' });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anon = await api.gql(null, RATE, { e: EV_INFOSTEALER, h: H.crime, r: 'C' });
    expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('reports every invalid field, naming object and field, and writes nothing', async () => {
    const before = await graph.read((tx) => countGraph(tx));
    const bad = await api.gql(
      analystA,
      `mutation { createHypothesis(input: { incidentId: "${IDS.incident}", name: "", category: "aliens", prior: 2,
         candidateRefs: ["threat-actor--00000000-0000-4000-8000-000000000000"] }) { id } }`,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const paths = ((bad.errors?.[0]?.extensions?.issues ?? []) as any[]).map((i) => i.path).sort();
    expect(paths).toEqual(['candidateRefs[0]', 'category', 'name', 'prior']);
    const otherIncident = await api.gql(analystA, RATE, { e: EV_INFOSTEALER, h: 'attribution-hypothesis--00000000-0000-4000-8000-000000000000', r: 'C' });
    expect(otherIncident.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [{ objectId: EV_INFOSTEALER, path: 'hypothesisId' }],
    });
    await expect(
      api.services.cases.setJudgement({ hypothesisId: H.foreign, probability: 1.5 }, (await api.services.auth.authenticate(analystA))!),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await graph.read((tx) => countGraph(tx))).toEqual(before);
  });

  it('judgements by two analysts are pooled and their disagreement shown', async () => {
    for (const [token, p] of [[analystA, 0.6], [analystB, 0.2]] as const) {
      const r = await api.gql(token, `mutation { setJudgement(hypothesisId: "${H.foreign}", probability: ${p}, rationale: "gut") { judgements { analyst probability } } }`);
      expect(r.errors).toBeUndefined();
    }
    const a = await assessment(reader);
    expect(a.pooled.analysts).toEqual(['analyst-a', 'analyst-b']);
    expect(a.pooled.hypotheses.find((h: any) => h.hypothesis.id === H.foreign).probability).toBeCloseTo(0.4, 12);
    expect(a.disagreement[0]).toMatchObject({ hypothesis: { id: H.foreign }, lowest: { analyst: 'analyst-b' }, highest: { analyst: 'analyst-a' } });
    expect(a.disagreement[0].spread).toBeCloseTo(0.4, 12);
  });

  it('creates, updates and rejects a hypothesis, and new evidence counts at once', async () => {
    const created = await api.gql(
      analystB,
      `mutation { createHypothesis(input: { incidentId: "${IDS.incident}", name: "Insider", category: "insider", rationale: "completeness" }) { id author status tlp } }`,
    );
    expect(created.errors).toBeUndefined();
    const h = created.data!.createHypothesis as any;
    expect(h).toMatchObject({ author: 'analyst-b', status: 'OPEN', tlp: 'CLEAR' });
    const updated = await api.gql(analystB, `mutation { updateHypothesis(id: "${h.id}", input: { prior: 0.1, description: "an agent" }) { prior description } }`);
    expect(updated.data?.updateHypothesis).toEqual({ prior: 0.1, description: 'an agent' });
    const status = await api.gql(analystB, `mutation { setHypothesisStatus(id: "${h.id}", status: REJECTED, rationale: "no sign") { status rationale } }`);
    expect(status.data?.setHypothesisStatus).toEqual({ status: 'REJECTED', rationale: 'no sign' });

    const ev = await api.gql(
      analystB,
      `mutation { createEvidence(input: { incidentId: "${IDS.incident}", name: "Badge logs clean", kind: FACT, collectedAt: "2025-12-14T10:00:00Z",
         reliability: "B", credibility: 2, sources: [{ name: "internal", url: "https://intranet.example/badges" }] }) { id kind sources { name url } } }`,
    );
    expect(ev.errors).toBeUndefined();
    const evidenceId = (ev.data!.createEvidence as any).id as string;
    // A blank cell is missing: the II only counts against the insider next to a rated cell.
    await api.gql(analystB, RATE, { e: evidenceId, h: H.foreign, r: 'N' });
    const before = await assessment(reader);
    expect(before.hypotheses).toHaveLength(5);
    await api.gql(analystB, RATE, { e: evidenceId, h: h.id, r: 'II' });
    const after = await assessment(reader);
    expect(posteriorOf(after, h.id)).toBeLessThan(posteriorOf(before, h.id));

    // A second analyst rates the same cell I: under MEAN the cell moves between II and I, so the
    // posterior rises (no average can avoid it: docs/assessment.md); under STRICTEST it cannot.
    const strictBefore = await assessment(reader, { combination: 'STRICTEST' });
    expect(strictBefore.ratingCombination).toBe('STRICTEST');
    expect(after.ratingCombination).toBe('MEAN');
    const rated = await api.gql(analystA, RATE, { e: evidenceId, h: h.id, r: 'I' });
    expect(rated.errors).toBeUndefined();
    const meanAfter = await assessment(reader, { combination: 'MEAN' });
    const strictAfter = await assessment(reader, { combination: 'STRICTEST' });
    expect(posteriorOf(meanAfter, h.id)).toBeGreaterThan(posteriorOf(after, h.id));
    expect(posteriorOf(strictAfter, h.id)).toBeLessThanOrEqual(posteriorOf(strictBefore, h.id) + 1e-12);
    const badCombination = await api.gql(reader, ASSESSMENT, { id: IDS.incident, combination: 'MEDIAN' });
    expect(badCombination.errors?.[0]?.message).toMatch(/RatingCombination/);
    const log = await api.services.cases.auditLog(h.id, SYSTEM_VIEWER);
    expect(log.map((e) => e.action)).toEqual(['set-hypothesis-status', 'update-hypothesis', 'create-hypothesis']);
    expect(log.at(-1)?.before).toBeNull();
  });

  it('keeps evidence above a viewer\'s clearance out of their assessment and audit log', async () => {
    const ev = await api.gql(
      analystA,
      `mutation { createEvidence(input: { incidentId: "${IDS.incident}", name: "Partner tip", kind: CONTEXT, collectedAt: "2025-12-15T10:00:00Z", tlp: "AMBER" }) { id tlp } }`,
    );
    expect(ev.errors).toBeUndefined();
    const id = (ev.data!.createEvidence as any).id as string;
    expect((ev.data!.createEvidence as any).tlp).toBe('AMBER');
    await api.gql(analystA, RATE, { e: id, h: H.foreign, r: 'CC' });
    await api.gql(analystA, RATE, { e: id, h: H.crime, r: 'I' });
    const cleared = await assessment(reader);
    const notCleared = await assessment(clearOnly);
    expect(cleared.evidence.map((e) => e.id)).toContain(id);
    expect(notCleared.evidence.map((e) => e.id)).not.toContain(id);
    expect(posteriorOf(notCleared, H.foreign)).toBeLessThan(posteriorOf(cleared, H.foreign));
    const log = await api.gql(clearOnly, `query { auditLog(objectId: "${id}") { id } }`);
    expect(log.data?.auditLog).toEqual([]);
    const lower = await api.gql(analystA, `mutation { createEvidence(input: { incidentId: "${IDS.incident}", name: "x", kind: CONTEXT, collectedAt: "2025-12-15T10:00:00Z", tlp: "PINK" }) { id } }`);
    expect(lower.errors?.[0]?.extensions?.issues).toEqual([expect.objectContaining({ path: 'tlp' })]);
  });

  it('two analysts rating the same evidence at once both keep their rating', async () => {
    const [a, b] = await Promise.all([
      api.gql(analystA, RATE, { e: EV_INFOSTEALER, h: H.challenger, r: 'I' }),
      api.gql(analystB, RATE, { e: EV_INFOSTEALER, h: H.challenger, r: 'II' }),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    const e = await api.services.cases.evidence(EV_INFOSTEALER, SYSTEM_VIEWER);
    const latest = e.ratings.filter((r) => r.hypothesisId === H.challenger).slice(-2).map((r) => `${r.analyst}:${r.rating}`).sort();
    expect(latest).toEqual(['analyst-a:I', 'analyst-b:II']);
  });
});
