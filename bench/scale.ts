/**
 * `npm run bench:api -- --scale 100000,1000000` — how read cost grows with the size of the graph.
 *
 * Its own local Neo4j in .data/neo4j-bench-scale (port BENCH_SCALE_BOLT_PORT, default 7797),
 * emptied at start: ATT&CK Enterprise 18.1 (~25 k objects) and the reference case are imported,
 * the reads below are measured, then the graph is topped up with synthetic CTI to each size and
 * measured again. The synthetic objects hang off ATT&CK as a team's own intelligence would: per
 * 20 objects, 6 indicators, 6 observables (ipv4-addr, domain-name, file), 2 sightings of those
 * indicators and 6 relationships (`indicates` an ATT&CK group or malware, chosen with a skew so a
 * few groups — APT28 among them — collect many, and `related-to` an observable).
 *
 * Each read runs through the service layer the API uses (TLP filter, mapping; no HTTP), one
 * connection, sequentially: `rounds` times after a warm-up of all reads in turn (`--warm-up-s`, 20 s)
 * and 10 more calls of each; p50 / p95 in ms per size, then
 * the growth from the first size. Target (issue): no read more than 2x slower at 1 M than at 25 k.
 * Memory: AG_NEO4J_HEAP / AG_NEO4J_PAGECACHE (defaults here 3g / 2g). Prints figures; not a test.
 */
import { createWriteStream, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localNeo4jSettings, startLocalNeo4j } from '../launcher/index';
import { cypher } from '../api/src/graph/cypher';
import { createGraph } from '../api/src/graph/driver';
import { applyMigrations } from '../api/src/graph/migrations';
import { createLogger } from '../api/src/logger';
import { createServices } from '../api/src/services';
import { SYSTEM_VIEWER } from '../api/src/services/viewer';

const ATTACK = resolve(import.meta.dirname, '../../shared/corpus/attack/enterprise-attack-18.1.stix20.json');
const COUNT = cypher('bench-scale-count', 'READ', 'MATCH (n:StixObject) WHERE NOT n:Placeholder RETURN count(n) AS n');
const ACTORS = cypher(
  'bench-scale-actors',
  'READ',
  "MATCH (n:StixObject) WHERE n.type IN ['intrusion-set', 'malware'] AND NOT n:Placeholder RETURN n.id AS id, n.external_ids AS ext ORDER BY n.id",
);
const BY_EXTERNAL_ID = cypher('bench-scale-ext', 'READ', 'MATCH (n:StixObject) WHERE $id IN n.external_ids RETURN n.id AS id LIMIT 1');

const CHECKPOINT = cypher('bench-scale-checkpoint', 'WRITE', 'CALL db.checkpoint()');
const say = (line: string) => process.stderr.write(`${line}\n`);

