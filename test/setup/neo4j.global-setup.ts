/**
 * Chooses the Neo4j the integration and e2e tests run against, in this order:
 *  1. NEO4J_URI (+ NEO4J_USER / NEO4J_PASSWORD) when set — it must be a disposable database:
 *     tests delete its data (see test/support/graph.ts for the guard);
 *  2. a `neo4j:5.26-community` container through testcontainers, when a Docker engine answers;
 *  3. the local Neo4j launcher (launcher/): a fresh database for this run in
 *     `.data/neo4j-test/<port>` on a free port (or NEO4J_TEST_BOLT_PORT), tied to this process so
 *     it stops with the test run; its folder is removed afterwards. Concurrent test runs on one
 *     machine therefore never share a database.
 * Never a mock or an in-memory stand-in.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalNeo4j } from '../../launcher/index';

export interface TestNeo4j {
  uri: string;
  user: string;
  password: string;
  database: string;
  source: 'NEO4J_URI' | 'testcontainers' | 'local-launcher';
}

declare module 'vitest' {
  export interface ProvidedContext {
    neo4j: TestNeo4j;
  }
}

function dockerAnswers(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 10_000 });
  return result.status === 0 && result.stdout.toString().trim().length > 0;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = process.env.NEO4J_DATABASE || 'neo4j';
  if (process.env.NEO4J_URI) {
    project.provide('neo4j', {
      uri: process.env.NEO4J_URI,
      user: process.env.NEO4J_USER || 'neo4j',
      password: process.env.NEO4J_PASSWORD || '',
      database,
      source: 'NEO4J_URI',
    });
    return async () => {};
  }
  if (dockerAnswers()) {
    const { Neo4jContainer } = await import('@testcontainers/neo4j');
    const container = await new Neo4jContainer('neo4j:5.26-community').withPassword('attribution-graph-test').start();
    project.provide('neo4j', {
      uri: container.getBoltUri(),
      user: container.getUsername(),
      password: container.getPassword(),
      database,
      source: 'testcontainers',
    });
    return async () => {
      await container.stop();
    };
  }
  const boltPort = Number(process.env.NEO4J_TEST_BOLT_PORT) || (await freePort());
  const home = resolve('.data', 'neo4j-test', String(boltPort));
  rmSync(home, { recursive: true, force: true });
  const handle = await startLocalNeo4j({
    home,
    boltPort,
    attached: true,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  project.provide('neo4j', { uri: handle.uri, user: handle.user, password: handle.password, database, source: 'local-launcher' });
  return async () => {
    await handle.stop();
    rmSync(home, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
