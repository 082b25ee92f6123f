/**
 * A corpus of hostile requests: deep nesting, alias floods, huge variables and bodies, heavy
 * introspection, batches, CSRF-style requests, foreign origins, and injection strings in every
 * argument. Each gets a clean error (or a clean empty answer); afterwards the server still
 * answers a normal query and the graph is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, GRAPHIQL_CDN } from '../../api/src/app';
import { cypher } from '../../api/src/graph/cypher';
import { createLogger } from '../../api/src/logger';
import type { Graph } from '../../api/src/graph/driver';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { createTestApi, type TestApi } from '../support/api';
import { connectTestGraph, resetGraph } from '../support/graph';
import { bundle, rel, sdo, sid } from '../support/stix-fixtures';

const APT = sid('intrusion-set', 1);
const TOOL = sid('tool', 1);
const FINGERPRINT = cypher(
  'test-fingerprint',
  'READ',
  `MATCH (n) WHERE NOT n:ApiToken WITH count(n) AS nodes, collect(n.id) AS ids
   OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS edges, ids`,
);

const INJECTIONS = [
  "' OR 1=1 //",
  '}) DETACH DELETE n //',
  '"}) MATCH (n) DETACH DELETE n //',
  '`) MATCH (n) DETACH DELETE n //',
  "'; CALL dbms.shutdown() //",
  '$maxRank',
  '*:*',
  'name:* OR id:*',
  '\\',
  '((((((((((',
  '~~~~^^^^""""',
  'AND OR NOT',
  '\u0000\u0001\u001f',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u202e ﷽ Zalgơ̴̡̖ ',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  'intrusion-set--00000000-0000-4000-8000-000000000001\' OR \'1\'=\'1',
  'a'.repeat(600),
];

describe('hostile requests', () => {
  let graph: Graph;
  let api: TestApi;
  let token: string;
  let fingerprint: unknown;

  beforeAll(async () => {
    graph = connectTestGraph();
    await resetGraph(graph);
    api = createTestApi(graph);
    await api.services.auth.ensureSchema();
    await api.services.stixImport.importBundle(
      bundle([sdo('intrusion-set', APT, { name: 'APT Hostile' }), sdo('tool', TOOL, { name: 'Tool' }), rel(sid('relationship', 1), 'uses', APT, TOOL)]),
      { viewer: SYSTEM_VIEWER },
    );
    token = await api.token('admin', 'RED');
    fingerprint = await graph.read((tx) => tx.run(FINGERPRINT));
  });

  afterAll(async () => {
    // Healthy afterwards: a normal query answers and nothing changed in the graph.
    const ok = await api.gql(token, 'query ($id: ID!) { stixObject(id: $id) { id name } }', { id: APT });
    expect(ok.data?.stixObject).toEqual({ id: APT, name: 'APT Hostile' });
    expect(await graph.read((tx) => tx.run(FINGERPRINT))).toEqual(fingerprint);
    await graph.close();
  });

  const clean = (r: { status: number; errors?: { message: string; extensions?: Record<string, unknown> }[] }) => {
    expect(r.status).toBeLessThan(500);
    for (const e of r.errors ?? []) {
      expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
      expect(e.message).not.toMatch(/Neo4j|Cypher|neo4j|at .*\.ts:\d+/);
    }
  };

  it('puts injection and unicode strings in every argument and gets clean answers', async () => {
    const queries: [string, (s: string) => Record<string, unknown>][] = [
      ['query ($v: ID!) { stixObject(id: $v) { id } }', (v) => ({ v })],
      ['query ($v: [ID!]!) { stixObjects(ids: $v) { id } }', (v) => ({ v: [v] })],
      ['query ($v: String!) { search(text: $v) { totalCount edges { node { id } } } }', (v) => ({ v })],
      ['query ($v: [String!]) { search(text: "apt", types: $v) { totalCount } }', (v) => ({ v: [v] })],
      ['query ($v: String) { search(text: "apt", after: $v) { totalCount } }', (v) => ({ v })],
      ['query ($v: [String!]) { objects(types: $v) { totalCount } }', (v) => ({ v: [v] })],
      ['query ($v: String) { objects(after: $v) { totalCount } }', (v) => ({ v })],
      [
        'query ($v: StixObjectFilter) { objects(filter: $v) { totalCount } }',
        (v) => ({ v: { types: [v], labels: [v], markings: [v], createdBy: [v], nameContains: v } }),
      ],
      ['query ($v: StixObjectFilter) { objects(filter: $v) { totalCount } }', (v) => ({ v: { createdFrom: v } })],
      ['query ($v: [ID!]!) { neighborhood(ids: $v, depth: 2) { nodes { id } truncated } }', (v) => ({ v: [v] })],
      [
        'query ($v: [String!]) { neighborhood(ids: ["' + APT + '"], types: $v, relationshipTypes: $v) { nodes { id } } }',
        (v) => ({ v: [v] }),
      ],
      ['query ($v: ID!) { paths(from: $v, to: "' + TOOL + '") { length } }', (v) => ({ v })],
      ['query ($v: ID!) { paths(from: "' + APT + '", to: $v) { length } }', (v) => ({ v })],
      ['query ($v: ID!) { relationships(id: $v) { edges { node { id } } } }', (v) => ({ v })],
      ['query ($v: [String!]) { relationships(id: "' + APT + '", types: $v) { edges { node { id } } } }', (v) => ({ v: [v] })],
      ['query ($v: String) { relationships(id: "' + APT + '", after: $v) { edges { node { id } } } }', (v) => ({ v })],
      ['query ($v: Boolean) { apiTokens(includeRevoked: $v) { id } }', () => ({ v: true })],
      ['mutation ($v: ID!) { revokeApiToken(id: $v) { id } }', (v) => ({ v })],
      [
        'mutation ($v: String!) { createApiToken(input: { name: $v, role: reader, clearance: CLEAR }) { apiToken { id } } }',
        (v) => ({ v }),
      ],
      ['query ($v: [ID!]) { exportStixBundle(ids: $v) }', (v) => ({ v: [v] })],
    ];
    for (const [query, vars] of queries) {
      for (const injection of INJECTIONS) {
        const r = await api.gql(token, query, vars(injection));
        clean(r);
      }
    }
    // The token mutation above succeeded for the valid names: revoke what it created.
    const created = await api.gql(token, '{ apiTokens { id name } }');
    for (const t of created.data?.apiTokens ?? []) {
      if (INJECTIONS.includes(t.name.trim()) || t.name.startsWith('𝔘')) {
        await api.gql(token, 'mutation ($id: ID!) { revokeApiToken(id: $id) { id } }', { id: t.id });
      }
    }
  });

  it('refuses deep nesting, alias floods, directive floods and token floods before executing', async () => {
    let deep = '{ id }';
    for (let i = 0; i < 20; i++) deep = `{ id createdBy ${deep} }`;
    const nested = await api.gql(token, `{ stixObject(id: "${APT}") ${deep} }`);
    expect(nested.errors?.[0]?.message).toMatch(/depth/i);

    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: stixObject(id: "${APT}") { id }`).join(' ');
    const flood = await api.gql(token, `{ ${aliases} }`);
    expect(flood.errors?.[0]?.message).toMatch(/alias/i);

    const directives = await api.gql(token, `{ viewer ${'@include(if: true) '.repeat(30)} { id } }`);
    expect(directives.errors?.[0]?.message).toMatch(/directive/i);

    const tokens = await api.gql(token, `{ viewer { ${'id '.repeat(5000)} } }`);
    expect(tokens.errors?.[0]?.message).toMatch(/token/i);

    const page = 'first: 500) { edges { node { id name description createdBy { id name createdBy { id name } } } } }';
    const costly = await api.gql(token, `{ a: search(text: "apt", ${page} b: objects(${page} }`);
    expect(costly.errors?.[0]?.message).toMatch(/cost/i);

    // Every refusal carries the same stable code and names the limit it hit (and nothing ran).
    const refusals = { depth: nested, aliases: flood, directives, tokens, cost: costly };
    for (const [limit, r] of Object.entries(refusals)) {
      expect(r.errors, limit).toHaveLength(1);
      expect(r.errors?.[0]?.extensions, limit).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit, max: expect.any(Number) });
      expect(r.errors?.[0]?.message, limit).not.toMatch(/^Syntax Error/);
      expect(r.data ?? null, limit).toBeNull();
      clean(r);
    }
  });

  it('refuses exponential introspection but answers the standard one', async () => {
    let inner = 'name';
    for (let i = 0; i < 6; i++) inner = `name fields { type { ${inner} } }`;
    const heavy = await api.gql(token, `{ __schema { types { ${inner} } } }`);
    expect(heavy.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'introspection' });
    const { getIntrospectionQuery } = await import('graphql');
    const standard = await api.gql(token, getIntrospectionQuery());
    expect(standard.errors).toBeUndefined();
    expect(standard.data?.__schema.queryType.name).toBe('Query');
    // No field suggestions: they would reveal the schema.
    const typo = await api.gql(token, '{ stixObjekt(id: "x") { id } }');
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('caps list arguments, page sizes and huge variables', async () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `x--${i}`);
    const many = await api.gql(token, 'query ($ids: [ID!]!) { neighborhood(ids: $ids) { truncated } }', { ids });
    expect(many.errors?.[0]?.extensions?.code, JSON.stringify(many.errors)).toBe('BAD_USER_INPUT');
    const page = await api.gql(token, '{ search(text: "apt", first: 100000) { totalCount } }');
    expect(page.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
    const page501 = await api.gql(token, '{ search(text: "apt", first: 501) { edges { cursor } } }');
    expect(page501.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const limit = await api.gql(token, `{ neighborhood(ids: ["${APT}"], limit: 1000000) { truncated } }`);
    expect(limit.errors?.[0]?.extensions?.code, JSON.stringify(limit.errors)).toBe('BAD_USER_INPUT');
    const negative = await api.gql(token, `{ paths(from: "${APT}", to: "${TOOL}", maxLength: -1) { length } }`);
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    for (const r of [many, page, limit, negative]) clean(r);
  });

  it('refuses bodies above the limit with 413 and oversized batches', async () => {
    const big = await api.app.fetch(
      new Request('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ viewer { id } }', variables: { junk: 'x'.repeat(17 * 1024 * 1024) } }),
      }),
    );
    expect(big.status).toBe(413);
    const batch = await api.app.fetch(
      new Request('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(Array.from({ length: 50 }, () => ({ query: '{ viewer { id } }' }))),
      }),
    );
    expect(batch.status).toBeGreaterThanOrEqual(400);
    expect(batch.status).toBeLessThan(500);
    const garbage = await api.app.fetch(
      new Request('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{"query": "{ viewer { id } ',
      }),
    );
    expect(garbage.status).toBe(400);
  });

  it('blocks simple (CSRF-able) requests and answers no foreign origin', async () => {
    const simpleGet = await api.app.fetch(
      new Request(`http://localhost/graphql?query=${encodeURIComponent('{ viewer { id } }')}`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect(simpleGet.status).toBe(403);
    const form = await api.app.fetch(
      new Request('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
        body: `query=${encodeURIComponent('{ viewer { id } }')}`,
      }),
    );
    expect(form.status).toBe(403);
    const withHeader = await api.app.fetch(
      new Request(`http://localhost/graphql?query=${encodeURIComponent('{ viewer { id } }')}`, {
        headers: { authorization: `Bearer ${token}`, 'x-graphql-yoga-csrf': '1', accept: 'application/json' },
      }),
    );
    expect(withHeader.status).toBe(200);
    const preflight = await api.app.fetch(
      new Request('http://localhost/graphql', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      }),
    );
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const cross = await api.gql(token, '{ viewer { id } }', {}, { origin: 'https://evil.example' });
    expect(cross.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the GraphiQL page (when enabled) without a token but nothing else', async () => {
    const withGraphiql = createApp({ services: api.services, logger: createLogger('silent'), graphiql: true });
    const page = await withGraphiql.fetch(new Request('http://localhost/graphql', { headers: { accept: 'text/html' } }));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Authorization');
    expect(page.headers.get('content-security-policy')).toContain(`script-src 'unsafe-inline' ${GRAPHIQL_CDN}`);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // Off by default (issue 14: it loads scripts from a CDN).
    const off = await api.app.fetch(new Request('http://localhost/graphql', { headers: { accept: 'text/html' } }));
    expect(await off.text()).not.toContain('YogaGraphiQL');
    const introspection = await api.gql(null, '{ __schema { queryType { name } } }');
    expect(introspection.status).toBe(401);
  });
});
