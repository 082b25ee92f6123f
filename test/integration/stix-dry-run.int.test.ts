/**
 * Dry-run imports (everything written in one transaction, then rolled back) and the start-up
 * warm-up built on them: the report says what an import would do, the database does not change.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cypher } from '../../api/src/graph/cypher';
import type { Graph } from '../../api/src/graph/driver';
import { createLogger } from '../../api/src/logger';
import { createEventBus } from '../../api/src/services/events';
import { createStixImportService, type StixImportService } from '../../api/src/services/stix-import.service';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { startWarmUp, warmUpImports } from '../../api/src/services/warm-up';
import { connectTestGraph, resetGraph, testNeo4j } from '../support/graph';
import { bundle, rel, sdo, sid } from '../support/stix-fixtures';

/** Everything a write could leave behind: nodes by label set, edges by type, property count. */
const FOOTPRINT = cypher(
  'test-dry-run-footprint',
  'READ',
  `CALL { MATCH (n) WITH labels(n) AS l ORDER BY l RETURN collect(l) AS nodes }
   CALL { MATCH ()-[r]->() WITH type(r) AS t ORDER BY t RETURN collect(t) AS edges }
   CALL { MATCH (n) RETURN sum(size(keys(n))) AS properties }
   RETURN nodes, edges, properties`,
);

let graph: Graph;
let service: StixImportService;
const logger = createLogger('silent');
const footprint = async () => (await graph.read((tx) => tx.run(FOOTPRINT)))[0];

const actor = sid('intrusion-set', 1);
const malware = sid('malware', 2);
const objects = [
  sdo('intrusion-set', actor, { name: 'Actor challenging the state' }),
  sdo('malware', malware, { name: 'Infostealer', is_family: true }),
  rel(sid('relationship', 3), 'uses', actor, malware),
];

beforeAll(async () => {
  graph = connectTestGraph();
  service = createStixImportService({ graph, logger });
});
afterAll(async () => {
  await graph.close();
});

describe('dry-run import', () => {
  it('reports what the import would do and leaves the database as it was', async () => {
    await resetGraph(graph);
    const before = await footprint();
    const dry = await service.importBundle(bundle(objects), { viewer: SYSTEM_VIEWER, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, created: 3, updated: 0, unchanged: 0, errors: [] });
    expect(await footprint()).toEqual(before);

    // The same bundle for real: the same counts, and now it is stored.
    const real = await service.importBundle(bundle(objects), { viewer: SYSTEM_VIEWER });
    expect(real).toMatchObject({ dryRun: false, created: 3, updated: 0, unchanged: 0 });
    const stored = await footprint();
    expect(stored).not.toEqual(before);

    // Against stored objects: a newer version is an update, the rest unchanged; nothing moves.
    const newer = { ...objects[1]!, modified: '2025-12-15T00:00:00.000Z', description: 'now seen on ministry mail servers' };
    const again = await service.importBundle(bundle([objects[0]!, newer, objects[2]!]), { viewer: SYSTEM_VIEWER, dryRun: true });
    expect(again).toMatchObject({ dryRun: true, created: 0, updated: 1, unchanged: 2 });
    expect(await footprint()).toEqual(stored);
  });

  it('gives the same report on the classic path (validate everything, then write)', async () => {
    await resetGraph(graph);
    const before = await footprint();
    const dry = await service.importBundle(bundle(objects), { viewer: SYSTEM_VIEWER, dryRun: true, eager: false });
    expect(dry).toMatchObject({ dryRun: true, created: 3, errors: [] });
    expect(await footprint()).toEqual(before);
  });

  it('still refuses an invalid bundle, naming the object and field', async () => {
    await resetGraph(graph);
    const bad = { ...objects[1]!, is_family: 'yes' };
    const report = await service.importBundle(bundle([objects[0]!, bad]), { viewer: SYSTEM_VIEWER, dryRun: true });
    expect(report.errors.map((e) => [e.objectId, e.path])).toContainEqual([malware, 'objects[1].is_family']);
  });

  it('refuses an input too big for one transaction instead of staging it', async () => {
    await resetGraph(graph);
    const before = await footprint();
    const report = await service.importBundle(bundle(objects), {
      viewer: SYSTEM_VIEWER,
      dryRun: true,
      singleTransactionMaxObjects: 2,
    });
    expect(report.created).toBe(0);
    expect(report.staged).toBe(false);
    expect(report.errors[0]?.message).toMatch(/dry run .* at most 2 objects/);
    expect(await footprint()).toEqual(before);
  });

  it('stops when its signal is aborted, and rolls back what it wrote', async () => {
    await resetGraph(graph);
    const before = await footprint();
    const controller = new AbortController();
    const many = Array.from({ length: 2_000 }, (_, i) => sdo('malware', sid('malware', 100 + i), { name: `m${i}`, is_family: false }));
    const running = service.importBundle(bundle(many), {
      viewer: SYSTEM_VIEWER,
      batchSize: 100,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'write') controller.abort(); // after the first batch was written
      },
    });
    await expect(running).rejects.toThrow(/abort/i);
    expect(await footprint()).toEqual(before);
  });
});

describe('attribution-graph import --dry-run', () => {
  it('prints the report of a dry run and stores nothing', async () => {
    await resetGraph(graph);
    const before = await footprint();
    const dir = mkdtempSync(join(tmpdir(), 'ag-dry-run-'));
    try {
      const file = join(dir, 'bundle.json');
      writeFileSync(file, JSON.stringify(bundle(objects)));
      const t = testNeo4j();
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'api', 'src', 'cli', 'main.ts'), 'import', '--dry-run', file], {
        encoding: 'utf8',
        env: { ...process.env, NEO4J_URI: t.uri, NEO4J_USER: t.user, NEO4J_PASSWORD: t.password, NEO4J_DATABASE: t.database, LOG_LEVEL: 'silent' },
        timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, created: 3, errors: [] });
      expect(await footprint()).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('start-up warm-up', () => {
  it('plans the import queries and runs dry-run rounds without writing anything', async () => {
    await resetGraph(graph);
    await service.importBundle(bundle(objects), { viewer: SYSTEM_VIEWER });
    const before = await footprint();
    const report = await warmUpImports({ graph, logger }, { objects: 400, rounds: 2 });
    expect(report).toMatchObject({ aborted: false, completed: true });
    expect(report.planMs).not.toBeNull();
    expect(report.roundsMs).toHaveLength(2); // a refused generated bundle would end it early
    expect(await footprint()).toEqual(before);
  });

  it('gives way as soon as an import is announced', async () => {
    await resetGraph(graph);
    const before = await footprint();
    const events = createEventBus();
    const warmUp = startWarmUp({ graph, logger, events }, { objects: 3_000, rounds: 1_000 });
    // Any import, through the shared service with the bus, announces itself.
    const announcing = createStixImportService({ graph, logger, events });
    await new Promise((r) => setTimeout(r, 200));
    await announcing.importBundle(bundle(objects), { viewer: SYSTEM_VIEWER });
    const report = await warmUp.done;
    expect(report).toMatchObject({ aborted: true, completed: false });
    // Only the real import is stored.
    const after = await footprint();
    expect(after).not.toEqual(before);
    const [row] = await graph.read((tx) => tx.run(cypher('test-dry-run-count', 'READ', 'MATCH (n:StixObject) RETURN count(n) AS n')));
    expect(Number(row!.n)).toBe(3);
  });
});
