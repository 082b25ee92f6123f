/**
 * `npm run bench:api` — latency and throughput of the GraphQL API with ATT&CK Enterprise loaded,
 * side by side with the same Cypher sent directly through neo4j-driver (our graph module, no
 * HTTP, no GraphQL): p50 / p95 / p99 and requests per second, and the API overhead as a ratio.
 *
 *   stixObject(id)                    one object by id, with raw JSON
 *   search(text)                      full-text search, first page of 20
 *   neighborhood(depth: 2, limit: 500) around APT28 (G0007)
 *   candidateActors(first: 20)        ranks every ATT&CK group and campaign for a bench incident
 *                                     that uses 5 of APT28's techniques and 1 of its software
 *                                     (the "driver" row is the candidate service in-process)
 *
 * `--cases a,b` runs only the cases whose names start with one of those words (e.g.
 * `--cases candidates`).
 * Then a full pull of every object over TAXII 2.1 (/taxii2/, pages of 1 000) by `taxii2-client`
 * (the project's Python, test/support/python.ts) and by our own client (services/taxii-remote.ts,
 * fetch only), side by side with the same objects read through GraphQL `objects` (pages of 500,
 * its maximum): objects per second and the per-page p95 as the client sees it on loopback.
 * `--only taxii` runs that part alone.
 *
 * The load generator is autocannon on loopback with `--connections` (default 8) for
 * `--duration` seconds (default 10) per case, against the app in a child process (so the load
 * generator does not share its event loop); the direct runs use the same concurrency.
 * Database: its own local Neo4j in .data/neo4j-bench-api (port BENCH_API_BOLT_PORT, default 7798),
 * where ATT&CK is imported once through the import service; or NEO4J_URI if set (it then must
 * already hold ATT&CK, or BENCH_IMPORT_OK=1 lets the bench import it). Prints figures; not a test.
 * Runs with NODE_ENV=production unless set otherwise (./production-env.ts, as the Docker image).
 * `--cpu-prof DIR` runs the API process under V8's profiler and prints where its CPU went (self
 * time per package and per function, bench/cpu-profile.ts; the TAXII part is skipped).
 * `--scale 100000,1000000` measures instead how reads grow with the size of the graph (bench/scale.ts).
 */
import './production-env';
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { localNeo4jSettings, startLocalNeo4j } from '../launcher/index';
import { createApp } from '../api/src/app';
import { cypher } from '../api/src/graph/cypher';
import { createGraph } from '../api/src/graph/driver';
import { objectsByIds, neighborhood, searchObjects } from '../api/src/graph/explore.repository';
import { applyMigrations } from '../api/src/graph/migrations';
import { createLogger } from '../api/src/logger';
import { createServices } from '../api/src/services';
import { EXPLORE_LIMITS, luceneQuery } from '../api/src/services/explore.service';
import { SYSTEM_VIEWER } from '../api/src/services/viewer';
import { neighborhoodFieldsOf } from '../api/src/modules/explore/selection';
import { Kind, parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_COLLECTION_ID } from '../api/src/services/taxii.service';
import { taxiiRemote } from '../api/src/services/taxii-remote';
import { runPython } from '../test/support/python';

const ATTACK = resolve(import.meta.dirname, '../../shared/corpus/attack/enterprise-attack-18.1.stix20.json');
const COUNT_ATTACK = cypher('bench-count-attack', 'READ', "MATCH (n:AttackPattern) RETURN count(n) AS n");
const FIND_BY_EXTERNAL_ID = cypher(
  'bench-find-external-id',
  'READ',
  'MATCH (n:StixObject) WHERE $id IN n.external_ids AND NOT n:Staged RETURN n.id AS id LIMIT 1',
);

