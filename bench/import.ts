/**
 * `npm run bench:import` — STIX import speed and memory, side by side, on this machine:
 *   1. ATT&CK Enterprise 18.1 (STIX 2.0, 24,771 objects) into an empty database: right after
 *      Neo4j started (cold JVM), then `--warm N` (default 5) more times into the emptied database
 *      (warm JVM; every run printed, the median compared); then (local Neo4j only) Neo4j restarted,
 *      the start-up warm-up of `npm start` run (services/warm-up.ts), and the first import timed;
 *   2. the same again (re-import: every object unchanged);
 *   3. the naive baseline through the same code path (one object per transaction: staged batches
 *      of 1), on the first N objects (`--naive N`, default 2000), reported as objects/s ratio;
 *   4. OASIS python `stix2.parse` of the same file (`--no-python` to skip), as a time ratio;
 *   5. optional `--synthetic N` (e.g. 1000000): a generated bundle of N objects, streamed;
 *   6. ATT&CK gzipped (a .json.gz is always streamed): the streaming reader on real data.
 *   7. tolerant mode (issue 13): ATT&CK clean and ATT&CK with 1 % of its objects corrupted at random
 *      (seeded; a third with a repairable bad URL, a third with `modified` before `created`, a
 *      third with an unreadable `created`, which is quarantined), each into an empty database,
 *      alternated `--tolerant-runs N` times (default 3): the times side by side and the fates.
 * `--only-streaming` runs phases 5 and 6 alone (the streaming reader's figures); `--only-tolerant`
 * runs phase 7 alone.
 * Each phase runs in its own child process so "peak RSS" (getrusage maxrss) is that phase's.
 *
 * Database: its own local Neo4j in .data/neo4j-bench (port BENCH_BOLT_PORT, default 7797),
 * wiped between phases. With NEO4J_URI set, BENCH_WIPE_OK=1 is required (it deletes everything).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalNeo4j } from '../launcher/index';
import { cypher } from '../api/src/graph/cypher';
import { createGraph, type Graph } from '../api/src/graph/driver';
import { applyMigrations, AWAIT_FULLTEXT } from '../api/src/graph/migrations';
import { createLogger } from '../api/src/logger';
import { createStixImportService, type ImportOptions } from '../api/src/services/stix-import.service';
import { SYSTEM_VIEWER } from '../api/src/services/viewer';
import { warmUpImports } from '../api/src/services/warm-up';
import { PYTHON } from '../test/support/python';

const ATTACK = resolve(import.meta.dirname, '../../shared/corpus/attack/enterprise-attack-18.1.stix20.json');
const SELF = fileURLToPath(import.meta.url);
const WIPE = cypher('bench-wipe', 'WRITE', 'MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted');

interface Target {
  uri: string;
  user: string;
  password: string;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function wipe(graph: Graph) {
  for (;;) {
    const [row] = await graph.write((tx) => tx.run(WIPE));
    if (!row || row.deleted === 0) break;
  }
}

/** One phase, in this (child) process; prints one JSON line. */
async function child(phase: string, target: Target) {
  const graph = createGraph({ ...target, database: process.env.NEO4J_DATABASE || 'neo4j', queryTimeoutMs: 900_000 });
  const service = createStixImportService({ graph, logger: createLogger('warn') });
  const opts: ImportOptions = { viewer: SYSTEM_VIEWER };
  let file = ATTACK;
  if (['empty', 'warmup-empty', 'naive', 'synthetic', 'stream', 'tolerant-clean', 'tolerant-corrupt'].includes(phase)) await wipe(graph);
  await applyMigrations(graph);
  // The full-text index is filled after each commit on Neo4j's own thread: let the previous
  // phase's (and the wipe's) indexing finish so it does not run inside this phase's timing.
  await graph.read((tx) => tx.run(cypher('bench-await-fulltext', 'READ', AWAIT_FULLTEXT)));
  // What `npm start` does in the background after starting its local Neo4j, in the same process
  // as the import that follows (as in the app: the JavaScript side is warm too).
  const warmUp = phase === 'warmup-empty' ? await warmUpImports({ graph, logger: createLogger('warn') }) : undefined;
  if (phase === 'naive') {
    const n = Number(arg('--naive') ?? 2000);
    const bundle = JSON.parse(readFileSync(ATTACK, 'utf8')) as { objects: unknown[] };
    const subset = { ...bundle, objects: bundle.objects.slice(0, n) };
    const started = performance.now();
    const report = await service.importBundle(subset, { ...opts, singleTransactionMaxObjects: 0, batchSize: 1 });
    const ms = performance.now() - started;
    out({ phase, objects: report.objects, ms, transactions: report.stats.transactions, errors: report.errors.length });
    await graph.close();
    return;
  }
  if (phase === 'synthetic' || phase === 'stream' || phase === 'tolerant-corrupt') file = arg('--file')!;
  if (phase.startsWith('tolerant-')) opts.strict = false;
  const started = performance.now();
  const report = await service.importFile(file, opts);
  const ms = performance.now() - started;
  out({
    phase,
    ...(warmUp ? { warmUp } : {}),
    objects: report.objects,
    ms,
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    errors: report.errors.length,
    ...(phase.startsWith('tolerant-') ? { imported: report.imported, repaired: report.repaired, quarantined: report.quarantined } : {}),
    staged: report.staged,
    queries: report.stats.queries,
    maxRowsPerQuery: report.stats.maxRowsPerQuery,
    transactions: report.stats.transactions,
  });
  await graph.close();
}

