/**
 * A real crash: the Neo4j JVM is killed with SIGKILL while a staged (batched) STIX import is
 * committing its batches. After Neo4j restarts on the same store, readers (the explore service
 * the API uses) must see nothing of the bundle — no new object, no update of an existing one, no
 * edge added to an existing one — and a re-run of the same import must complete it with the
 * right counts. Uses its own local Neo4j (own folder, own free port) so the shared test
 * database is untouched; the JVM's pid comes from `<home>/pid`, as the launcher records it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, localNeo4jSettings, startLocalNeo4j, stopLocalNeo4j } from '../../launcher/index';
import { prepareServices } from '../../api/src/compose';
import { cypher } from '../../api/src/graph/cypher';
import { createGraph, type Graph } from '../../api/src/graph/driver';
import { createLogger } from '../../api/src/logger';
import type { Services } from '../../api/src/services';
import type { ImportOptions } from '../../api/src/services/stix-import.service';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const viewer = SYSTEM_VIEWER;

/** Staging options: 1,000+ objects go through batches of 500 (the bundle needs 10 of them). */
const STAGING: Pick<ImportOptions, 'singleTransactionMaxObjects' | 'batchSize'> = {
  singleTransactionMaxObjects: 1_000,
  batchSize: 500,
};
const GROUPS = 1_600; // × 3 objects (indicator, campaign, relationship) = 4,800 objects + 3

const T0 = '2024-01-01T00:00:00.000Z';
const T1 = '2024-06-01T00:00:00.000Z';
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const id = (type: string, n: number, kind: number) => `${type}--${hex(n, 8)}-${hex(kind, 4)}-4000-8000-${hex(n, 12)}`;
const BUNDLE_ID = id('bundle', 1, 0xc7a5);

function sdo(type: string, n: number, kind: number, props: Record<string, unknown>) {
  return { type, spec_version: '2.1', id: id(type, n, kind), created: T0, modified: T0, ...props };
}
const indicator = (n: number) =>
  sdo('indicator', n, 1, {
    name: `crash indicator ${n}`,
    pattern: `[ipv4-addr:value = '198.51.${n >> 8}.${n & 255}']`,
    pattern_type: 'stix',
    valid_from: T0,
  });
const campaign = (n: number, props: Record<string, unknown> = {}) => sdo('campaign', n, 2, { name: `crash campaign ${n}`, ...props });
const relationship = (n: number, source: string, target: string) =>
  sdo('relationship', n, 3, { relationship_type: 'indicates', source_ref: source, target_ref: target });

/** Already in the graph before the crashing import. */
const EXISTING_CAMPAIGN = campaign(0, { name: 'seeded campaign' });
const EXISTING_INDICATOR = { ...indicator(0), name: 'seeded indicator' };

/**
 * The bundle: first (so they land in the first committed batch) a relationship between two
 * objects that are already visible, one into an existing object, and a newer version of an
 * existing object (an update, held back until the flip); then many new objects.
 */
function crashBundle() {
  const objects: Record<string, unknown>[] = [
    relationship(900_000, EXISTING_INDICATOR.id, EXISTING_CAMPAIGN.id),
    relationship(900_001, indicator(1).id, EXISTING_CAMPAIGN.id),
    { ...EXISTING_CAMPAIGN, modified: T1, name: 'updated by the import' },
  ];
  for (let n = 1; n <= GROUPS; n++) {
    objects.push(indicator(n), campaign(n), relationship(n, indicator(n).id, campaign(n).id));
  }
  return { type: 'bundle', id: BUNDLE_ID, objects };
}

const STAGED_NODES = cypher('test-crash-staged', 'READ', 'MATCH (n:Staged) RETURN count(n) AS staged');
const IMPORT_MARKERS = cypher(
  'test-crash-markers',
  'READ',
  'MATCH (m:StixImport {bundle_id: $bundleId}) RETURN m.status AS status ORDER BY m.started_at',
);

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}