function sizesFromArgs(): number[] {
  const i = process.argv.indexOf('--scale');
  return (process.argv[i + 1] ?? '100000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n) && n > 0)
    .sort((a, b) => a - b);
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

/** Streams `count` synthetic objects (starting at serial `from`) attached to `actors`, to a bundle file. */
async function writeSynthetic(path: string, from: number, count: number, actors: string[]): Promise<void> {
  const stream = createWriteStream(path);
  const write = (s: string) => (stream.write(s) ? Promise.resolve() : new Promise<void>((r) => stream.once('drain', () => r())));
  const T = '"created":"2025-06-01T00:00:00.000Z","modified":"2025-06-01T00:00:00.000Z"';
  const id = (type: string, n: number) => `${type}--00000000-5ca1-4000-8000-${n.toString(16).padStart(12, '0')}`;
  // Skewed choice of actor: squaring a uniform number favours the first actors of the list.
  let seed = 0x5ca1ab1e ^ from;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const actor = () => actors[Math.floor(random() ** 2 * actors.length)]!;
  await write(`{"type":"bundle","id":"bundle--00000000-5ca1-4000-8000-${from.toString(16).padStart(12, '0')}","objects":[`);
  let written = 0;
  const emit = async (json: string) => {
    await write(`${written++ ? ',' : ''}${json}`);
  };
  for (let block = from; written < count; block += 1) {
    for (let k = 0; k < 6 && written < count; k++) {
      const n = block * 6 + k;
      const ind = id('indicator', n);
      const a = n & 255;
      const b = (n >> 8) & 255;
      const c = (n >> 16) & 255;
      const obsType = k < 3 ? 'ipv4-addr' : k < 5 ? 'domain-name' : 'file';
      const obs = id(obsType, n);
      const obsValue =
        obsType === 'ipv4-addr' ? `"value":"10.${c}.${b}.${a}"` : obsType === 'domain-name' ? `"value":"host-${n}.example.net"` : `"name":"dropper-${n}.exe","hashes":{"SHA-256":"${n.toString(16).padStart(64, '0')}"}`;
      const pattern =
        obsType === 'ipv4-addr' ? `[ipv4-addr:value = '10.${c}.${b}.${a}']` : obsType === 'domain-name' ? `[domain-name:value = 'host-${n}.example.net']` : `[file:name = 'dropper-${n}.exe']`;
      await emit(`{"type":"indicator","spec_version":"2.1","id":"${ind}",${T},"name":"synthetic indicator ${n}","indicator_types":["malicious-activity"],"pattern":"${pattern}","pattern_type":"stix","valid_from":"2025-06-01T00:00:00Z"}`);
      if (written < count) await emit(`{"type":"${obsType}","spec_version":"2.1","id":"${obs}",${obsValue}}`);
      if (written < count) await emit(`{"type":"relationship","spec_version":"2.1","id":"${id('relationship', 2 * n)}",${T},"relationship_type":"indicates","source_ref":"${ind}","target_ref":"${actor()}"}`);
      if (written < count) await emit(`{"type":"relationship","spec_version":"2.1","id":"${id('relationship', 2 * n + 1)}",${T},"relationship_type":"related-to","source_ref":"${ind}","target_ref":"${obs}"}`);
      if (k < 2 && written < count) {
        await emit(`{"type":"sighting","spec_version":"2.1","id":"${id('sighting', n)}",${T},"sighting_of_ref":"${ind}","count":${1 + (n % 7)},"first_seen":"2025-06-01T00:00:00Z","last_seen":"2025-06-02T00:00:00Z"}`);
      }
    }
  }
  await write(']}');
  await new Promise<void>((r) => stream.end(() => r()));
}

/** Bytes under `path` (the store: what the page cache should hold). */
function sizeOf(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? sizeOf(full) : statSync(full).size;
  }
  return total;
}

export async function runScale(): Promise<void> {
  const sizes = sizesFromArgs();
  const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 100;
  const warmUpMs = Number(process.argv[process.argv.indexOf('--warm-up-s') + 1]) * 1000 || 20_000;
  const home = resolve('.data/neo4j-bench-scale');
  rmSync(home, { recursive: true, force: true });
  const memory = localNeo4jSettings(process.env, { heap: '3g', pageCache: '2g' });
  const handle = await startLocalNeo4j({
    home,
    boltPort: Number(process.env.BENCH_SCALE_BOLT_PORT || 7797),
    attached: true,
    settings: memory,
    onProgress: say,
  });
  const graph = createGraph({ ...handle, database: 'neo4j', queryTimeoutMs: 900_000 });
  try {
    await applyMigrations(graph);
    const services = createServices({ graph, logger: createLogger('warn') });
    await services.auth.ensureSchema();
    await services.cases.ensureSchema();
    say('importing ATT&CK Enterprise 18.1 and the reference case…');
    await services.stixImport.importFile(ATTACK, { viewer: SYSTEM_VIEWER });
    const seed = await services.seed.loadReferenceCase();
    if (!seed.loaded) throw new Error(`reference case not loaded: ${seed.reason}`);
    const incidentId = String(seed.incidentId);
    const [apt28] = await graph.read((tx) => tx.run(BY_EXTERNAL_ID, { id: 'G0007' }));
    const [t1078] = await graph.read((tx) => tx.run(BY_EXTERNAL_ID, { id: 'T1078' }));
    const actorRows = await graph.read((tx) => tx.run(ACTORS));
    // APT28 first, so the skew makes it one of the hubs the 2-hop neighbourhood has to cope with.
    const actors = [String(apt28!.id), ...actorRows.map((r) => String(r.id)).filter((id) => id !== apt28!.id)];
    const viewer = SYSTEM_VIEWER;
    const reads: [string, number, () => Promise<unknown>][] = [
      ['stixObject by id', rounds, () => services.explore.getObjects([String(t1078!.id)], { viewer })],
      ['search (20)', rounds, () => services.explore.search({ text: 'credential dumping', first: 20 }, { viewer })],
      ['2-hop (500) APT28', Math.max(10, rounds / 5), () => services.explore.neighborhood({ ids: [String(apt28!.id)], depth: 2, limit: 500 }, { viewer })],
      ['incident assessment', Math.max(10, rounds / 5), () => services.assessment.assess(incidentId, { viewer })],
      ['incident export, depth 2', Math.max(5, rounds / 10), () => services.stixExport.exportBundle({ incidentId, depth: 2, viewer })],
    ];
    const table = new Map<string, { size: number; p50: number; p95: number }[]>();
    const measureAt = async () => {
      const [row] = await graph.read((tx) => tx.run(COUNT));
      const size = Number(row?.n ?? 0);
      // A checkpoint first: right after an import most of the store is still in the transaction logs.
      await graph.write((tx) => tx.run(CHECKPOINT));
      const store = join(home, 'db', 'data', 'databases', 'neo4j');
      say(`  ${size} objects: store ${(sizeOf(store) / 2 ** 20).toFixed(0)} MiB (${store}, indexes included), Neo4j heap ${memory.heap}, page cache ${memory.pageCache}`);
      // Warm-up by time, all reads in turn: right after an import the JVM's JIT and Neo4j's query
      // plans are cold, and 10 calls per read were not enough (the first size then read slower
      // than the bigger ones: a harness effect, not a cost of size).
      const warmUntil = performance.now() + warmUpMs;
      while (performance.now() < warmUntil) for (const [, , work] of reads) await work();
      for (const [name, count, work] of reads) {
        for (let i = 0; i < 10; i++) await work();
        const samples: number[] = [];
        for (let i = 0; i < count; i++) {
          const t = performance.now();
          await work();
          samples.push(performance.now() - t);
        }
        const figures = { size, ...stats(samples) };
        table.set(name, [...(table.get(name) ?? []), figures]);
        say(`  ${size} objects  ${name.padEnd(26)} p50 ${figures.p50.toFixed(1)} ms  p95 ${figures.p95.toFixed(1)} ms`);
      }
      return size;
    };
    let size = await measureAt();
    let serial = 0;
    for (const target of sizes) {
      if (target <= size) continue;
      const file = join(tmpdir(), `ag-scale-${process.pid}.json`);
      const count = target - size;
      say(`adding ${count} synthetic objects…`);
      await writeSynthetic(file, serial, count, actors);
      serial += Math.ceil(count / 20) + 1;
      const started = performance.now();
      const report = await services.stixImport.importFile(file, { viewer: SYSTEM_VIEWER });
      rmSync(file, { force: true });
      say(`  imported ${report.created} in ${((performance.now() - started) / 1000).toFixed(0)} s (${report.errors.length} errors)`);
      if (report.errors.length > 0) throw new Error(`synthetic import refused: ${JSON.stringify(report.errors.slice(0, 3))}`);
      size = await measureAt();
    }
    const first = (name: string) => table.get(name)![0]!;
    const lines = [`\n${'read'.padEnd(26)} ${'objects'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p50 x'.padStart(7)} ${'p95 x'.padStart(7)}`];
    for (const [name, rows] of table) {
      for (const r of rows) {
        lines.push(
          `${name.padEnd(26)} ${String(r.size).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${(r.p50 / first(name).p50).toFixed(2).padStart(7)} ${(r.p95 / first(name).p95).toFixed(2).padStart(7)}`,
        );
      }
    }
    lines.push(`\n(x: relative to ${first(reads[0]![0]).size} objects; target ≤ 2x at 1 M. Neo4j heap ${memory.heap}, page cache ${memory.pageCache})`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await graph.close();
    await handle.stop();
  }
}
