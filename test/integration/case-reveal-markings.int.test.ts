/**
 * Issue 14 #3: what an analyst writes into a case object carries the marking of what it reveals.
 * An analyst cleared RED rates a CLEAR evidence item against a RED hypothesis with a rationale, and
 * points CLEAR objects at RED ones (`objectRefs`, `candidateRefs`); a CLEAR reader then finds
 * neither the RED ids nor the rationale on any read path (case reads, objects, history, audit log,
 * exports, the `assessmentChanged` subscription), while a RED reader still sees the rating. An
 * analyst below the hypothesis's (or the evidence's) marking cannot rate against it, and the refusal
 * reads exactly like the one for an id that does not exist.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIds, parseFactSheet } from '../../importers/factsheet/index';
import type { Graph } from '../../api/src/graph/driver';
import type { AssessmentChangedEvent } from '../../api/src/services/events';
import { eventVisibleTo } from '../../api/src/services/events';
import { SYSTEM_VIEWER, type Viewer } from '../../api/src/services/viewer';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph } from '../support/graph';

const SEED = join(import.meta.dirname, '..', '..', 'seed', 'reference-case.yaml');
const IDS = caseIds(parseFactSheet(readFileSync(SEED, 'utf8'), 'reference-case.yaml').slug);
const INCIDENT = IDS.incident;
const EV_RATED = IDS.evidence('ev-infostealer-exposure');
const EV_REFS = IDS.evidence('ev-possible-file-access');
const RED_ACTOR = 'threat-actor--0c3b4f1e-6f0a-4d1c-9d7e-2a5b8c9d0e1f';
const RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const SECRET_RATIONALE = 'seen by our liaison only: matches the RED actor tooling';
const MISSING_HYPOTHESIS = 'attribution-hypothesis--00000000-0000-4000-8000-000000000000';

let graph: Graph;
let api: TestApi;
let redAnalyst: Viewer;
let clearReader: string;
let clearReaderViewer: Viewer;
let redReader: string;
let redHypothesis: string;
let clearHypothesis: string;
const events: AssessmentChangedEvent[] = [];

/** Everything a CLEAR reader can ask about the case, as one text. */
async function everythingReadable(token: string): Promise<string> {
  const seen: unknown[] = [];
  const q = async (query: string, variables: Record<string, unknown> = {}) => {
    const r = await api.gql(token, query, variables);
    seen.push(r.data, r.errors);
  };
  await q(`query($id: ID!) { incident(id: $id) { raw evidence { id raw objectRefs ratings { hypothesisId analyst rationale } }
                                                   hypotheses { id raw candidateRefs } } }`, { id: INCIDENT });
  for (const id of [EV_RATED, EV_REFS, clearHypothesis]) {
    await q(`query($id: ID!) { stixObject(id: $id) { raw } }`, { id });
    await q(`query($id: ID!) { auditLog(objectId: $id) { action actor before after } }`, { id });
    await q(`query($id: ID!) { objectHistory(id: $id) { versions { raw } } }`, { id });
  }
  await q(`query($id: ID!) { auditLog(objectId: $id) { action actor objectId before after } }`, { id: INCIDENT });
  await q(`query($id: ID!) { evidence(id: $id) { raw ratings { hypothesisId rationale } } }`, { id: EV_RATED });
  await q(`query { exportStixBundle }`);
  await q(`query($id: ID!) { exportStixBundle(incidentId: $id) }`, { id: INCIDENT });
  return JSON.stringify(seen);
}

beforeAll(async () => {
  graph = connectTestGraph();
  api = await freshTestApi(graph);
  expect((await api.services.seed.loadReferenceCase()).loaded).toBe(true);
  const redActorBundle = {
    type: 'bundle',
    id: 'bundle--5d6c1a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6',
    objects: [
      {
        type: 'threat-actor', spec_version: '2.1', id: RED_ACTOR, name: 'Liaison-only actor',
        created: '2025-12-01T00:00:00.000Z', modified: '2025-12-01T00:00:00.000Z', object_marking_refs: [RED],
      },
    ],
  };
  const report = await api.services.stixImport.importBundle(redActorBundle, { viewer: SYSTEM_VIEWER });
  expect(report.created).toBe(1);

  redAnalyst = (await api.services.auth.authenticate(await api.token('analyst', 'RED', 'liaison')))!;
  clearReader = await api.token('reader', 'CLEAR', 'public-reader');
  clearReaderViewer = (await api.services.auth.authenticate(clearReader))!;
  redReader = await api.token('reader', 'RED', 'red-reader');
  const sub = api.services.events.subscribe('assessmentChanged');
  void (async () => {
    for await (const e of sub) events.push(e);
  })();

  redHypothesis = (
    await api.services.cases.createHypothesis(
      { incidentId: INCIDENT, name: 'Liaison hypothesis', category: 'foreign-interference', tlp: 'RED' },
      redAnalyst,
    )
  ).id;
  clearHypothesis = (
    await api.services.cases.createHypothesis(
      { incidentId: INCIDENT, name: 'Public hypothesis', category: 'foreign-interference', candidateRefs: [RED_ACTOR] },
      redAnalyst,
    )
  ).id;
  await api.services.cases.rateEvidence({ evidenceId: EV_RATED, hypothesisId: redHypothesis, rating: 'CC', rationale: SECRET_RATIONALE }, redAnalyst);
  await api.services.cases.updateEvidence(EV_REFS, { objectRefs: [RED_ACTOR] }, redAnalyst);
});
afterAll(async () => {
  await graph.close();
});

