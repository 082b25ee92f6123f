/**
 * What the web explorer asks of the API beyond exploration, against the real Neo4j:
 * `importFactSheet` (same service as the CLI: analyst role, located errors, nothing written on
 * error), `objectHistory` (versions newest first, older versions above the viewer's clearance
 * left out, changed properties) and the consensus cells of the ACH matrix (the cell values the
 * engine scores: posteriors and ACH scores recomputed from them match the assessment).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIds, parseFactSheet } from '../../importers/factsheet/index';
import type { Graph } from '../../api/src/graph/driver';
import { cypher } from '../../api/src/graph/cypher';
import { countGraph } from '../../api/src/graph/stix.repository';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph } from '../support/graph';

const SEED_TEXT = readFileSync(join(import.meta.dirname, '..', '..', 'seed', 'reference-case.yaml'), 'utf8');
const SHEET = parseFactSheet(SEED_TEXT, 'reference-case.yaml');
const IDS = caseIds(SHEET.slug);
const H = {
  foreign: IDS.hypothesis('h-foreign-interference'),
  challenger: IDS.hypothesis('h-state-challenger'),
  crime: IDS.hypothesis('h-opportunistic-cybercrime'),
};
const EV_FILES = IDS.evidence('ev-possible-file-access');

// First version AMBER, second (later `modified`) CLEAR: a CLEAR reader sees only the second.
const V1 = SEED_TEXT.replace(/^tlp: CLEAR$/m, 'tlp: AMBER');
const V2 = SEED_TEXT.replace(/^created: (.*)$/m, 'created: $1\nmodified: 2025-12-20T08:00:00Z');

const IMPORT = `mutation I($text: String!, $fileName: String) {
  importFactSheet(text: $text, fileName: $fileName) {
    incidentId importId created updated unchanged rejected
    errors { objectId path line column message }
    warnings { path message }
  }
}`;
const HISTORY = `query H($id: ID!, $limit: Int) {
  objectHistory(id: $id, limit: $limit) { id versions { modified current tlp importedBy changed raw } }
}`;
const CELLS = `query C($id: ID!) {
  assessment(incidentId: $id) {
    hypotheses { hypothesis { id prior } posterior score }
    evidence { id effectiveWeight reliability cells { hypothesis { id } rating raters unanimous blank likelihood achPenalty } }
  }
}`;

const COUNT_VIEWS = cypher('test-count-views', 'READ', 'MATCH (v:SavedView) RETURN count(v) AS n');

type Cell = { hypothesis: { id: string }; rating: string; raters: number; unanimous: boolean; blank: boolean; likelihood: number; achPenalty: number };

let graph: Graph;
let api: TestApi;
let reader: string;
let analyst: string;
let clearReader: string;

beforeAll(async () => {
  graph = connectTestGraph();
  api = await freshTestApi(graph);
  reader = await api.token('reader', 'RED', 'reader-red');
  analyst = await api.token('analyst', 'RED', 'analyst-c');
  clearReader = await api.token('reader', 'CLEAR', 'reader-clear');
});
afterAll(async () => {
  await graph.close();
});

describe('importFactSheet', () => {
  it('refuses a reader (FORBIDDEN) and writes nothing', async () => {
    const before = await graph.read((tx) => countGraph(tx));
    const r = await api.gql(reader, IMPORT, { text: V1 });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await graph.read((tx) => countGraph(tx))).toEqual(before);
  });

  it('returns every problem of a bad sheet with line, column and field, and writes nothing', async () => {
    const at = V1.indexOf('prior: 0.3', V1.indexOf('id: h-state-challenger'));
    const line = V1.slice(0, at).split('\n').length;
    const bad = `${V1.slice(0, at)}prior: 2${V1.slice(at + 'prior: 0.3'.length)}`.replace('analyst: analyst-b, rating: C', 'analyst: analyst-b, rating: Q');
    const before = await graph.read((tx) => countGraph(tx));
    const r = await api.gql(analyst, IMPORT, { text: bad, fileName: 'bad-case.yaml' });
    expect(r.errors).toBeUndefined();
    const report = r.data!.importFactSheet;
    expect(report).toMatchObject({ incidentId: null, importId: null, created: 0, updated: 0 });
    const prior = report.errors.find((e: any) => e.path === 'hypotheses[1].prior');
    expect(prior).toMatchObject({ line, column: 12 });
    expect(prior.message).toMatch(new RegExp(`^bad-case\\.yaml:${line}:12: `));
    const rating = report.errors.find((e: any) => /^evidence\[0\]\.ratings\[1\]\.rating$/.test(e.path));
    expect(rating?.line).toBeGreaterThan(line);
    expect(await graph.read((tx) => countGraph(tx))).toEqual(before);
  });

  it('imports a good sheet as an analyst; importing it again changes nothing', async () => {
    const first = await api.gql(analyst, IMPORT, { text: V1, fileName: 'case.yaml' });
    expect(first.errors).toBeUndefined();
    expect(first.data!.importFactSheet).toMatchObject({ incidentId: IDS.incident, updated: 0, rejected: 0, errors: [] });
    expect(first.data!.importFactSheet.created).toBeGreaterThan(10);
    const again = await api.gql(analyst, IMPORT, { text: V1 });
    expect(again.data!.importFactSheet).toMatchObject({ created: 0, updated: 0, errors: [] });
    // The same service as the command line: the incident is there for every reader cleared for it.
    const seen = await api.gql(reader, `{ incident(id: "${IDS.incident}") { id tlp } }`);
    expect(seen.data!.incident).toEqual({ id: IDS.incident, tlp: 'AMBER' });
  });
});

describe('objectHistory', () => {
  it('lists the versions newest first, with what changed, as a reader cleared for them', async () => {
    const revised = await api.gql(analyst, IMPORT, { text: V2, fileName: 'case-v2.yaml' });
    expect(revised.data!.importFactSheet.updated).toBeGreaterThan(10);
    const r = await api.gql(reader, HISTORY, { id: IDS.incident });
    expect(r.errors).toBeUndefined();
    const versions = r.data!.objectHistory.versions;
    expect(versions.map((v: any) => [v.current, v.tlp])).toEqual([[true, 'CLEAR'], [false, 'AMBER']]);
    expect(Date.parse(versions[0].modified)).toBe(Date.parse('2025-12-20T08:00:00Z'));
    expect(Date.parse(versions[0].raw.modified)).toBe(Date.parse('2025-12-20T08:00:00Z'));
    expect(versions[1].raw.modified).not.toBe(versions[0].raw.modified);
    expect(versions[0].changed).toContain('object_marking_refs');
    expect(versions[0].changed).not.toContain('modified');
    expect(versions[1].changed).toBeNull();
    expect(versions[0].importedBy).toBe('analyst-c');
  });

  it('leaves out older versions above the clearance, and limits', async () => {
    const clear = await api.gql(clearReader, HISTORY, { id: IDS.incident });
    expect(clear.data!.objectHistory.versions.map((v: any) => v.tlp)).toEqual(['CLEAR']);
    expect(clear.data!.objectHistory.versions[0].changed).toBeNull();
    const one = await api.gql(reader, HISTORY, { id: IDS.incident, limit: 1 });
    expect(one.data!.objectHistory.versions).toHaveLength(1);
  });

  it('is null for an object above the clearance or absent; a bad id or limit is refused by field', async () => {
    const amber = 'indicator--0b6b2e9a-7c1e-4f57-9a0a-6f3e2c1d4b5a';
    const report = await api.services.stixImport.importBundle({
      type: 'bundle',
      id: 'bundle--3b0f4f4e-2d7a-4b47-9a43-1f5f2d6c7e8f',
      objects: [{
        type: 'indicator', spec_version: '2.1', id: amber, created: '2025-01-01T00:00:00.000Z', modified: '2025-01-01T00:00:00.000Z',
        pattern: "[ipv4-addr:value = '203.0.113.7']", pattern_type: 'stix', valid_from: '2025-01-01T00:00:00Z',
        object_marking_refs: ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'],
      }],
    }, { viewer: SYSTEM_VIEWER, source: 'test' });
    expect(report.errors).toEqual([]);
    expect((await api.gql(clearReader, HISTORY, { id: amber })).data!.objectHistory).toBeNull();
    expect((await api.gql(reader, HISTORY, { id: amber })).data!.objectHistory.versions).toHaveLength(1);
    expect((await api.gql(reader, HISTORY, { id: 'indicator--00000000-0000-4000-8000-000000000000' })).data!.objectHistory).toBeNull();
    const bad = await api.gql(reader, HISTORY, { id: 'not an id', limit: 0 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((bad.errors?.[0]?.extensions?.issues as { path: string }[]).map((i) => i.path)).toEqual(['id', 'limit']);
  });
});

describe('consensus cells of the ACH matrix', () => {
  async function assessed() {
    const r = await api.gql(reader, CELLS, { id: IDS.incident });
    expect(r.errors).toBeUndefined();
    return r.data!.assessment as {
      hypotheses: { hypothesis: { id: string; prior: number }; posterior: number; score: number }[];
      evidence: { id: string; effectiveWeight: number; reliability: number; cells: Cell[] }[];
    };
  }
  const cell = (a: Awaited<ReturnType<typeof assessed>>, evidenceId: string, hypothesisId: string) =>
    a.evidence.find((e) => e.id === evidenceId)!.cells.find((c) => c.hypothesis.id === hypothesisId)!;

  it('combines the analysts ratings per cell as the engine does', async () => {
    const a = await assessed();
    // analyst-a N, analyst-b C: split; likelihood is the geometric mean; shown as the more neutral.
    expect(cell(a, EV_FILES, H.foreign)).toMatchObject({ raters: 2, unanimous: false, rating: 'N', achPenalty: 0 });
    expect(cell(a, EV_FILES, H.foreign).likelihood).toBeCloseTo(Math.sqrt(0.5 * 0.7), 12);
    expect(cell(a, EV_FILES, H.challenger)).toMatchObject({ raters: 2, unanimous: true, rating: 'N', likelihood: 0.5 });
    // The cells are what is scored: posteriors and ACH scores recomputed from them match, under
    // the reliability mixture r·L + (1 − r)·L(N) (docs/assessment.md); a blank cell (the "other"
    // hypothesis) counts with the mean of the item's rated cells.
    const mixed = (e: (typeof a.evidence)[number], c: Cell) => Math.log(e.reliability * c.likelihood + (1 - e.reliability) * 0.5);
    const term = (e: (typeof a.evidence)[number], hypothesisId: string) => {
      const c = e.cells.find((x) => x.hypothesis.id === hypothesisId)!;
      if (!c.blank) return mixed(e, c);
      const rated = e.cells.filter((x) => !x.blank);
      return rated.reduce((s, x) => s + mixed(e, x), 0) / rated.length;
    };
    expect(a.evidence.every((e) => e.cells.some((c) => c.blank))).toBe(true);
    const logs = a.hypotheses.map((h) => Math.log(h.hypothesis.prior) + a.evidence.reduce((s, e) => s + e.effectiveWeight * term(e, h.hypothesis.id), 0));
    const top = Math.max(...logs);
    const z = logs.reduce((s, l) => s + Math.exp(l - top), 0);
    a.hypotheses.forEach((h, i) => {
      expect(Math.exp(logs[i]! - top) / z).toBeCloseTo(h.posterior, 9);
      expect(a.evidence.reduce((s, e) => s + e.effectiveWeight * e.reliability * cell(a, e.id, h.hypothesis.id).achPenalty, 0)).toBeCloseTo(h.score, 9);
    });
  });

  it('follows a new rating at once', async () => {
    const r = await api.gql(analyst, `mutation { rateEvidence(evidenceId: "${EV_FILES}", hypothesisId: "${H.foreign}", rating: II) { id } }`);
    expect(r.errors).toBeUndefined();
    const after = cell(await assessed(), EV_FILES, H.foreign);
    expect(after).toMatchObject({ raters: 3, unanimous: false, achPenalty: -2 / 3 });
    expect(after.likelihood).toBeCloseTo(Math.cbrt(0.5 * 0.7 * 0.1), 12);
    // ln of that is nearest I's ln 0.3.
    expect(after.rating).toBe('I');
  });
});

describe('saved views', () => {
  const T = '2026-01-05T10:00:00.000Z';
  const CLEAR_ACTOR = 'threat-actor--0a1b2c3d-0000-4000-8000-00000000c1ea';
  const RED_ACTOR = 'threat-actor--0a1b2c3d-0000-4000-8000-0000000000ed';
  const actor = (id: string, name: string, marking: string) => ({
    type: 'threat-actor', spec_version: '2.1', id, created: T, modified: T, name, object_marking_refs: [marking],
  });
  const SAVE = `mutation S($input: SaveViewInput!) { saveView(input: $input) { id objectIds positions state leftOut createdBy } }`;
  const READ = `query V($id: ID!) { savedView(id: $id) { id objectIds positions state leftOut } }`;

  beforeAll(async () => {
    const report = await api.services.stixImport.importBundle(
      { type: 'bundle', id: 'bundle--0a1b2c3d-0000-4000-8000-00000000b1e0', objects: [
        actor(CLEAR_ACTOR, 'View actor clear', 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487'),
        actor(RED_ACTOR, 'View actor red', 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'),
      ] },
      { viewer: SYSTEM_VIEWER },
    );
    expect(report.rejected).toBe(0);
  });

  it('saves a canvas under a short id and gives it back, positions and state included, to a colleague cleared for it', async () => {
    const saved = await api.gql(reader, SAVE, { input: { objectIds: [CLEAR_ACTOR, RED_ACTOR], positions: { [CLEAR_ACTOR]: { x: 10, y: -4.5 } }, state: 'tab=graph&layout=preset' } });
    expect(saved.errors).toBeUndefined();
    const view = saved.data!.saveView as { id: string; createdBy: string };
    expect(view.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(view.createdBy).toBe('reader-red');
    const other = await api.token('reader', 'RED', 'colleague-red');
    const read = await api.gql(other, READ, { id: view.id });
    expect(read.data!.savedView).toEqual({ id: view.id, objectIds: [CLEAR_ACTOR, RED_ACTOR], positions: { [CLEAR_ACTOR]: { x: 10, y: -4.5 } }, state: 'tab=graph&layout=preset', leftOut: 0 });
  });

  it('does not exist for a colleague below the TLP of its most restrictive object, and does for one cleared', async () => {
    const saved = await api.gql(reader, SAVE, { input: { objectIds: [CLEAR_ACTOR, RED_ACTOR] } });
    const id = (saved.data!.saveView as { id: string }).id;
    expect((await api.gql(clearReader, READ, { id })).data!.savedView).toBeNull();
    const clearOnly = await api.gql(reader, SAVE, { input: { objectIds: [CLEAR_ACTOR] } });
    const clearId = (clearOnly.data!.saveView as { id: string }).id;
    expect((await api.gql(clearReader, READ, { id: clearId })).data!.savedView).toMatchObject({ objectIds: [CLEAR_ACTOR], leftOut: 0 });
    expect((await api.gql(clearReader, READ, { id: 'no-such-view' })).data!.savedView).toBeNull();
  });

  it('refuses, by field, ids the saver may not see and positions of objects not in the view; nothing is saved', async () => {
    const views = async () => Number((await graph.read((tx) => tx.run(COUNT_VIEWS)))[0]?.n);
    const before = await views();
    const hidden = await api.gql(clearReader, SAVE, { input: { objectIds: [CLEAR_ACTOR, RED_ACTOR] } });
    expect(hidden.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(hidden.errors?.[0]?.extensions?.issues).toEqual([{ objectId: null, path: 'objectIds[1]', message: expect.stringContaining('that you may see') }]);
    const stray = await api.gql(reader, SAVE, { input: { objectIds: [CLEAR_ACTOR], positions: { [RED_ACTOR]: { x: 1, y: 2 } } } });
    expect(stray.errors?.[0]?.extensions?.issues).toEqual([expect.objectContaining({ path: `positions.${RED_ACTOR}` })]);
    expect(await views()).toBe(before);
  });
});
