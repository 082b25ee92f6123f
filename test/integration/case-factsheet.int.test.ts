/**
 * Fact sheets through the seed service and the `attribution-graph` command: a bad sheet gets
 * line- and field-precise errors and writes nothing; a good one imports, also through
 * `attribution-graph import <file>.yaml`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../api/src/errors';
import type { Graph } from '../../api/src/graph/driver';
import { countGraph } from '../../api/src/graph/stix.repository';
import { createLogger } from '../../api/src/logger';
import { createServices, type Services } from '../../api/src/services';
import { SYSTEM_VIEWER, makeViewer } from '../../api/src/services/viewer';
import { connectTestGraph, resetGraph, testNeo4j } from '../support/graph';

const ROOT = join(import.meta.dirname, '..', '..');
const SEED_TEXT = readFileSync(join(ROOT, 'seed', 'reference-case.yaml'), 'utf8');
const DIR = mkdtempSync(join(tmpdir(), 'ag-factsheet-'));

/** Replaces the first `from` after `after` and returns the text with the 1-based line of the change. */
function corrupt(text: string, after: string, from: string, to: string): { text: string; line: number; column: number } {
  const start = text.indexOf(after);
  const at = text.indexOf(from, start);
  expect(start).toBeGreaterThanOrEqual(0);
  const line = text.slice(0, at).split('\n').length;
  const column = at - text.lastIndexOf('\n', at - 1);
  return { text: text.slice(0, at) + to + text.slice(at + from.length), line, column };
}

// Two mistakes: a prior above 1 and an unknown hypothesis reference in a rating.
const prior = corrupt(SEED_TEXT, 'id: h-state-challenger', 'prior: 0.3', 'prior: 2');
const rating = corrupt(prior.text, 'id: ev-no-exfiltration-confirmed', 'hypothesis: h-state-challenger', 'hypothesis: h-martians');
const BAD = rating.text;
const BAD_FILE = join(DIR, 'bad-case.yaml');
writeFileSync(BAD_FILE, BAD);
const GOOD_FILE = join(DIR, 'good-case.yaml');
writeFileSync(GOOD_FILE, SEED_TEXT);

let graph: Graph;
let services: Services;

function cli(...args: string[]) {
  const t = testNeo4j();
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'api', 'src', 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      NEO4J_URI: t.uri,
      NEO4J_USER: t.user,
      NEO4J_PASSWORD: t.password,
      NEO4J_DATABASE: t.database,
      LOG_LEVEL: 'silent',
    },
    timeout: 120_000,
  });
}

beforeAll(async () => {
  graph = connectTestGraph();
  await resetGraph(graph);
  services = createServices({ graph, logger: createLogger('silent') });
});
afterAll(async () => {
  await graph.close();
});

describe('bad fact sheets', () => {
  it('the service reports every problem with file, line, column and field, and writes nothing', async () => {
    const before = await graph.read((tx) => countGraph(tx));
    const error = await services.seed.importFactSheet(BAD, { viewer: SYSTEM_VIEWER, file: 'bad-case.yaml' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues as Array<{ path: string; message: string; line?: number }>;
    const priorIssue = issues.find((i) => i.path === 'hypotheses[1].prior');
    expect(priorIssue?.line).toBe(prior.line);
    expect(priorIssue?.message).toMatch(new RegExp(`^bad-case\\.yaml:${prior.line}:\\d+: `));
    const ratingIssue = issues.find((i) => /^evidence\[1\]\.ratings\[\d+\]\.hypothesis$/.test(i.path));
    expect(ratingIssue?.line).toBe(rating.line);
    expect(ratingIssue?.message).toMatch(/h-martians/);
    expect(await graph.read((tx) => countGraph(tx))).toEqual(before);
  });

  it('a reader may not import a fact sheet', async () => {
    const reader = makeViewer('r', 'reader', 'reader', 'RED');
    await expect(services.seed.importFactSheet(SEED_TEXT, { viewer: reader })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('the command prints the located problems, exits 1 and writes nothing', async () => {
    const before = await graph.read((tx) => countGraph(tx));
    const r = cli('import-factsheet', BAD_FILE);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${BAD_FILE}:${prior.line}:`);
    expect(r.stderr).toMatch(new RegExp(`${BAD_FILE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${prior.line}:\\d+ hypotheses\\[1\\]\\.prior: `));
    expect(r.stderr).toContain(`${BAD_FILE}:${rating.line}:`);
    expect(await graph.read((tx) => countGraph(tx))).toEqual(before);
  });
});

describe('good fact sheets through the command', () => {
  it('`import <file>.yaml` imports a fact sheet and reports the incident', async () => {
    const r = cli('import', GOOD_FILE);
    expect(r.stderr).not.toMatch(/problem/);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { incidentId: string; created: number; errors: unknown[] };
    expect(report.errors).toEqual([]);
    expect(report.created).toBeGreaterThan(30);
    const incidents = await services.cases.incidents(SYSTEM_VIEWER);
    expect(incidents.map((i) => i.id)).toEqual([report.incidentId]);
    expect(incidents[0]!.hypotheses).toHaveLength(4);
  });
});