describe('Neo4j killed (SIGKILL) in the middle of a staged import', () => {
  let home = '';
  let port = 0;
  let tmp = '';
  let file = '';
  let graph: Graph | undefined;
  let services: Services;
  let crashed = false;

  const start = () => startLocalNeo4j({ home, boltPort: port, attached: true, settings: localNeo4jSettings({ ...process.env, AG_NEO4J_HEAP: '768m', AG_NEO4J_PAGECACHE: '128m' }) });
  async function connect(handle: Awaited<ReturnType<typeof start>>): Promise<Services> {
    graph = createGraph({
      uri: handle.uri,
      user: handle.user,
      password: handle.password,
      database: 'neo4j',
      queryTimeoutMs: 120_000,
      acquisitionTimeoutMs: 3_000,
      appName: 'attribution-graph-crash-test',
    });
    return prepareServices(graph, logger);
  }

  beforeAll(async () => {
    port = await freePort();
    home = resolve('.data', 'neo4j-stix-crash-test', String(port));
    rmSync(home, { recursive: true, force: true });
    tmp = mkdtempSync(join(tmpdir(), 'stix-crash-'));
    file = join(tmp, 'crash-bundle.json');
    writeFileSync(file, JSON.stringify(crashBundle()));
  }, 60_000);

  afterAll(async () => {
    await graph?.close().catch(() => {});
    if (home) {
      await stopLocalNeo4j(home).catch(() => {});
      rmSync(home, { recursive: true, force: true });
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('leaves nothing of the bundle visible after the restart; a re-run completes it', async () => {
    // --- a Neo4j with two objects already visible ------------------------------------------------
    const first = await start();
    services = await connect(first);
    const seeded = await services.stixImport.importBundle(
      { type: 'bundle', id: id('bundle', 2, 0xc7a5), objects: [EXISTING_CAMPAIGN, EXISTING_INDICATOR] },
      { viewer },
    );
    expect(seeded).toMatchObject({ created: 2, errors: [] });
    expect(await services.explore.countObjects(null, { viewer })).toBe(2);

    const pid = Number(readFileSync(join(home, 'pid'), 'utf8').trim());
    expect(pid).toBe(first.pid);
    expect(isAlive(pid)).toBe(true);

    // --- the crash: SIGKILL once the first batch is committed, while the next one is in flight ----
    const phases: string[] = [];
    let killedAfter = -1;
    const crashing = services.stixImport.importFile(file, {
      viewer,
      ...STAGING,
      // Stream the file as the CLI does for big inputs.
      readLimits: { inMemoryMaxBytes: 1_000 },
      onProgress: (p) => {
        phases.push(p.phase);
        if (p.phase === 'write' && killedAfter < 0) {
          killedAfter = p.done;
          // Next tick: the following batch has already gone to Neo4j.
          setTimeout(() => process.kill(pid, 'SIGKILL'), 0);
        }
      },
    });
    await expect(crashing).rejects.toThrow();
    expect(killedAfter).toBeGreaterThan(0);
    expect(phases).not.toContain('commit');
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(pid)).toBe(false);
    await graph!.close().catch(() => {});

    // --- restart on the same store: readers see nothing of the bundle ------------------------------
    const second = await start();
    expect(second.started).toBe(true);
    expect(second.pid).not.toBe(pid);
    services = await connect(second);

    // The kill really left a half-written import behind (invisible staged nodes, open marker)…
    const staged = Number((await graph!.read((tx) => tx.run(STAGED_NODES)))[0]?.staged);
    expect(staged).toBeGreaterThan(0);
    expect((await graph!.read((tx) => tx.run(IMPORT_MARKERS, { bundleId: BUNDLE_ID }))).map((m) => m.status)).toEqual([
      'staged',
    ]);
    // …and none of it shows through the read service of the API.
    expect(await services.explore.countObjects(null, { viewer })).toBe(2);
    const sample = [indicator(1).id, campaign(1).id, relationship(1, '', '').id, relationship(900_000, '', '').id];
    expect(await services.explore.getObjects(sample, { viewer })).toEqual([]);
    expect((await services.explore.search({ text: 'crash', first: 10 }, { viewer })).items.map((o) => o.name)).toEqual([]);
    const existing = await services.explore.getObjects([EXISTING_CAMPAIGN.id], { viewer });
    expect(existing.map((o) => [o.name, Date.parse(o.modified ?? '')])).toEqual([['seeded campaign', Date.parse(T0)]]);
    const edges = await services.explore.relationships({ id: EXISTING_CAMPAIGN.id, direction: 'BOTH' }, { viewer });
    expect(edges.items).toEqual([]);
    const around = await services.explore.neighborhood({ ids: [EXISTING_INDICATOR.id], depth: 2 }, { viewer });
    expect(around.nodes.map((n) => n.id)).toEqual([EXISTING_INDICATOR.id]);
    expect(around.edges).toEqual([]);

    // --- the re-run completes the import ---------------------------------------------------------
    const rerun = await services.stixImport.importFile(file, { viewer, ...STAGING, readLimits: { inMemoryMaxBytes: 1_000 } });
    expect(rerun.errors).toEqual([]);
    expect(rerun).toMatchObject({ staged: true, objects: 3 * GROUPS + 3, created: 3 * GROUPS + 2, updated: 1, unchanged: 0, rejected: 0 });
    expect(await services.explore.countObjects(null, { viewer })).toBe(3 * GROUPS + 4);
    expect(Number((await graph!.read((tx) => tx.run(STAGED_NODES)))[0]?.staged)).toBe(0);
    expect((await graph!.read((tx) => tx.run(IMPORT_MARKERS, { bundleId: BUNDLE_ID }))).map((m) => m.status)).toEqual([
      'failed',
      'committed',
    ]);
    const found = await services.explore.getObjects(sample, { viewer });
    expect(found.map((o) => o.id).sort()).toEqual([...sample].sort());
    expect((await services.explore.getObjects([EXISTING_CAMPAIGN.id], { viewer }))[0]?.name).toBe('updated by the import');
    // The relationship into an existing object that was in the killed batch is there (once).
    const after = await services.explore.relationships({ id: EXISTING_CAMPAIGN.id, direction: 'BOTH', first: 50 }, { viewer });
    expect(after.items.filter((e) => e.id === relationship(900_001, '', '').id)).toHaveLength(1);
    expect(await services.explore.countSearch({ text: 'crash', types: ['indicator'] }, { viewer })).toBe(GROUPS);

    // A second re-run changes nothing.
    const again = await services.stixImport.importFile(file, { viewer, ...STAGING });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3 * GROUPS + 3, errors: [] });
    crashed = true;
  }, 600_000);

  /*
   * The typed edge of a relationship SRO whose two ends are already visible lies between two visible
   * nodes; cleaning up an unfinished or refused staged import must delete it with the staged SRO.
   */
  it('after the re-run, a relationship between two already visible objects shows once', async () => {
    expect(crashed).toBe(true);
    const edges = await services.explore.relationships({ id: EXISTING_CAMPAIGN.id, direction: 'BOTH', first: 50 }, { viewer });
    const ids = edges.items.map((e) => e.id).sort();
    expect(ids).toEqual([relationship(900_000, '', '').id, relationship(900_001, '', '').id].sort());
  });

  it('a staged import refused late leaves no edge between already visible objects', async () => {
    const a = { ...campaign(800_000), name: 'refusal end a' };
    const b = { ...campaign(800_001), name: 'refusal end b' };
    const setup = await services.stixImport.importBundle({ type: 'bundle', id: id('bundle', 3, 0xc7a5), objects: [a, b] }, { viewer });
    expect(setup).toMatchObject({ created: 2, errors: [] });
    const rel = sdo('relationship', 800_002, 3, { relationship_type: 'related-to', source_ref: a.id, target_ref: b.id });
    const objects: Record<string, unknown>[] = [rel];
    for (let n = 1; n <= 1_200; n++) objects.push(campaign(700_000 + n));
    objects.push({ ...campaign(799_999), created: 'never' });
    const before = await services.explore.countObjects(null, { viewer });
    const refused = await services.stixImport.importBundle({ type: 'bundle', id: id('bundle', 4, 0xc7a5), objects }, { viewer, ...STAGING });
    expect(refused).toMatchObject({ staged: true, created: 0, rejected: objects.length });
    expect(refused.errors.map((e) => e.path)).toEqual([`objects[${objects.length - 1}].created`]);
    expect(await services.explore.countObjects(null, { viewer })).toBe(before);
    const edges = await services.explore.relationships({ id: a.id, direction: 'BOTH' }, { viewer });
    expect(edges.items).toEqual([]);
  });
});
