/**
 * Issue 14 #9: the app supervises the local Neo4j it started. After a real `kill -9` of the JVM,
 * /readyz says the local Neo4j is being restarted (503) while /healthz stays up, a new JVM comes up
 * on the same port with the same data, and requests work again with nothing committed lost. The
 * local Neo4j's folder is private: folders 0700, files 0600.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'ag-supervision-'));
const boltPort = 7900 + Math.floor(Math.random() * 90);
let app: ChildProcess | undefined;
let output = '';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function neo4jPid(): number {
  return Number(readFileSync(join(dataDir, 'neo4j', 'pid'), 'utf8').trim());
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; app output:\n${output.slice(-3000)}`);
}

/** Every path under `dir` with a permission bit for group or others. */
function notPrivate(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const mode = statSync(path).mode;
    if ((mode & 0o077) !== 0) out.push(`${path} ${(mode & 0o777).toString(8)}`);
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(dir);
  return out;
}

afterAll(async () => {
  if (app && app.exitCode === null) {
    app.kill('SIGTERM');
    await new Promise((r) => app!.once('exit', r));
  }
  if (existsSync(join(dataDir, 'neo4j', 'pid')) && alive(neo4jPid())) process.kill(neo4jPid(), 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a supervised local Neo4j', () => {
  it('is restarted after kill -9, /readyz says so meanwhile, and its files are private', async () => {
    app = spawn(process.execPath, ['--import', 'tsx', 'api/src/main.ts'], {
      env: {
        ...process.env,
        NEO4J_URI: '',
        NEO4J_PASSWORD: '',
        AG_DATA_DIR: dataDir,
        NEO4J_BOLT_PORT: String(boltPort),
        PORT: '0',
        AG_LOAD_SEED: 'true',
        AG_NEO4J_WARMUP: 'off',
        AG_NEO4J_HEAP: '1g',
        AG_NEO4J_PAGECACHE: '256m',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    app.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const base = await until(async () => /GraphQL\s+(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output)?.[1], 300_000, 'the app');
    const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    const incidents = async () => {
      const r = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ incidents { id } }' }),
      });
      return { status: r.status, body: (await r.json()) as { data?: { incidents: unknown[] } } };
    };
    expect((await incidents()).body.data?.incidents.length).toBe(1);
    expect(notPrivate(join(dataDir, 'neo4j'))).toEqual([]);

    const first = neo4jPid();
    process.kill(first, 'SIGKILL');

    const restarting = await until(async () => {
      const r = await fetch(`${base}/readyz`);
      const body = (await r.json()) as { status: string; neo4j?: { state: string } };
      return r.status === 503 && body.neo4j?.state === 'restarting' ? body : undefined;
    }, 30_000, '/readyz to report the restart');
    expect(restarting).toMatchObject({ status: 'unavailable', neo4j: { state: 'restarting', lastExit: { signal: 'SIGKILL' } } });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const ready = await until(async () => {
      const r = await fetch(`${base}/readyz`);
      return r.status === 200 ? ((await r.json()) as { neo4j: { state: string; restarts: number } }) : undefined;
    }, 300_000, 'the restarted Neo4j');
    expect(ready.neo4j).toMatchObject({ state: 'running', restarts: 1 });
    expect(neo4jPid()).not.toBe(first);
    expect(alive(neo4jPid())).toBe(true);
    // Same data, and requests work again (the driver reconnects by itself).
    const after = await until(async () => {
      const r = await incidents();
      return r.body.data ? r : undefined;
    }, 60_000, 'a request to succeed');
    expect(after.body.data?.incidents.length).toBe(1);
    expect(notPrivate(join(dataDir, 'neo4j'))).toEqual([]);
  }, 900_000);
});