describe('a rating, its rationale and refs carry the marking of what they reveal', () => {
  it('a CLEAR reader receives neither the RED ids nor the rationale on any read path', async () => {
    const text = await everythingReadable(clearReader);
    expect(text).not.toContain(redHypothesis);
    expect(text).not.toContain(RED_ACTOR);
    expect(text).not.toContain(SECRET_RATIONALE);
    // The reader still reads the case itself (the check above is not vacuous).
    expect(text).toContain(INCIDENT);
    expect(text).toContain(IDS.evidence('ev-no-exfiltration-confirmed'));
  });

  it('a RED reader still sees the rating, its rationale and the refs', async () => {
    const text = await everythingReadable(redReader);
    expect(text).toContain(redHypothesis);
    expect(text).toContain(SECRET_RATIONALE);
    expect(text).toContain(RED_ACTOR);
    const r = await api.gql(redReader, `query($id: ID!) { evidence(id: $id) { tlp raw ratings { hypothesisId rationale } } }`, { id: EV_RATED });
    expect(r.data?.evidence.ratings).toContainEqual({ hypothesisId: redHypothesis, rationale: SECRET_RATIONALE });
    expect(r.data?.evidence.tlp).toBe('RED');
    expect(r.data?.evidence.raw.granular_markings).toEqual([{ marking_ref: RED, selectors: [`ratings.[${r.data?.evidence.ratings.length - 1}]`] }]);
  });

  it('the assessmentChanged events about the RED rating and refs do not reach a CLEAR subscriber', async () => {
    const about = events.filter((e) => e.reason === 'rate-evidence' || e.reason === 'update-evidence' || e.hypothesisId === clearHypothesis);
    expect(about.length).toBe(3);
    for (const e of about) expect(eventVisibleTo(clearReaderViewer, 'assessmentChanged', e)).toBe(false);
    for (const e of about) expect(eventVisibleTo(redAnalyst, 'assessmentChanged', e)).toBe(true);
  });
});

describe('rating against what you may not see reads like rating against nothing', () => {
  it('a GREEN analyst rating against a RED hypothesis gets the answer for a hypothesis that does not exist', async () => {
    const green = await api.token('analyst', 'GREEN', 'green-analyst');
    const rate = (hypothesisId: string, evidenceId = IDS.evidence('ev-no-exfiltration-confirmed')) =>
      api.gql(green, `mutation($e: ID!, $h: ID!) { rateEvidence(evidenceId: $e, hypothesisId: $h, rating: C) { id } }`, { e: evidenceId, h: hypothesisId });
    const hidden = await rate(redHypothesis);
    const absent = await rate(MISSING_HYPOTHESIS);
    expect(hidden.errors?.[0]?.message).toBeDefined();
    expect(hidden.errors?.[0]?.message.replace(redHypothesis, 'ID')).toBe(absent.errors?.[0]?.message.replace(MISSING_HYPOTHESIS, 'ID'));
    expect(hidden.errors?.[0]?.extensions?.code).toBe(absent.errors?.[0]?.extensions?.code);
    // And an evidence item above the caller's clearance (EV_RATED is RED now) reads like a missing one.
    const hiddenEvidence = await rate(clearHypothesis, EV_RATED);
    const missingEvidence = await rate(clearHypothesis, 'attribution-evidence--00000000-0000-4000-8000-000000000000');
    expect(hiddenEvidence.errors?.[0]?.message.replace(EV_RATED, 'ID')).toBe(
      missingEvidence.errors?.[0]?.message.replace('attribution-evidence--00000000-0000-4000-8000-000000000000', 'ID'),
    );
    expect(hiddenEvidence.errors?.[0]?.extensions?.code).toBe(missingEvidence.errors?.[0]?.extensions?.code);
  });
});

describe('the same rating written through an import', () => {
  it('an imported CLEAR evidence item rating a RED hypothesis is left out of the case for a CLEAR reader', async () => {
    // What the RED analyst's import says: a CLEAR item (no granular marking) whose rating names
    // the RED hypothesis. Imports store ratings as given; reads must not serve them below RED.
    const target = IDS.evidence('ev-credential-reuse-t1078');
    const read = async (id: string) =>
      (await api.gql(redReader, `query($id: ID!) { evidence(id: $id) { raw } }`, { id })).data?.evidence?.raw as Record<string, unknown>;
    const rated = await read(EV_RATED);
    const redRating = (rated.ratings as { hypothesis_ref: string }[]).find((r) => r.hypothesis_ref === redHypothesis);
    expect(redRating).toBeDefined();
    const before = await read(target);
    const { granular_markings: _, ...plain } = before;
    const copy = { ...plain, modified: '2026-01-15T00:00:00.000Z', ratings: [...((before.ratings as unknown[]) ?? []), redRating] };
    const report = await api.services.stixImport.importBundle(
      { type: 'bundle', id: 'bundle--6d6c1a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6', objects: [copy] },
      { viewer: redAnalyst },
    );
    expect(report).toMatchObject({ updated: 1, errors: [] });

    const text = await everythingReadable(clearReader);
    expect(text).not.toContain(redHypothesis);
    expect(text).toContain(INCIDENT);
    const clearCase = await api.gql(clearReader, `query($id: ID!) { incident(id: $id) { evidence { id } } }`, { id: INCIDENT });
    expect(clearCase.data?.incident.evidence.map((e: { id: string }) => e.id)).not.toContain(target);
    const redCase = await api.gql(redReader, `query($id: ID!) { incident(id: $id) { evidence { id ratings { hypothesisId } } } }`, { id: INCIDENT });
    expect(redCase.data?.incident.evidence.find((e: { id: string }) => e.id === target)?.ratings).toContainEqual({ hypothesisId: redHypothesis });
  });
});
