/**
 * `npm run bench:read-path` — where a point read's time goes. One connection, sequential reads of
 * random ATT&CK objects by id, each variant N times (default 2 000), p50 / p95 in milliseconds:
 *
 *   bolt-return-1      `RETURN 1` in an auto-commit transaction: the floor of one round trip
 *   bolt-id-only       MATCH by id, RETURN n.id (auto-commit): + index seek
 *   bolt-full          MATCH by id, RETURN n {.*} (auto-commit): + properties on the wire
 *   managed-full       the same in a managed read transaction (executeRead): + BEGIN/COMMIT
 *   graph-module       our graph module's read() with the explorer's OBJECTS_BY_IDS (visibility
 *                      filter, mapping to plain values, a pooled session per query)
 *   server-side        Neo4j's own time for that query (result summary: available + consumed)
 *
 * Next to each variant: this process's CPU time per read (process.cpuUsage: every thread, so the
 * driver, the GC and libuv), to tell time spent in Node from time spent waiting on Neo4j.
 *
 * Database: its own local Neo4j in .data/neo4j-bench-read (port BENCH_READ_BOLT_PORT, default
 * 7799), ATT&CK Enterprise imported once from ../shared/corpus; or NEO4J_URI (must hold ATT&CK).
 * The variants take turns in 3 rounds, so drift hits them alike. Prints figures; not a test.
 */
import { resolve } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { startLocalNeo4j } from '../launcher/index';
import { createGraph } from '../api/src/graph/driver';
import { ALL_NEIGHBORHOOD_FIELDS, objectsByIds } from '../api/src/graph/explore.repository';
import { NEIGHBORHOOD } from '../api/src/graph/explore.queries';
import { EXPLORE_LIMITS } from '../api/src/services/explore.service';
import { cypher } from '../api/src/graph/cypher';
import { applyMigrations } from '../api/src/graph/migrations';
import { createLogger } from '../api/src/logger';
import { createServices } from '../api/src/services';
import { SYSTEM_VIEWER } from '../api/src/services/viewer';

const ATTACK = resolve(import.meta.dirname, '../../shared/corpus/attack/enterprise-attack-18.1.stix20.json');
const N = Number(process.argv[process.argv.indexOf('--n') + 1]) || 3000;
const ROUNDS = 3;
const IDS = cypher('bench-read-ids', 'READ', 'MATCH (n:AttackPattern) RETURN n.id AS id LIMIT 2000');

function figures(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `p50 ${at(0.5).toFixed(2)} ms  p95 ${at(0.95).toFixed(2)} ms  (${s.length} reads)`;
}

type Variant = [label: string, work: (id: string) => Promise<unknown>];

/** Every variant in turn, ROUNDS times (so drift and warm-up hit them alike), N reads each in all. */
async function measure(ids: string[], variants: Variant[]): Promise<void> {
  const samples = new Map<string, number[]>(variants.map(([label]) => [label, []]));
  const cpu = new Map<string, number>(variants.map(([label]) => [label, 0]));
  for (const [, work] of variants) for (let i = 0; i < 200; i++) await work(ids[i % ids.length]!); // plans cached, JIT warm
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, work] of variants) {
      const before = process.cpuUsage();
      for (let i = 0; i < N / ROUNDS; i++) {
        const id = ids[(i * 7919 + round) % ids.length]!;
        const t = performance.now();
        await work(id);
        samples.get(label)!.push(performance.now() - t);
      }
      const used = process.cpuUsage(before);
      cpu.set(label, cpu.get(label)! + (used.user + used.system) / 1000);
    }
  }
  for (const [label] of variants) {
    const reads = samples.get(label)!;
    console.log(`${label.padEnd(16)} ${figures(reads)}  Node CPU ${(cpu.get(label)! / reads.length).toFixed(2)} ms/read`);
  }
}

