/**
 * Issue 17 through the API against the real Neo4j: the reference case reads honestly (no leader
 * resting on one analyst, the "other" hypothesis, the infostealer context counted once), a weight
 * like 1e308 is refused naming the field, and `asOf` replays the stored versions valid then.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIds, parseFactSheet } from '../../importers/factsheet/index';
import type { Graph } from '../../api/src/graph/driver';
import { countGraph } from '../../api/src/graph/stix.repository';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph } from '../support/graph';

const SEED = join(import.meta.dirname, '..', '..', 'seed', 'reference-case.yaml');
const IDS = caseIds(parseFactSheet(readFileSync(SEED, 'utf8'), 'reference-case.yaml').slug);
const H = {
  foreign: IDS.hypothesis('h-foreign-interference'),
  crime: IDS.hypothesis('h-opportunistic-cybercrime'),
  other: IDS.hypothesis('h-other-actor'),
};
const EV = {
  infostealer: IDS.evidence('ev-infostealer-exposure'),
  t1078: IDS.evidence('ev-credential-reuse-t1078'),
};

const ASSESSMENT = `query A($id: ID!, $asOf: DateTime) {
  assessment(incidentId: $id, asOf: $asOf) {
    leader { id } leadStatus tiedForLead { id } leadRestsOn
    hypotheses { hypothesis { id } posterior confidence label isOther blankCells ratedCells bound }
    evidence { id effectiveWeight reliability group groupSize duplicateOf nearDuplicateOf cells { hypothesis { id } blank spread raters } }
    sensitivity { evidence { id } outcome flipsLead decisive newLeader { id } tiedAfter { id } }
    analysts { analyst leader { id } leadStatus ratedItems }
    analystDivergence { analystA analystB jensenShannon }
    analyticConfidence { level independentGroups meanReliability analysts reasons }
    explanation
  }
}`;

let graph: Graph;
let api: TestApi;
let reader: string;
let analyst: string;

async function assessment(asOf?: string) {
  const r = await api.gql(reader, ASSESSMENT, { id: IDS.incident, ...(asOf ? { asOf } : {}) });
  expect(r.errors).toBeUndefined();
  return r.data!.assessment as Record<string, any>;
}
const posteriorOf = (a: Record<string, any>, id: string): number => a.hypotheses.find((h: any) => h.hypothesis.id === id).posterior;

beforeAll(async () => {
  graph = connectTestGraph();
  api = await freshTestApi(graph);
  reader = await api.token('reader', 'RED', 'reader-1');
  analyst = await api.token('analyst', 'RED', 'analyst-c');
  await api.services.seed.loadReferenceCase();
});
afterAll(async () => {
  await graph.close();
});

describe('the reference case reads honestly', () => {
  it('names no leader from one analyst, keeps "other" open and counts the infostealer context once', async () => {
    const a = await assessment();
    expect(a).toMatchObject({ leader: null, leadStatus: 'TIE', leadRestsOn: ['analyst-b'] });
    expect(a.tiedForLead.map((h: any) => h.id)).toEqual(expect.arrayContaining([H.foreign, H.crime]));
    const other = a.hypotheses.find((h: any) => h.hypothesis.id === H.other);
    expect(other).toMatchObject({ isOther: true, blankCells: 4, ratedCells: 0, bound: null });
    expect(other.posterior).toBeGreaterThan(0.05);
    const byId = (id: string) => a.evidence.find((e: any) => e.id === id);
    expect(byId(EV.t1078).group).toBe(byId(EV.infostealer).group);
    expect(byId(EV.t1078).groupSize).toBe(2);
    expect(byId(EV.infostealer).cells.find((c: any) => c.hypothesis.id === H.other)).toMatchObject({ blank: true, raters: 0 });
    expect(a.analysts.map((v: any) => [v.analyst, v.leadStatus])).toEqual([
      ['analyst-a', 'TIE'],
      ['analyst-b', 'CLEAR'],
    ]);
    expect(a.analystDivergence).toHaveLength(1);
    expect(a.analystDivergence[0].jensenShannon).toBeGreaterThan(0);
    expect(a.analyticConfidence.level).toBe('LOW');
    expect(a.analyticConfidence.reasons).toContain('no clear leader');
    for (const h of a.hypotheses) {
      expect(h.confidence).toBeGreaterThanOrEqual(1);
      expect(h.confidence).toBeLessThanOrEqual(99);
    }
    const text = a.explanation.join(' ');
    expect(text).toMatch(/rests on the ratings of analyst-b/);
    expect(text).toMatch(/Counted once, as dependent/);
    expect(text).toMatch(/Blank cells/);
  });
});

describe('bad numbers are refused at the API', () => {
  it('refuses a weight of 1e308, naming the field, and writes nothing', async () => {
    const before = await graph.read((tx) => countGraph(tx));
    const r = await api.gql(
      analyst,
      `mutation { createEvidence(input: { incidentId: "${IDS.incident}", name: "huge", kind: CONTEXT, collectedAt: "2025-12-14T10:00:00Z", weight: 1e308 }) { id } }`,
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.issues).toEqual([expect.objectContaining({ path: 'weight' })]);
    expect(String((r.errors?.[0]?.extensions?.issues as any[])[0].message)).toMatch(/at most 10/);
    expect(await graph.read((tx) => countGraph(tx))).toEqual(before);
  });
});

describe('as of an instant, the stored versions valid then', () => {
  it('a later prior, a later discrediting and a later hypothesis do not rewrite the past', async () => {
    const then = await assessment();
    const asOf = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const prior = await api.gql(analyst, `mutation { updateHypothesis(id: "${H.crime}", input: { prior: 0.05 }) { prior } }`);
    expect(prior.errors).toBeUndefined();
    const discredit = await api.gql(analyst, `mutation { updateEvidence(id: "${EV.infostealer}", input: { discredited: true }) { discredited } }`);
    expect(discredit.errors).toBeUndefined();
    const created = await api.gql(
      analyst,
      `mutation { createHypothesis(input: { incidentId: "${IDS.incident}", name: "Insider", category: "insider" }) { id } }`,
    );
    expect(created.errors).toBeUndefined();
    const insider = (created.data!.createHypothesis as any).id as string;

    const now = await assessment();
    expect(now.hypotheses.map((h: any) => h.hypothesis.id)).toContain(insider);
    expect(now.evidence.find((e: any) => e.id === EV.infostealer).effectiveWeight).toBe(0);

    const replay = await assessment(asOf);
    expect(replay.hypotheses.map((h: any) => h.hypothesis.id)).not.toContain(insider);
    expect(replay.evidence.find((e: any) => e.id === EV.infostealer).effectiveWeight).toBeGreaterThan(0);
    for (const h of then.hypotheses) expect(posteriorOf(replay, h.hypothesis.id)).toBeCloseTo(h.posterior, 12);

    const history = await api.gql(reader, `query { assessmentHistory(incidentId: "${IDS.incident}") { points { asOf leadStatus hypotheses { hypothesis { id } } } } }`);
    expect(history.errors).toBeUndefined();
    const points = (history.data!.assessmentHistory as any).points as any[];
    const withInsider = points.filter((p) => p.hypotheses.some((h: any) => h.hypothesis.id === insider));
    expect(withInsider.length).toBeGreaterThan(0);
    expect(Date.parse(withInsider[0].asOf)).toBeGreaterThan(Date.parse(asOf));
    expect(points.filter((p) => Date.parse(p.asOf) <= Date.parse(asOf)).every((p) => p.hypotheses.every((h: any) => h.hypothesis.id !== insider))).toBe(true);
  });
});