const BENCH_INCIDENT = 'incident--0b0e0c4a-0000-4000-8000-00000000be01';
const SAMPLE_OF_GROUP = cypher(
  'bench-sample-of-group',
  'READ',
  `MATCH (g:StixObject {id: $id})-[:USES]->(x:StixObject)
   WHERE x.type IN ['attack-pattern', 'malware', 'tool'] AND NOT coalesce(x.revoked, false)
   WITH x ORDER BY x.id
   WITH collect(x) AS xs
   RETURN [x IN xs WHERE x.type = 'attack-pattern' | x.id][..5] + [x IN xs WHERE x.type <> 'attack-pattern' | x.id][..1] AS ids`,
);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const CONNECTIONS = arg('--connections', 8);
/** `--cpu-prof DIR`: profile the API process (the server child) and summarise where its CPU went. */
const PROFILE_DIR = process.argv.includes('--cpu-prof') ? resolve(process.argv[process.argv.indexOf('--cpu-prof') + 1] ?? 'bench-profiles') : null;
const DURATION = arg('--duration', 10);

interface Figures {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The same work, `CONNECTIONS` loops in parallel for `DURATION` seconds, straight through the driver. */
async function direct(work: () => Promise<unknown>): Promise<Figures> {
  const latencies: number[] = [];
  let errors = 0;
  for (let i = 0; i < 20; i++) await work(); // warm-up
  const end = performance.now() + DURATION * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await work();
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), rps: latencies.length / seconds, errors };
}

async function viaApi(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Figures> {
  const body = JSON.stringify({ query, variables });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  // Check the answer once (and warm up).
  const check = await fetch(url, { method: 'POST', headers, body });
  const json = (await check.json()) as { errors?: unknown };
  if (json.errors) throw new Error(`query failed: ${JSON.stringify(json.errors)}`);
  await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, amount: 200 });
  const result = await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: DURATION });
  return {
    p50: result.latency.p50,
    p95: (result.latency as unknown as Record<string, number>).p95 ?? result.latency.p97_5,
    p99: result.latency.p99,
    rps: result.requests.average,
    errors: result.errors + result.non2xx,
  };
}