function out(result: Record<string, unknown>) {
  process.stdout.write(`${JSON.stringify({ ...result, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

function runPhase(phase: string, target: Target, extra: string[] = []): Record<string, number | string | boolean> {
  const r = spawnSync(process.execPath, [...process.execArgv, SELF, '--child', phase, ...extra], {
    env: { ...process.env, BENCH_TARGET: JSON.stringify(target) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`phase ${phase} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number | string | boolean>;
}

/**
 * ATT&CK with `fraction` of its objects corrupted (seeded, so every run corrupts the same ones),
 * written to `path`; returns how many were corrupted of each kind.
 */
function writeCorrupted(path: string, fraction: number, seed = 13): { repairable: number; quarantinable: number } {
  const bundle = JSON.parse(readFileSync(ATTACK, 'utf8')) as { objects: Record<string, unknown>[] };
  let state = seed >>> 0;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const counts = { repairable: 0, quarantinable: 0 };
  bundle.objects = bundle.objects.map((o) => {
    if (o.type === 'marking-definition' || o.type === 'identity' || random() >= fraction) return o;
    const kind = Math.floor(random() * 3);
    if (kind === 0) {
      counts.repairable += 1;
      const refs = Array.isArray(o.external_references) ? o.external_references : [];
      return { ...o, external_references: [...refs, { source_name: 'bench', url: 'https://example.org/a report|v 2.pdf' }] };
    }
    if (kind === 1 && typeof o.created === 'string') {
      counts.repairable += 1;
      return { ...o, modified: '2000-01-01T00:00:00.000Z' };
    }
    counts.quarantinable += 1;
    return { ...o, created: 'not a timestamp' };
  });
  writeFileSync(path, JSON.stringify(bundle));
  return counts;
}

async function writeSynthetic(path: string, n: number) {
  const stream = createWriteStream(path);
  const write = (s: string) => (stream.write(s) ? Promise.resolve() : new Promise<void>((r) => stream.once('drain', () => r())));
  await write('{"type":"bundle","id":"bundle--5d0092c5-5f74-4a68-8c6f-0000000000b1","objects":[');
  for (let i = 0; i < n; i++) {
    const hex = i.toString(16).padStart(12, '0');
    await write(
      `${i ? ',' : ''}{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-${hex}",` +
        `"created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"synthetic ${i}",` +
        `"pattern":"[ipv4-addr:value = '10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}']","pattern_type":"stix",` +
        `"valid_from":"2024-01-01T00:00:00Z"}`,
    );
  }
  await write(']}');
  await new Promise<void>((r) => stream.end(() => r()));
}

function pythonParse(): number | string {
  const script = `import stix2, time, sys
t = time.perf_counter()
stix2.parse(open(sys.argv[1]).read(), allow_custom=True)
print(time.perf_counter() - t)`;
  const r = spawnSync(PYTHON, ['-c', script, ATTACK], { encoding: 'utf8', timeout: 30 * 60_000 });
  if (r.status !== 0) return `failed: ${(r.stderr || String(r.error)).trim().split('\n').at(-1)}`;
  return Number(r.stdout.trim()) * 1000;
}

async function main() {
  if (process.argv.includes('--child')) {
    await child(process.argv[process.argv.indexOf('--child') + 1]!, JSON.parse(process.env.BENCH_TARGET!) as Target);
    return;
  }
  if (!existsSync(ATTACK)) throw new Error(`${ATTACK} is missing (../shared/corpus)`);
  let target: Target;
  let stop = async () => {};
  let restart: (() => Promise<void>) | null = null;
  if (process.env.NEO4J_URI) {
    if (process.env.BENCH_WIPE_OK !== '1') throw new Error('NEO4J_URI is set: the bench wipes the database; set BENCH_WIPE_OK=1 to confirm');
    target = { uri: process.env.NEO4J_URI, user: process.env.NEO4J_USER || 'neo4j', password: process.env.NEO4J_PASSWORD || '' };
  } else {
    const start = () =>
      startLocalNeo4j({
        home: resolve('.data/neo4j-bench'),
        boltPort: Number(process.env.BENCH_BOLT_PORT || 7797),
        attached: true,
        onProgress: (l) => process.stderr.write(`${l}\n`),
      });
    let handle = await start();
    target = { uri: handle.uri, user: handle.user, password: handle.password };
    stop = () => handle.stop();
    restart = async () => {
      await handle.stop();
      handle = await start();
    };
  }
  try {
    const say = (l: string) => process.stderr.write(`${l}\n`);
    const rate = (r: Record<string, unknown>) => Number(r.objects) / (Number(r.ms) / 1000);
    let synthetic: Record<string, unknown> | string = 'skipped (--synthetic N)';
    const n = Number(arg('--synthetic') ?? 0);
    const streaming = () => {
      if (n > 0) {
        say(`phase 5: synthetic ${n}-object bundle, streamed…`);
        const file = resolve('.data', `bench-synthetic-${n}.json`);
        synthetic = runPhase('synthetic', target, ['--file', file]);
      }
      say('phase 6: ATT&CK Enterprise gzipped (streamed) into an empty database…');
      const gz = resolve('.data', 'bench-attack.json.gz');
      if (!existsSync(gz)) writeFileSync(gz, gzipSync(readFileSync(ATTACK)));
      const r = runPhase('stream', target, ['--file', gz]);
      return { ...r, objectsPerSecond: Math.round(rate(r)) };
    };
    if (n > 0 && !existsSync(resolve('.data', `bench-synthetic-${n}.json`))) {
      await writeSynthetic(resolve('.data', `bench-synthetic-${n}.json`), n);
    }
    const tolerant = () => {
      const file = resolve('.data', 'bench-attack-corrupt-1pct.json');
      const corrupted = writeCorrupted(file, 0.01);
      const runs = Math.max(1, Number(arg('--tolerant-runs') ?? 3));
      const clean: Record<string, number | string | boolean>[] = [];
      const corrupt: Record<string, number | string | boolean>[] = [];
      for (let i = 1; i <= runs; i++) {
        say(`phase 7: tolerant ATT&CK, clean then 1 % corrupted, run ${i} of ${runs}…`);
        clean.push(runPhase('tolerant-clean', target));
        corrupt.push(runPhase('tolerant-corrupt', target, ['--file', file]));
      }
      const median = (rs: Record<string, number | string | boolean>[]) => [...rs].sort((a, b) => Number(a.ms) - Number(b.ms))[Math.floor((rs.length - 1) / 2)]!;
      const c = median(clean);
      const k = median(corrupt);
      return {
        corrupted,
        cleanRunsMs: clean.map((r) => Math.round(Number(r.ms))),
        corruptRunsMs: corrupt.map((r) => Math.round(Number(r.ms))),
        clean: c,
        corrupt: k,
        corruptOverCleanMedian: +(Number(k.ms) / Number(c.ms)).toFixed(3),
        everyCleanOneImported: Number(k.imported) === Number(k.objects) - corrupted.repairable - corrupted.quarantinable,
      };
    };
    if (process.argv.includes('--only-tolerant')) {
      process.stdout.write(`${JSON.stringify({ machine: `${(await import('node:os')).cpus().length} cores, node ${process.version}`, tolerant: tolerant() }, null, 2)}\n`);
      return;
    }
    if (process.argv.includes('--only-streaming')) {
      const attackStreamed = streaming();
      process.stdout.write(`${JSON.stringify({ machine: `${(await import('node:os')).cpus().length} cores, node ${process.version}`, synthetic, attackStreamed }, null, 2)}\n`);
      return;
    }
    // A freshly started Neo4j has not compiled (JIT) its write paths yet: the first big import
    // pays for it. Both figures are printed; the comparisons use the warm one, as a running
    // server would give.
    say('phase 1a: ATT&CK Enterprise into an empty database, Neo4j just started (cold JVM)…');
    const cold = runPhase('empty', target);
    // The JIT keeps improving over the next few imports: several warm runs, all printed, the
    // median is the figure compared below.
    const warmRuns = Math.max(1, Number(arg('--warm') ?? 5));
    const warm: Record<string, number | string | boolean>[] = [];
    for (let i = 1; i <= warmRuns; i++) {
      say(`phase 1b: the same again into an emptied database (warm JVM), run ${i} of ${warmRuns}…`);
      warm.push(runPhase('empty', target));
    }
    const byTime = [...warm].sort((a, b) => Number(a.ms) - Number(b.ms));
    const empty = byTime[Math.floor((byTime.length - 1) / 2)]!;
    let warmedUp: Record<string, unknown> | string = 'skipped (NEO4J_URI: the bench does not restart it)';
    if (restart) {
      say('phase 1c: Neo4j restarted, the start-up warm-up of `npm start`, then ATT&CK into an empty database…');
      await restart();
      const first = runPhase('warmup-empty', target);
      warmedUp = { ...first, objectsPerSecond: Math.round(rate(first)) };
    }
    say('phase 2: re-import…');
    const again = runPhase('reimport', target);
    say('phase 3: naive baseline (one object per transaction)…');
    const naive = runPhase('naive', target, ['--naive', arg('--naive') ?? '2000']);
    let python: number | string = 'skipped';
    if (!process.argv.includes('--no-python')) {
      say('phase 4: python stix2.parse…');
      python = pythonParse();
    }
    const attackStreamed = streaming();
    const tolerantRuns = tolerant();
    const summary = {
      machine: `${(await import('node:os')).cpus().length} cores, node ${process.version}`,
      attackEmptyColdJvm: { ...cold, objectsPerSecond: Math.round(rate(cold)) },
      attackEmptyWarmRunsMs: warm.map((r) => Math.round(Number(r.ms))),
      attackEmptyAfterStartUpWarmUp: warmedUp,
      attackEmpty: { ...empty, objectsPerSecond: Math.round(rate(empty)), note: `median of ${warmRuns} warm runs` },
      attackReimport: { ...again, objectsPerSecond: Math.round(rate(again)) },
      naive: { ...naive, objectsPerSecond: Math.round(rate(naive)), speedupOfOurs: +(rate(empty) / rate(naive)).toFixed(1) },
      pythonStix2Parse:
        typeof python === 'number'
          ? { ms: Math.round(python), ratioToOurImport: +(python / Number(empty.ms)).toFixed(2) }
          : python,
      synthetic,
      attackStreamed,
      tolerant: tolerantRuns,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await stop();
  }
}

await main();
