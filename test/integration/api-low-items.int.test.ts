/**
 * Issue 14, low items: tokens above an admin's clearance read as absent; live token names are
 * unique and audit entries carry the token id; every response carries anti-framing and CSP
 * headers; failed logins over HTTP are counted per address and answered 429 past the limit.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIds, parseFactSheet } from '../../importers/factsheet/index';
import type { Graph } from '../../api/src/graph/driver';
import { cypher } from '../../api/src/graph/cypher';
import { DEFAULT_MAX_FAILURES } from '../../api/src/plugins/login-throttle';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph } from '../support/graph';

const SEED = join(import.meta.dirname, '..', '..', 'seed', 'reference-case.yaml');
const IDS = caseIds(parseFactSheet(readFileSync(SEED, 'utf8'), 'reference-case.yaml').slug);
const MISSING = '00000000-0000-4000-8000-000000000000';

let graph: Graph;
let api: TestApi;

beforeAll(async () => {
  graph = connectTestGraph();
  api = await freshTestApi(graph);
  expect((await api.services.seed.loadReferenceCase()).loaded).toBe(true);
});
afterAll(async () => {
  await graph.close();
});

describe('tokens', () => {
  it('a GREEN admin neither lists nor revokes a RED admin token: it reads like an unknown id', async () => {
    await api.token('admin', 'RED', 'red-admin');
    const green = await api.token('admin', 'GREEN', 'green-admin');
    const red = (await api.services.auth.listTokens({ viewer: (await api.services.auth.authenticate(await api.token('admin', 'RED', 'lister')))! })).find(
      (t) => t.name === 'red-admin',
    )!;
    const listed = await api.gql(green, '{ apiTokens { id name clearance } }');
    const names = (listed.data?.apiTokens as { name: string }[]).map((t) => t.name);
    expect(names).toContain('green-admin');
    expect(names).not.toContain('red-admin');
    const revokeHidden = await api.gql(green, 'mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: red.id });
    const revokeMissing = await api.gql(green, 'mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: MISSING });
    expect(revokeHidden.errors?.[0]?.message.replace(red.id, 'ID')).toBe(revokeMissing.errors?.[0]?.message.replace(MISSING, 'ID'));
    expect(revokeHidden.errors?.[0]?.extensions?.code).toBe(revokeMissing.errors?.[0]?.extensions?.code);
    // The RED token still works.
    const stillRed = await api.services.auth.listTokens({ viewer: (await api.services.auth.authenticate(await api.token('admin', 'RED', 'lister-2')))! });
    expect(stillRed.find((t) => t.id === red.id)?.revokedAt ?? null).toBeNull();
  });

  it('a second live token with a taken name is refused (CONFLICT); once revoked the name is free again', async () => {
    const admin = await api.token('admin', 'RED', 'namer');
    const create = (name: string) =>
      api.gql(admin, 'mutation($name: String!) { createApiToken(input: {name: $name, role: analyst, clearance: GREEN}) { apiToken { id name } } }', { name });
    const first = await create('analyst-a');
    expect(first.errors).toBeUndefined();
    const second = await create('analyst-a');
    expect(second.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(second.errors?.[0]?.message).toMatch(/"analyst-a" already exists/);
    await api.gql(admin, 'mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: first.data?.createApiToken.apiToken.id });
    expect((await create('analyst-a')).errors).toBeUndefined();
  });

  it('of eight concurrent creations of one name, exactly one is issued: the others are CONFLICT, as a late one', async () => {
    const system = (await api.services.auth.authenticate(await api.token('admin', 'RED', 'racer')))!;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => api.services.auth.createToken({ name: 'analyst-race', role: 'analyst', clearance: 'GREEN' }, { viewer: system })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
      expect(o.reason).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/"analyst-race" already exists/) });
    }
    const live = (await api.services.auth.listTokens({ viewer: system })).filter((t) => t.name === 'analyst-race');
    expect(live).toHaveLength(1);
  });

  it('a database holding two live tokens of one name (stored before the rule) still starts: the oldest keeps the name', async () => {
    await graph.write((tx) => tx.run(cypher('test-drop-live-name', 'WRITE', 'DROP CONSTRAINT api_token_live_name IF EXISTS')));
    await graph.write((tx) => tx.run(cypher('test-old-twins', 'WRITE', `UNWIND [1, 2] AS n
      CREATE (:ApiToken {id: 'old-twin-' + n, hash: 'old-twin-hash-' + n, name: 'old-twin', role: 'reader', clearance: 'CLEAR',
        created: datetime('2025-01-0' + n + 'T00:00:00Z'), created_by: 'system'})`)));
    await api.services.auth.ensureSchema();
    const rows = await graph.read((tx) => tx.run(cypher('test-twins-live-name', 'READ', "MATCH (t:ApiToken {name: 'old-twin'}) RETURN t.id AS id, t.live_name AS liveName ORDER BY t.id")));
    expect(rows).toEqual([{ id: 'old-twin-1', liveName: 'old-twin' }, { id: 'old-twin-2', liveName: null }]);
    const admin = (await api.services.auth.authenticate(await api.token('admin', 'RED', 'twin-admin')))!;
    await expect(api.services.auth.createToken({ name: 'old-twin', role: 'reader', clearance: 'CLEAR' }, { viewer: admin })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('audit entries expose the id of the token that made the change', async () => {
    const analyst = await api.token('analyst', 'RED', 'auditee');
    const viewer = (await api.services.auth.authenticate(analyst))!;
    const ev = IDS.evidence('ev-infostealer-exposure');
    await api.gql(analyst, 'mutation($id: ID!) { updateEvidence(id: $id, input: {weight: 2}) { id } }', { id: ev });
    const log = await api.gql(analyst, 'query($id: ID!) { auditLog(objectId: $id) { actor actorId action } }', { id: ev });
    expect(log.data?.auditLog[0]).toEqual({ actor: 'auditee', actorId: viewer.id, action: 'update-evidence' });
  });
});

describe('HTTP', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer(api.app.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('every response forbids framing and carries a CSP', async () => {
    for (const r of [await fetch(`${base}/`), await fetch(`${base}/healthz`), await fetch(`${base}/graphql`, { method: 'POST' })]) {
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('failed logins are counted per address: past the limit the address gets 429 even with a valid token', async () => {
    const valid = await api.token('reader', 'CLEAR', 'throttled-reader');
    const ask = (token: string) =>
      fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ viewer { name } }' }),
      });
    expect((await ask(valid)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i <= DEFAULT_MAX_FAILURES + 1; i++) statuses.push((await ask(`ag_${'x'.repeat(43)}`)).status);
    expect(statuses.slice(0, DEFAULT_MAX_FAILURES)).toEqual(Array(DEFAULT_MAX_FAILURES).fill(401));
    expect(statuses.at(-1)).toBe(429);
    const blocked = await ask(valid);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