async function main() {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  let target: { uri: string; user: string; password: string };
  if (process.env.NEO4J_URI) {
    target = { uri: process.env.NEO4J_URI, user: process.env.NEO4J_USER || 'neo4j', password: process.env.NEO4J_PASSWORD || '' };
  } else {
    const handle = await startLocalNeo4j({
      home: resolve('.data/neo4j-bench-api'),
      boltPort: Number(process.env.BENCH_API_BOLT_PORT || 7798),
      attached: true,
      settings: localNeo4jSettings(process.env, { heap: '2g', pageCache: '1g' }),
      onProgress: say,
    });
    target = handle;
    process.on('exit', () => void handle.stop());
  }
  const graph = createGraph({ ...target, database: process.env.NEO4J_DATABASE || 'neo4j', queryTimeoutMs: 900_000 });
  await applyMigrations(graph);
  const logger = createLogger('warn');
  const services = createServices({ graph, logger });
  await services.auth.ensureSchema();
  await services.taxii.ensureSchema();
  const [count] = await graph.read((tx) => tx.run(COUNT_ATTACK));
  if (Number(count?.n ?? 0) === 0) {
    if (process.env.NEO4J_URI && process.env.BENCH_IMPORT_OK !== '1') throw new Error('NEO4J_URI holds no ATT&CK; set BENCH_IMPORT_OK=1 to import it');
    say('importing ATT&CK Enterprise 18.1 through the import service (once)…');
    const report = await services.stixImport.importFile(ATTACK, { viewer: SYSTEM_VIEWER });
    say(`  ${report.created} objects in ${(report.stats.durationMs / 1000).toFixed(1)} s`);
  }
  const [apt28Row] = await graph.read((tx) => tx.run(FIND_BY_EXTERNAL_ID, { id: 'G0007' }));
  const [techRow] = await graph.read((tx) => tx.run(FIND_BY_EXTERNAL_ID, { id: 'T1078' }));
  const apt28 = String(apt28Row?.id);
  const technique = String(techRow?.id);
  const viewer = SYSTEM_VIEWER;
  // The candidates case: an incident that uses five of APT28's techniques and one of its software.
  const [sampleRow] = await graph.read((tx) => tx.run(SAMPLE_OF_GROUP, { id: apt28 }));
  const sampleIds = (sampleRow?.ids ?? []) as string[];
  const T0 = '2025-12-11T00:00:00.000Z';
  await services.stixImport.importBundle(
    {
      type: 'bundle',
      id: 'bundle--0b0e0c4a-0000-4000-8000-00000000be01',
      objects: [
        { type: 'incident', spec_version: '2.1', id: BENCH_INCIDENT, created: T0, modified: T0, name: 'bench:api candidates incident' },
        ...sampleIds.map((target, i) => ({
          type: 'relationship', spec_version: '2.1', id: `relationship--0b0e0c4a-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
          created: T0, modified: T0, relationship_type: 'uses', source_ref: BENCH_INCIDENT, target_ref: target,
        })),
      ],
    },
    { viewer },
  );
  const token = (await services.auth.createToken({ name: `bench-${Date.now()}`, role: 'reader', clearance: 'RED' }, { viewer })).token;

  // The API runs in its own process, as deployed: the load generator (autocannon reads every
  // ~1 MB neighbourhood answer) must not share the server's event loop.
  const { url, stop: stopServer } = await startServerProcess(target);

  const searchText = 'credential dumping';
  const neighborhoodQuery =
    'query ($ids: [ID!]!) { neighborhood(ids: $ids, depth: 2, limit: 500) { nodes { id type name } edges { id type source target } truncated } }';
  const NEIGHBORHOOD_FIELDS_ASKED = neighborhoodFieldsOf(neighborhoodSelection(neighborhoodQuery));
  const lucene = luceneQuery(searchText)!;
  const only = (process.argv[process.argv.indexOf('--cases') + 1] ?? '').split(',').filter(Boolean);
  const allCases = [
    {
      name: 'stixObject',
      query: 'query ($id: ID!) { stixObject(id: $id) { id type name raw } }',
      variables: { id: technique },
      direct: () => graph.read((tx) => objectsByIds(tx, [technique], viewer.clearanceRank)),
    },
    {
      name: 'search (20)',
      query: 'query ($text: String!) { search(text: $text, first: 20) { edges { node { id type name } } pageInfo { hasNextPage endCursor } } }',
      variables: { text: searchText },
      direct: () => graph.read((tx) => searchObjects(tx, lucene, null, { skip: 0, limit: 21 }, viewer.clearanceRank)),
    },
    {
      name: 'neighborhood 2-hop (500)',
      query: neighborhoodQuery,
      variables: { ids: [apt28] },
      direct: () =>
        graph.read((tx) =>
          neighborhood(
            tx,
            {
              ids: [apt28],
              depth: 2,
              limit: 500,
              types: null,
              relationshipTypes: null,
              includeRefs: false,
              maxRank: viewer.clearanceRank,
              // What the GraphQL selection above reads (the resolver derives it the same way).
              fields: NEIGHBORHOOD_FIELDS_ASKED,
            },
            EXPLORE_LIMITS.maxNeighborhoodEdges,
          ),
        ),
    },
    {
      name: 'candidates (all groups)',
      query:
        'query ($id: ID!) { candidateActors(incidentId: $id, first: 20) { unknownProbability standsOut explanation candidates { rank score probability actor { id name } shared { object { id name } channel weight } missing { object { id } weight } } } }',
      variables: { id: BENCH_INCIDENT },
      direct: () => services.candidates.rank(BENCH_INCIDENT, viewer, { first: 20 }),
    },
  ];
  const cases = process.argv.includes('--cases') ? allCases.filter((c) => only.some((o) => c.name.startsWith(o))) : allCases;
  const ranking = await services.candidates.rank(BENCH_INCIDENT, viewer, { first: 3 });
  say(`candidates: ${ranking.actorsConsidered} actors, ${ranking.observed.length} observed; top: ${ranking.candidates.map((c) => `${c.actor.name} ${(c.probability * 100).toFixed(0)}%`).join(', ')}`);

  const sample = await services.explore.neighborhood({ ids: [apt28], depth: 2, limit: 500 }, { viewer });
  say(`neighbourhood of APT28: ${sample.nodes.length} nodes, ${sample.edges.length} edges, truncated ${sample.truncated}`);
  say(`load: ${CONNECTIONS} concurrent connections, ${DURATION} s per case, loopback, NODE_ENV=${process.env.NODE_ENV}\n`);

  if (process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === 'taxii') {
    await taxiiBench(url.replace(/\/graphql$/, ''), token, say);
    await stopServer();
    await graph.close();
    process.exit(0);
  }
  const rows: string[] = [];
  const fmt = (n: number) => n.toFixed(1).padStart(7);
  rows.push(
    `${'case'.padEnd(26)} ${'path'.padEnd(7)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'req/s'.padStart(8)} errors`,
  );
  for (const c of cases) {
    const driverFigures = await direct(c.direct);
    const apiFigures = await viaApi(url, token, c.query, c.variables);
    for (const [path, f] of [['driver', driverFigures], ['API', apiFigures]] as const) {
      rows.push(`${c.name.padEnd(26)} ${path.padEnd(7)} ${fmt(f.p50)} ${fmt(f.p95)} ${fmt(f.p99)} ${f.rps.toFixed(0).padStart(8)} ${f.errors}`);
    }
    rows.push(
      `${''.padEnd(26)} ${'ratio'.padEnd(7)} ${fmt(apiFigures.p50 / driverFigures.p50)} ${fmt(apiFigures.p95 / driverFigures.p95)} ${fmt(apiFigures.p99 / driverFigures.p99)} ${(driverFigures.rps / apiFigures.rps).toFixed(2).padStart(8)}  (API ÷ driver; req/s driver ÷ API)`,
    );
    process.stdout.write(`${rows.splice(0).join('\n')}\n`);
  }
  process.stdout.write('\nTargets: neighbourhood p95 ≤ 50 ms through the API; API overhead ≤ 1.5×; candidates p95 ≤ 100 ms through the API.\n');
  if (!PROFILE_DIR) await taxiiBench(url.replace(/\/graphql$/, ''), token, say);
  await stopServer();
  if (PROFILE_DIR) {
    const { summariseProfile } = await import('./cpu-profile');
    const { busyMs } = await import('./cpu-profile');
    // One profile per thread (tsx runs a loader thread); the API's is the newest main-thread one, the busiest.
    const profiles = readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(PROFILE_DIR, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs).slice(0, 4);
    const main = profiles.sort((a, b) => busyMs(b) - busyMs(a))[0];
    process.stdout.write(main ? `\n${summariseProfile(main, 25)}\n` : `\nno profile written in ${PROFILE_DIR}\n`);
  }
  await graph.close();
  process.exit(0);
}

const TAXII2CLIENT_PULL = String.raw`
import json, sys, time
from taxii2client.v21 import Collection, as_pages
url, token = sys.argv[1:3]
col = Collection(url, user="bench", password=token)
col.refresh()
times, count = [], 0
started = time.perf_counter()
t = time.perf_counter()
for env in as_pages(col.get_objects, per_request=1000):
    times.append((time.perf_counter() - t) * 1000)
    count += len(env.get("objects", []))
    t = time.perf_counter()
print(json.dumps({"objects": count, "seconds": time.perf_counter() - started, "pages": times}))
`;

interface PullFigures {
  objects: number;
  seconds: number;
  pages: number[];
}

/** Full pull of every object: taxii2-client, our client, GraphQL `objects`; objects/s and page p95. */
async function taxiiBench(base: string, token: string, say: (line: string) => void) {
  const collectionUrl = `${base}/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/`;
  const remote = taxiiRemote(`${base}/taxii2/api/`, { auth: { kind: 'bearer', token } });
  // The first TAXII read stamps date_added on every version not stamped yet (once per database).
  let t = performance.now();
  await remote.objectsPage(DEFAULT_COLLECTION_ID, new URLSearchParams({ limit: '1' }));
  say(`first TAXII read (stamps date_added where missing): ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const ours = async (): Promise<PullFigures> => {
    const pages: number[] = [];
    let objects = 0;
    let next: string | null = null;
    const started = performance.now();
    for (;;) {
      const params = new URLSearchParams({ limit: '1000' });
      if (next) params.set('next', next);
      t = performance.now();
      const page = await remote.objectsPage(DEFAULT_COLLECTION_ID, params);
      pages.push(performance.now() - t);
      objects += page.objects.length;
      if (!page.more || !page.next) break;
      next = page.next;
    }
    return { objects, seconds: (performance.now() - started) / 1000, pages };
  };
  const graphql = async (): Promise<PullFigures> => {
    const query = 'query ($after: String) { objects(first: 500, after: $after) { edges { node { id raw } } pageInfo { hasNextPage endCursor } } }';
    const pages: number[] = [];
    let objects = 0;
    let after: string | null = null;
    const started = performance.now();
    for (;;) {
      t = performance.now();
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: { after } }),
      });
      const body = (await response.json()) as { data?: { objects: { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }; errors?: unknown };
      if (!body.data) throw new Error(`GraphQL objects failed: ${JSON.stringify(body.errors)}`);
      pages.push(performance.now() - t);
      objects += body.data.objects.edges.length;
      if (!body.data.objects.pageInfo.hasNextPage) break;
      after = body.data.objects.pageInfo.endCursor;
    }
    return { objects, seconds: (performance.now() - started) / 1000, pages };
  };
  const python = async (): Promise<PullFigures> => {
    const out = JSON.parse(await runPython(TAXII2CLIENT_PULL, [collectionUrl, token])) as { objects: number; seconds: number; pages: number[] };
    return out;
  };

  const rows = [`${'full pull'.padEnd(34)} ${'objects'.padStart(8)} ${'seconds'.padStart(8)} ${'objects/s'.padStart(10)} ${'page p95 ms'.padStart(12)}`];
  for (const [name, run] of [
    ['TAXII, taxii2-client (1 000/page)', python],
    ['TAXII, our client (1 000/page)', ours],
    ['GraphQL objects (500/page)', graphql],
  ] as const) {
    const f = await run();
    const sorted = [...f.pages].sort((a, b) => a - b);
    rows.push(
      `${name.padEnd(34)} ${String(f.objects).padStart(8)} ${f.seconds.toFixed(1).padStart(8)} ${(f.objects / f.seconds).toFixed(0).padStart(10)} ${percentile(sorted, 95).toFixed(0).padStart(12)}`,
    );
    process.stdout.write(`${rows.splice(0).join('\n')}\n`);
  }
}

/** The `neighborhood` field of a one-field query, as the resolver's `info` would hold it. */
function neighborhoodSelection(query: string) {
  const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const field = operation?.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'neighborhood');
  if (!field) throw new Error('no neighborhood field in the bench query');
  return { fieldNodes: [field], fragments: {} };
}

/**
 * Forks this script with --serve: the app alone in a child process; resolves with its URL. With
 * `--cpu-prof DIR` the child runs under V8's profiler; `stop` then disconnects it so it exits
 * normally and writes its profile into DIR, and resolves once it has.
 */
function startServerProcess(target: { uri: string; user: string; password: string }): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    env: { ...process.env, BENCH_NEO4J_URI: target.uri, BENCH_NEO4J_USER: target.user, BENCH_NEO4J_PASSWORD: target.password },
    execArgv: PROFILE_DIR ? [...process.execArgv, '--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  process.on('exit', () => child.kill());
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode !== null) return;
    if (child.connected) child.disconnect();
    else child.kill();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  };
  return new Promise((resolvePromise, reject) => {
    child.once('message', (message) => {
      const port = (message as { port?: number }).port;
      if (typeof port === 'number') resolvePromise({ url: `http://127.0.0.1:${port}/graphql`, stop });
      else reject(new Error(`bench server: unexpected message ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

/** `--serve`: the API on a free loopback port; the port goes to the parent over IPC. */
async function serve() {
  const graph = createGraph({
    uri: process.env.BENCH_NEO4J_URI!,
    user: process.env.BENCH_NEO4J_USER!,
    password: process.env.BENCH_NEO4J_PASSWORD!,
    database: process.env.NEO4J_DATABASE || 'neo4j',
    queryTimeoutMs: 900_000,
  });
  const logger = createLogger('warn');
  const app = createApp({ services: createServices({ graph, logger }), logger });
  const server = createServer(app.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--scale')) {
  // `--scale 100000,1000000`: how reads grow with the graph (bench/scale.ts, its own Neo4j).
  import('./scale')
    .then(({ runScale }) => runScale())
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      process.stderr.write(`bench:api --scale failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
} else if (process.argv.includes('--serve')) {
  serve().catch((error: unknown) => {
    process.stderr.write(`bench:api server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:api failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