async function main() {
  let uri = process.env.NEO4J_URI;
  let user = process.env.NEO4J_USER || 'neo4j';
  let password = process.env.NEO4J_PASSWORD || '';
  let stop = async () => {};
  if (!uri) {
    const handle = await startLocalNeo4j({
      home: resolve('.data', 'neo4j-bench-read'),
      boltPort: Number(process.env.BENCH_READ_BOLT_PORT || 7799),
      attached: true,
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    ({ uri, user, password } = handle);
    stop = () => handle.stop();
  }
  const graph = createGraph({ uri, user, password, database: 'neo4j', queryTimeoutMs: 30_000 });
  await applyMigrations(graph);
  let ids = (await graph.read((tx) => tx.run(IDS))).map((r) => String(r.id));
  if (ids.length === 0) {
    const services = createServices({ graph, logger: createLogger('warn') });
    await services.stixImport.importFile(ATTACK, { viewer: SYSTEM_VIEWER });
    ids = (await graph.read((tx) => tx.run(IDS))).map((r) => String(r.id));
  }
  const driver: Driver = neo4j.driver(uri, neo4j.auth.basic(user, password), { notificationFilter: { minimumSeverityLevel: 'OFF' } });
  const session = driver.session({ database: 'neo4j', defaultAccessMode: neo4j.session.READ });
  const serverSide: number[] = [];
  try {
    if (process.argv.includes('--plan')) {
      await neighbourhoodPlan(session);
      return;
    }
    const full = 'MATCH (n:StixObject {id: $id}) RETURN n {.*} AS node';
    await measure(ids, [
      ['bolt-return-1', () => session.run('RETURN 1 AS one')],
      ['bolt-id-only', (id) => session.run('MATCH (n:StixObject {id: $id}) RETURN n.id AS id', { id })],
      ['bolt-full', (id) => session.run(full, { id })],
      ['managed-full', (id) => session.executeRead((tx) => tx.run(full, { id }))],
      ['graph-module', (id) => graph.read((tx) => objectsByIds(tx, [id], 4))],
    ]);
    for (let i = 0; i < 500; i++) {
      const result = await session.run('MATCH (n:StixObject {id: $id}) RETURN n {.*} AS node', { id: ids[i % ids.length] });
      const { resultAvailableAfter, resultConsumedAfter } = result.summary;
      serverSide.push(Number(resultAvailableAfter) + Number(resultConsumedAfter));
    }
    console.log(`${'server-side'.padEnd(16)} ${figures(serverSide)}`);
  } finally {
    await session.close();
    await driver.close();
    await graph.close();
    await stop();
  }
}

interface PlanNode {
  operatorType: string;
  dbHits: number;
  rows: number;
  arguments: Record<string, unknown>;
  children: PlanNode[];
}

/**
 * `--plan`: PROFILE of the 2-hop neighbourhood query the API runs (APT28, limit 500, every field),
 * operator by operator with its db hits and rows, and Neo4j's own time. What each part costs is
 * read from here (docs/api.md, "Speed").
 */
async function neighbourhoodPlan(session: ReturnType<Driver['session']>): Promise<void> {
  const [apt28] = (await session.run("MATCH (n:StixObject) WHERE 'G0007' IN n.external_ids RETURN n.id AS id")).records.map((r) => String(r.get('id')));
  if (!apt28) throw new Error('APT28 (G0007) is not in the graph');
  const query = NEIGHBORHOOD.get('2')!;
  const params = {
    ids: [apt28], types: null, relationshipTypes: null, limit: 500, maxEdges: EXPLORE_LIMITS.maxNeighborhoodEdges, maxRank: 4, ...ALL_NEIGHBORHOOD_FIELDS,
  };
  for (let i = 0; i < 20; i++) await session.run(query.text, params); // plan cached, pages warm
  const result = await session.run(`PROFILE ${query.text}`, params);
  const profile = result.summary.profile as unknown as PlanNode;
  let total = 0;
  const lines: string[] = [];
  const walk = (node: PlanNode, depth: number) => {
    total += node.dbHits;
    const details = String(node.arguments.Details ?? '').replace(/\s+/g, ' ').slice(0, 110);
    lines.push(`${String(node.dbHits).padStart(8)} ${String(node.rows).padStart(7)}  ${'  '.repeat(depth)}${node.operatorType}  ${details}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(profile, 0);
  console.log(`PROFILE of the 2-hop neighbourhood of APT28 (limit 500): ${total} db hits, Neo4j time ${Number(result.summary.resultAvailableAfter) + Number(result.summary.resultConsumedAfter)} ms`);
  console.log(`${'db hits'.padStart(8)} ${'rows'.padStart(7)}  operator (leaves first read bottom-up)`);
  for (const line of lines) console.log(line);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
