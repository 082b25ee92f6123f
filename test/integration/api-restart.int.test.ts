/**
 * Neo4j goes away and comes back: requests fail fast with GRAPH_UNAVAILABLE (never a hang, never a
 * masked error), /readyz says so, and the same app recovers by itself when Neo4j returns. Uses its
 * own local Neo4j (own folder and port) so the shared test database is untouched.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localNeo4jSettings, startLocalNeo4j, stopLocalNeo4j } from '../../launcher/index';
import { createGraph, type Graph } from '../../api/src/graph/driver';
import { applyMigrations } from '../../api/src/graph/migrations';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { createTestApi, type TestApi } from '../support/api';
import { bundle, sdo, sid } from '../support/stix-fixtures';

const HOME = resolve(process.env.AG_RESTART_NEO4J_HOME || '.data/neo4j-api-restart-test');
const PORT = Number(process.env.AG_RESTART_NEO4J_PORT || 7799);
const APT = sid('intrusion-set', 1);

async function start() {
  return startLocalNeo4j({ home: HOME, boltPort: PORT, attached: true, settings: localNeo4jSettings({ ...process.env, AG_NEO4J_HEAP: '512m', AG_NEO4J_PAGECACHE: '128m' }) });
}

describe('Neo4j stops and restarts under the API', () => {
  let graph: Graph;
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    rmSync(HOME, { recursive: true, force: true });
    const handle = await start();
    graph = createGraph({
      uri: handle.uri,
      user: handle.user,
      password: handle.password,
      database: 'neo4j',
      queryTimeoutMs: 10_000,
      acquisitionTimeoutMs: 2_000,
      appName: 'attribution-graph-restart-test',
    });
    await applyMigrations(graph);
    api = createTestApi(graph);
    await api.services.auth.ensureSchema();
    await api.services.stixImport.importBundle(bundle([sdo('intrusion-set', APT, { name: 'Survivor' })]), { viewer: SYSTEM_VIEWER });
    token = await api.token('reader', 'CLEAR');
  }, 300_000);

  afterAll(async () => {
    await graph?.close();
    await stopLocalNeo4j(HOME);
    rmSync(HOME, { recursive: true, force: true });
  });

  const ask = () => api.gql(token, 'query ($id: ID!) { stixObject(id: $id) { name } }', { id: APT });
  const ready = async () => (await api.app.fetch(new Request('http://localhost/readyz'))).status;

  it('answers, fails fast and clearly while Neo4j is down, then recovers', async () => {
    expect((await ask()).data).toEqual({ stixObject: { name: 'Survivor' } });
    expect(await ready()).toBe(200);

    await stopLocalNeo4j(HOME);
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const down = await ask();
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(down.errors?.[0]?.extensions?.code).toBe('GRAPH_UNAVAILABLE');
      expect(down.status).toBe(503);
    }
    expect(await ready()).toBe(503);
    // Authentication too fails clearly once its cache has expired (a fresh token is not cached).
    const fresh = await api.gql('ag_' + 'Q'.repeat(43), '{ viewer { id } }');
    expect(fresh.status).toBe(503);
    expect(fresh.errors?.[0]?.extensions?.code).toBe('GRAPH_UNAVAILABLE');

    await start();
    let back: Awaited<ReturnType<typeof ask>> | undefined;
    for (let attempt = 0; attempt < 30; attempt++) {
      back = await ask();
      if (!back.errors) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(back?.data).toEqual({ stixObject: { name: 'Survivor' } });
    expect(await ready()).toBe(200);
  }, 240_000);
});
