/**
 * The app's life cycle as a user sees it, with the embedded default (a local Neo4j started by the
 * app itself, in its own data folder and ports so the shared test database is untouched):
 * it comes up, Ctrl-C/SIGTERM stops it and its Neo4j with no orphan JVM, and a killed app loses
 * nothing already committed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cypher } from '../../api/src/graph/cypher';
import { createGraph } from '../../api/src/graph/driver';
import { stopLocalNeo4j } from '../../launcher/index';

const dataDir = mkdtempSync(join(tmpdir(), 'ag-lifecycle-'));
const boltPort = 7790 + Math.floor(Math.random() * 100);
const children: ChildProcess[] = [];

interface Running {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

function startApp(): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/src/main.ts'], {
    env: {
      ...process.env,
      NEO4J_URI: '',
      NEO4J_PASSWORD: '',
      AG_DATA_DIR: dataDir,
      NEO4J_BOLT_PORT: String(boltPort),
      PORT: '0',
      AG_LOAD_SEED: 'false',
      AG_NEO4J_HEAP: '1g',
      AG_NEO4J_PAGECACHE: '256m',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /GraphQL\s+(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        resolve({ child, baseUrl: match[1], output: () => output });
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`app exited with ${code} before it was up:\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return predicate();
}

function neo4jPid(): number {
  return Number(readFileSync(join(dataDir, 'neo4j', 'pid'), 'utf8').trim());
}

const WRITE = cypher('lifecycle-write', 'WRITE', 'CREATE (:LifecycleProbe {value: $value})');
const SETTINGS = cypher(
  'lifecycle-settings',
  'READ',
  "SHOW SETTINGS YIELD name, value WHERE name IN ['db.transaction.timeout', 'db.lock.acquisition.timeout', 'db.tx_log.rotation.retention_policy'] RETURN name, value",
);
const READ = cypher('lifecycle-read', 'READ', 'MATCH (p:LifecycleProbe) RETURN p.value AS value ORDER BY value');

async function withLocalGraph<T>(work: (graph: ReturnType<typeof createGraph>) => Promise<T>): Promise<T> {
  const graph = createGraph({
    uri: `bolt://127.0.0.1:${boltPort}`,
    user: 'neo4j',
    password: readFileSync(join(dataDir, 'neo4j', 'password'), 'utf8').trim(),
    database: 'neo4j',
    queryTimeoutMs: 30_000,
  });
  try {
    return await work(graph);
  } finally {
    await graph.close();
  }
}

const detachedHome = join(dataDir, 'detached');
/** AG_DATA_DIR of the `attribution-graph neo4j start` test: its Neo4j lives in `<dir>/neo4j`. */
const cliDataDir = join(dataDir, 'cli');

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const home of [detachedHome, join(cliDataDir, 'neo4j')]) {
    if (!existsSync(join(home, 'pid'))) continue;
    const pid = Number(readFileSync(join(home, 'pid'), 'utf8').trim());
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (existsSync(join(dataDir, 'neo4j', 'pid'))) {
    const pid = neo4jPid();
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('app life cycle with the local Neo4j', () => {
  it('starts its own Neo4j, answers, and SIGTERM stops both with no orphan JVM', async () => {
    const app = await startApp();
    const ready = await fetch(`${app.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    expect(app.output()).toContain(`bolt://127.0.0.1:${boltPort}`);
    const pid = neo4jPid();
    expect(alive(pid)).toBe(true);

    app.child.kill('SIGTERM');
    expect(await exited(app.child)).toBe(0);
    expect(await waitUntil(() => !alive(pid), 30_000)).toBe(true);
  });

  it('warms its fresh Neo4j up for imports in the background, leaving nothing in the database', async () => {
    const app = await startApp();
    // Up (and answering) before the warm-up ends: it runs after the listen.
    expect((await fetch(`${app.baseUrl}/readyz`)).status).toBe(200);
    expect(await waitUntil(() => /Neo4j warmed up for imports in/.test(app.output()), 170_000), app.output()).toBe(true);
    const [row] = await withLocalGraph((graph) =>
      graph.read((tx) => tx.run(cypher('lifecycle-stix-count', 'READ', 'MATCH (n) WHERE n:StixObject OR n:StixImport RETURN count(n) AS n'))),
    );
    expect(Number(row!.n)).toBe(0);
    app.child.kill('SIGTERM');
    expect(await exited(app.child)).toBe(0);
  }, 240_000);

  it('loses nothing already committed when the app is killed outright', async () => {
    const first = await startApp();
    const pid = neo4jPid();
    await withLocalGraph((graph) => graph.write((tx) => tx.run(WRITE, { value: 'committed-before-kill' })));

    first.child.kill('SIGKILL');
    await exited(first.child);
    // The JVM sees its parent's pipe close and shuts down cleanly on its own.
    expect(await waitUntil(() => !alive(pid), 60_000)).toBe(true);

    const second = await startApp();
    const rows = await withLocalGraph((graph) => graph.read((tx) => tx.run(READ)));
    expect(rows.map((row) => row.value)).toEqual(['committed-before-kill']);
    second.child.kill('SIGINT');
    expect(await exited(second.child)).toBe(0);
  });

  it('a script that starts the local Neo4j detached ends by itself, and the database runs on until stopped', async () => {
    const script = join(dataDir, 'start-detached.mts');
    writeFileSync(
      script,
      `import { localNeo4jSettings, startLocalNeo4j } from ${JSON.stringify(resolve('launcher/index.ts'))};
       await startLocalNeo4j({ home: ${JSON.stringify(detachedHome)}, boltPort: ${boltPort + 1}, attached: false,
         settings: localNeo4jSettings({ ...process.env, AG_NEO4J_HEAP: '1g', AG_NEO4J_PAGECACHE: '256m' }) });
       console.log('started');`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Extra settings reach Neo4j (checked below through SHOW SETTINGS).
      env: { ...process.env, AG_NEO4J_CONFIG: 'db.transaction.timeout=7s; db.lock.acquisition.timeout=9s' },
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // No process.exit in the script: it ends only if nothing (child, pipe) holds its event loop.
    expect(await waitUntil(() => child.exitCode !== null, 120_000), `the script did not end:\n${output}`).toBe(true);
    expect(child.exitCode, output).toBe(0);
    expect(output).toContain('started');
    const pid = Number(readFileSync(join(detachedHome, 'pid'), 'utf8').trim());
    expect(alive(pid)).toBe(true);
    const graph = createGraph({
      uri: `bolt://127.0.0.1:${boltPort + 1}`,
      user: 'neo4j',
      password: readFileSync(join(detachedHome, 'password'), 'utf8').trim(),
      database: 'neo4j',
      queryTimeoutMs: 30_000,
    });
    try {
      const rows = await graph.read((tx) => tx.run(SETTINGS));
      // Ours (a bounded transaction-log retention, so repeated imports cannot fill the disk) and
      // the extra settings.
      expect(Object.fromEntries(rows.map((r) => [r.name, r.value]))).toEqual({
        'db.lock.acquisition.timeout': '9s',
        'db.transaction.timeout': '7s',
        'db.tx_log.rotation.retention_policy': '1G size',
      });
    } finally {
      await graph.close();
    }
    expect(await stopLocalNeo4j(detachedHome)).toBe(true);
    expect(await waitUntil(() => !alive(pid), 60_000)).toBe(true);
  }, 180_000);

  it('`attribution-graph neo4j start` warms the Neo4j it starts up for imports, not one it reuses', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'api/src/cli/main.ts', ...args], {
        encoding: 'utf8',
        timeout: 200_000,
        env: {
          ...process.env,
          NEO4J_URI: '',
          NEO4J_PASSWORD: '',
          AG_DATA_DIR: cliDataDir,
          NEO4J_BOLT_PORT: String(boltPort + 2),
          AG_NEO4J_HEAP: '1g',
          AG_NEO4J_PAGECACHE: '256m',
          LOG_LEVEL: 'warn',
        },
      });
    const first = cli('neo4j', 'start');
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ running: true, warmedUp: true });
    expect(first.stderr).toMatch(/local-neo4j: warmed up in \d+\.\d s/);
    const again = cli('neo4j', 'start');
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ running: true, warmedUp: null });
    expect(cli('neo4j', 'stop').status).toBe(0);
  }, 240_000);
});
