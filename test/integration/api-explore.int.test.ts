/**
 * Every exploration query and token operation through app.fetch against the real Neo4j, with
 * fixtures imported through the STIX import service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { createTestApi, type TestApi } from '../support/api';
import { connectTestGraph, resetGraph } from '../support/graph';
import { bundle, rel, sdo, sid, TLP } from '../support/stix-fixtures';

const MITRE = sid('identity', 1);
const APT = sid('intrusion-set', 1);
const ACTOR = sid('threat-actor', 1);
const MALWARE = sid('malware', 1);
const SECRET = sid('malware', 2);
const TOOL = sid('tool', 1);
const TECH = sid('attack-pattern', 1);
const IND = sid('indicator', 1);
const AMBER_SET = sid('intrusion-set', 2);

const FIXTURE = [
  sdo('identity', MITRE, { name: 'The MITRE Corporation', identity_class: 'organization' }),
  sdo('intrusion-set', APT, {
    name: 'APT28',
    aliases: ['Fancy Bear', 'Sofacy'],
    created_by_ref: MITRE,
    labels: ['nation-state'],
    confidence: 80,
    primary_motivation: 'organizational-gain',
    external_references: [{ source_name: 'mitre-attack', external_id: 'G0007', url: 'https://attack.mitre.org/groups/G0007' }],
    object_marking_refs: [TLP.GREEN],
  }),
  sdo('threat-actor', ACTOR, { name: 'GRU Unit 26165', threat_actor_types: ['nation-state'], created: '2025-06-01T00:00:00.000Z', modified: '2025-06-01T00:00:00.000Z' }),
  sdo('malware', MALWARE, {
    name: 'X-Agent',
    is_family: true,
    malware_types: ['backdoor'],
    created_by_ref: MITRE,
    x_acme_lab_ref: MITRE,
    kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'command-and-control' }],
    external_references: [{ source_name: 'mitre-attack', external_id: 'S0161' }],
  }),
  sdo('malware', SECRET, { name: 'Hidden Implant', is_family: true, object_marking_refs: [TLP.RED] }),
  sdo('tool', TOOL, { name: 'Mimikatz', confidence: 30 }),
  sdo('attack-pattern', TECH, {
    name: 'Valid Accounts',
    kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'initial-access' }],
    external_references: [{ source_name: 'mitre-attack', external_id: 'T1078' }],
    x_mitre_platforms: ['Windows', 'Linux'],
  }),
  sdo('indicator', IND, { name: 'X-Agent C2', pattern: "[domain-name:value = 'evil.example']", pattern_type: 'stix', valid_from: '2024-01-01T00:00:00Z' }),
  sdo('intrusion-set', AMBER_SET, { name: 'Amber Group', object_marking_refs: [TLP.AMBER_1_0] }),
  rel(sid('relationship', 1), 'uses', APT, MALWARE),
  rel(sid('relationship', 2), 'uses', APT, SECRET, { object_marking_refs: [TLP.RED] }),
  rel(sid('relationship', 3), 'uses', APT, TOOL),
  rel(sid('relationship', 4), 'uses', MALWARE, TECH),
  rel(sid('relationship', 5), 'attributed-to', APT, ACTOR),
  rel(sid('relationship', 6), 'indicates', IND, MALWARE),
  rel(sid('relationship', 7), 'uses', SECRET, TECH),
  rel(sid('relationship', 8), 'uses', AMBER_SET, TOOL),
];

describe('GraphQL exploration API', () => {
  let graph: Graph;
  let api: TestApi;
  let reader: string;
  let admin: string;
  let amber: string;

  beforeAll(async () => {
    graph = connectTestGraph();
    await resetGraph(graph);
    api = createTestApi(graph);
    await api.services.auth.ensureSchema();
    const report = await api.services.stixImport.importBundle(bundle(FIXTURE), { viewer: SYSTEM_VIEWER });
    expect(report.errors).toEqual([]);
    reader = await api.token('reader', 'GREEN');
    amber = await api.token('analyst', 'AMBER');
    admin = await api.token('admin', 'RED');
  });
  afterAll(async () => graph.close());

  it('refuses requests without a valid token with 401 UNAUTHENTICATED', async () => {
    const none = await api.gql(null, '{ viewer { id } }');
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const bad = await api.gql('ag_' + 'x'.repeat(43), '{ viewer { id } }');
    expect(bad.status).toBe(401);
    const malformed = await api.gql(null, '{ viewer { id } }', {}, { authorization: 'Basic Zm9vOmJhcg==' });
    expect(malformed.status).toBe(401);
  });

  it('tells the viewer who they are', async () => {
    const r = await api.gql(reader, '{ viewer { name role clearance } }');
    expect(r.data).toEqual({ viewer: { name: 'reader-GREEN', role: 'reader', clearance: 'GREEN' } });
  });

  it('returns an object by id with typed fields and raw JSON', async () => {
    const r = await api.gql(
      reader,
      `query ($id: ID!) { stixObject(id: $id) {
        __typename id type name aliases labels confidence revoked created modified tlp externalIds
        createdBy { id name } markings { id tlp name } externalReferences { sourceName externalId url }
        raw
        ... on IntrusionSet { primaryMotivation goals }
      } }`,
      { id: APT },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.stixObject).toMatchObject({
      __typename: 'IntrusionSet',
      id: APT,
      type: 'intrusion-set',
      name: 'APT28',
      aliases: ['Fancy Bear', 'Sofacy'],
      labels: ['nation-state'],
      confidence: 80,
      revoked: false,
      created: '2024-01-01T00:00:00Z',
      tlp: 'GREEN',
      externalIds: ['G0007'],
      createdBy: { id: MITRE, name: 'The MITRE Corporation' },
      markings: [{ id: TLP.GREEN, tlp: 'GREEN', name: 'TLP:GREEN' }],
      externalReferences: [{ sourceName: 'mitre-attack', externalId: 'G0007', url: 'https://attack.mitre.org/groups/G0007' }],
      primaryMotivation: 'organizational-gain',
      goals: [],
    });
    expect(r.data?.stixObject.raw).toMatchObject({ id: APT, name: 'APT28', aliases: ['Fancy Bear', 'Sofacy'] });
  });

  it('serves the typed fields of techniques, malware, indicators and relationships', async () => {
    const r = await api.gql(
      admin,
      `query ($ids: [ID!]!) { stixObjects(ids: $ids) {
        __typename id
        ... on AttackPattern { killChainPhases { killChainName phaseName } platforms }
        ... on Malware { isFamily malwareTypes killChainPhases { phaseName } }
        ... on Indicator { pattern patternType validFrom }
        ... on Relationship { relationshipType source { id } target { id } }
      } }`,
      { ids: [TECH, MALWARE, IND, sid('relationship', 1), 'malware--does-not-exist'] },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.stixObjects).toEqual([
      { __typename: 'AttackPattern', id: TECH, killChainPhases: [{ killChainName: 'mitre-attack', phaseName: 'initial-access' }], platforms: ['Windows', 'Linux'] },
      { __typename: 'Malware', id: MALWARE, isFamily: true, malwareTypes: ['backdoor'], killChainPhases: [{ phaseName: 'command-and-control' }] },
      { __typename: 'Indicator', id: IND, pattern: "[domain-name:value = 'evil.example']", patternType: 'stix', validFrom: '2024-01-01T00:00:00Z' },
      { __typename: 'Relationship', id: sid('relationship', 1), relationshipType: 'uses', source: { id: APT }, target: { id: MALWARE } },
    ]);
  });

  it('answers "not found" identically for a missing object and one above the clearance', async () => {
    const forbidden = await api.gql(reader, 'query ($id: ID!) { stixObject(id: $id) { id name } }', { id: SECRET });
    const missing = await api.gql(reader, 'query ($id: ID!) { stixObject(id: $id) { id name } }', { id: sid('malware', 999) });
    expect(forbidden).toMatchObject({ status: 200, data: { stixObject: null } });
    expect(forbidden.errors).toBeUndefined();
    expect({ ...forbidden, headers: null }).toEqual({ ...missing, headers: null });
    const cleared = await api.gql(admin, 'query ($id: ID!) { stixObject(id: $id) { id tlp } }', { id: SECRET });
    expect(cleared.data?.stixObject).toEqual({ id: SECRET, tlp: 'RED' });
  });

  it('maps TLP 1.0 markings onto TLP 2.0 levels', async () => {
    const asReader = await api.gql(reader, 'query ($id: ID!) { stixObject(id: $id) { id } }', { id: AMBER_SET });
    const asAmber = await api.gql(amber, 'query ($id: ID!) { stixObject(id: $id) { id tlp markings { tlp } } }', { id: AMBER_SET });
    expect(asReader.data?.stixObject).toBeNull();
    expect(asAmber.data?.stixObject).toEqual({ id: AMBER_SET, tlp: 'AMBER', markings: [{ tlp: 'AMBER' }] });
  });

  it('lists objects with filters, ordering, cursors and a total that counts only visible objects', async () => {
    const query = `query ($types: [String!], $filter: StixObjectFilter, $orderBy: StixObjectOrder, $first: Int, $after: String) {
      objects(types: $types, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id name } } } }`;
    const all = await api.gql(reader, query, { types: ['malware', 'intrusion-set'] });
    expect(all.data?.objects.totalCount).toBe(2);
    expect(all.data?.objects.edges.map((e: any) => e.node.name)).toEqual(['APT28', 'X-Agent']);
    const allAdmin = await api.gql(admin, query, { types: ['malware', 'intrusion-set'] });
    expect(allAdmin.data?.objects.totalCount).toBe(4);

    const page1 = await api.gql(admin, query, { types: ['malware', 'intrusion-set'], first: 2, orderBy: { field: 'NAME', direction: 'DESC' } });
    expect(page1.data?.objects.edges.map((e: any) => e.node.name)).toEqual(['X-Agent', 'Hidden Implant']);
    expect(page1.data?.objects.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = await api.gql(admin, query, {
      types: ['malware', 'intrusion-set'],
      first: 2,
      orderBy: { field: 'NAME', direction: 'DESC' },
      after: page1.data?.objects.pageInfo.endCursor,
    });
    expect(page2.data?.objects.edges.map((e: any) => e.node.name)).toEqual(['APT28', 'Amber Group']);
    expect(page2.data?.objects.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const filtered = async (filter: Record<string, unknown>) =>
      (await api.gql(admin, query, { filter })).data?.objects.edges.map((e: any) => e.node.id);
    expect(await filtered({ labels: ['nation-state'] })).toEqual([APT]);
    expect(await filtered({ createdFrom: '2025-01-01T00:00:00Z' })).toEqual([ACTOR]);
    expect(await filtered({ createdTo: '2024-06-01T00:00:00Z', types: ['tool'] })).toEqual([TOOL]);
    expect(await filtered({ modifiedFrom: '2025-05-01T00:00:00Z', modifiedTo: '2025-07-01T00:00:00Z' })).toEqual([ACTOR]);
    expect(await filtered({ confidenceMin: 50 })).toEqual([APT]);
    expect(await filtered({ confidenceMax: 40 })).toEqual([TOOL]);
    expect(await filtered({ markings: [TLP.RED], types: ['malware'] })).toEqual([SECRET]);
    expect(await filtered({ tlp: ['AMBER'] })).toEqual([AMBER_SET]);
    expect(await filtered({ createdBy: [MITRE] })).toEqual([APT, MALWARE]);
    expect(await filtered({ nameContains: 'mimi' })).toEqual([TOOL]);
    expect(await filtered({ revoked: true })).toEqual([]);
  });

  it('searches names, aliases, descriptions and external ids, within the clearance', async () => {
    const query = `query ($text: String!, $types: [String!], $first: Int, $after: String) {
      search(text: $text, types: $types, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id type name } } } }`;
    const byAlias = await api.gql(reader, query, { text: 'fancy' });
    expect(byAlias.data?.search.edges.map((e: any) => e.node.id)).toEqual([APT]);
    const byExternalId = await api.gql(reader, query, { text: 'T1078' });
    expect(byExternalId.data?.search).toMatchObject({ totalCount: 1, edges: [{ node: { id: TECH, type: 'attack-pattern', name: 'Valid Accounts' } }] });
    const byGroupId = await api.gql(reader, query, { text: 'G0007' });
    expect(byGroupId.data?.search.edges.map((e: any) => e.node.id)).toEqual([APT]);
    const hidden = await api.gql(reader, query, { text: 'Hidden Implant' });
    expect(hidden.data?.search).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
    const shown = await api.gql(admin, query, { text: 'hidden' });
    expect(shown.data?.search.totalCount).toBe(1);
    const typed = await api.gql(admin, query, { text: 'x', types: ['indicator'] });
    expect(typed.data?.search.edges.map((e: any) => e.node.id)).toEqual([IND]);
    const paged = await api.gql(admin, query, { text: 'x', first: 1 });
    expect(paged.data?.search.pageInfo.hasNextPage).toBe(true);
    const next = await api.gql(admin, query, { text: 'x', first: 1, after: paged.data?.search.pageInfo.endCursor });
    expect(next.data?.search.edges).toHaveLength(1);
    expect(next.data?.search.edges[0].node.id).not.toBe(paged.data?.search.edges[0].node.id);
  });

  it('returns a neighbourhood without invisible nodes or dangling edges', async () => {
    const query = `query ($ids: [ID!]!, $depth: Int, $limit: Int, $types: [String!], $relationshipTypes: [String!], $includeRefs: Boolean) {
      neighborhood(ids: $ids, depth: $depth, limit: $limit, types: $types, relationshipTypes: $relationshipTypes, includeRefs: $includeRefs) {
        nodes { id type name tlp placeholder } edges { id type source target relationshipType } truncated } }`;
    const r = await api.gql(reader, query, { ids: [APT], depth: 2 });
    const ids = r.data?.neighborhood.nodes.map((n: any) => n.id).sort();
    expect(ids).toEqual([APT, ACTOR, MALWARE, TOOL, TECH, IND].sort());
    expect(r.data?.neighborhood.nodes[0]).toEqual({ id: APT, type: 'intrusion-set', name: 'APT28', tlp: 'GREEN', placeholder: false });
    const nodeIds = new Set(ids);
    for (const e of r.data?.neighborhood.edges ?? []) {
      expect(nodeIds.has(e.source) && nodeIds.has(e.target)).toBe(true);
    }
    expect(r.data?.neighborhood.edges.map((e: any) => e.id).sort()).toEqual(
      [1, 3, 4, 5, 6].map((n) => sid('relationship', n)).sort(),
    );
    expect(r.data?.neighborhood.truncated).toBe(false);

    const admin2 = await api.gql(admin, query, { ids: [APT], depth: 1 });
    expect(admin2.data?.neighborhood.nodes.map((n: any) => n.id)).toContain(SECRET);

    const limited = await api.gql(reader, query, { ids: [APT], depth: 2, limit: 3 });
    expect(limited.data?.neighborhood.nodes).toHaveLength(3);
    expect(limited.data?.neighborhood.truncated).toBe(true);

    // Full at the limit: `truncated` tells whether a further hop had more to show.
    const exact = await api.gql(reader, query, { ids: [APT], depth: 1, limit: 4 });
    expect(exact.data?.neighborhood.nodes.map((n: any) => n.id).sort()).toEqual([APT, ACTOR, MALWARE, TOOL].sort());
    expect(exact.data?.neighborhood.truncated).toBe(false);
    const fullBeforeHop2 = await api.gql(reader, query, { ids: [APT], depth: 2, limit: 4 });
    expect(fullBeforeHop2.data?.neighborhood.nodes.map((n: any) => n.id).sort()).toEqual([APT, ACTOR, MALWARE, TOOL].sort());
    expect(fullBeforeHop2.data?.neighborhood.truncated).toBe(true);
    const seedsOnly = await api.gql(reader, query, { ids: [APT, MALWARE, SECRET], depth: 0 });
    expect(seedsOnly.data?.neighborhood.nodes.map((n: any) => n.id).sort()).toEqual([APT, MALWARE].sort());
    expect(seedsOnly.data?.neighborhood.edges).toEqual([
      { id: sid('relationship', 1), type: 'USES', source: APT, target: MALWARE, relationshipType: 'uses' },
    ]);
    expect(seedsOnly.data?.neighborhood.truncated).toBe(false);

    const onlyAttributed = await api.gql(reader, query, { ids: [APT], depth: 2, relationshipTypes: ['attributed-to'] });
    expect(onlyAttributed.data?.neighborhood.nodes.map((n: any) => n.id)).toEqual([APT, ACTOR]);
    const onlyTools = await api.gql(reader, query, { ids: [APT], depth: 1, types: ['tool'] });
    expect(onlyTools.data?.neighborhood.nodes.map((n: any) => n.id)).toEqual([APT, TOOL]);

    const refs = await api.gql(reader, query, { ids: [MALWARE], depth: 1, includeRefs: true, relationshipTypes: null });
    expect(refs.data?.neighborhood.edges).toContainEqual({
      id: `${MALWARE}|x_acme_lab_ref|${MITRE}`,
      type: 'REFERS_TO',
      source: MALWARE,
      target: MITRE,
      relationshipType: null,
    });
    // Who made an object is a property (createdBy), not an edge: no hub edge to the creator.
    expect(refs.data?.neighborhood.edges.filter((e: any) => e.id.includes('created_by_ref'))).toEqual([]);

    const forbiddenSeed = await api.gql(reader, query, { ids: [SECRET], depth: 2 });
    expect(forbiddenSeed.data?.neighborhood).toEqual({ nodes: [], edges: [], truncated: false });
  });

  it('fills every neighbourhood field a request selects, directly or through fragments, and the same whatever else it selects', async () => {
    const full = await api.gql(
      reader,
      `query ($ids: [ID!]!) { neighborhood(ids: $ids, depth: 2, includeRefs: true) {
        nodes { id type name tlp confidence created modified placeholder }
        edges { id type source target relationshipType confidence property } truncated } }`,
      { ids: [APT] },
    );
    expect(full.errors).toBeUndefined();
    const nodes = full.data?.neighborhood.nodes ?? [];
    const edges = full.data?.neighborhood.edges ?? [];
    expect(nodes.find((n: any) => n.id === TOOL)).toMatchObject({ name: 'Mimikatz', confidence: 30 });
    expect(nodes.find((n: any) => n.id === ACTOR)).toMatchObject({ created: expect.stringMatching(/^2025-06-01T00:00:00/), modified: expect.stringMatching(/^2025-06-01T00:00:00/) });
    expect(edges.find((e: any) => e.id === sid('relationship', 5))).toMatchObject({ relationshipType: 'attributed-to', source: APT, target: ACTOR });
    expect(edges.some((e: any) => e.property === 'x_acme_lab_ref')).toBe(true);

    // The same fields through a named fragment, an inline fragment and an alias.
    const viaFragments = await api.gql(
      reader,
      `query ($ids: [ID!]!) { neighborhood(ids: $ids, depth: 2, includeRefs: true) {
        nodes { id ...NodeDetails } edges { id source target ... on GraphEdge { type kind: relationshipType confidence property } } truncated } }
       fragment NodeDetails on GraphNode { type name tlp confidence created modified placeholder }`,
      { ids: [APT] },
    );
    expect(viaFragments.errors).toBeUndefined();
    expect(viaFragments.data?.neighborhood.nodes).toEqual(nodes);
    expect(viaFragments.data?.neighborhood.edges).toEqual(
      edges.map(({ relationshipType, ...e }: any) => ({ ...e, kind: relationshipType })),
    );

    // A lean selection finds the same nodes and edges (ids, ends, reference edge ids).
    const lean = await api.gql(
      reader,
      `query ($ids: [ID!]!) { neighborhood(ids: $ids, depth: 2, includeRefs: true) { nodes { id } edges { id source target } truncated } }`,
      { ids: [APT] },
    );
    expect(lean.data?.neighborhood).toEqual({
      nodes: nodes.map((n: any) => ({ id: n.id })),
      edges: edges.map((e: any) => ({ id: e.id, source: e.source, target: e.target })),
      truncated: full.data?.neighborhood.truncated,
    });
  });

  it('finds shortest paths only through visible objects', async () => {
    const query = `query ($from: ID!, $to: ID!, $maxLength: Int, $limit: Int) {
      paths(from: $from, to: $to, maxLength: $maxLength, limit: $limit) { length nodes { id } edges { id type source target } } }`;
    const r = await api.gql(reader, query, { from: IND, to: ACTOR });
    expect(r.data?.paths).toEqual([
      {
        length: 3,
        nodes: [{ id: IND }, { id: MALWARE }, { id: APT }, { id: ACTOR }],
        edges: [
          { id: sid('relationship', 6), type: 'INDICATES', source: IND, target: MALWARE },
          { id: sid('relationship', 1), type: 'USES', source: APT, target: MALWARE },
          { id: sid('relationship', 5), type: 'ATTRIBUTED_TO', source: APT, target: ACTOR },
        ],
      },
    ]);
    const tooShort = await api.gql(reader, query, { from: IND, to: ACTOR, maxLength: 2 });
    expect(tooShort.data?.paths).toEqual([]);
    // TECH ← MALWARE ← APT and TECH ← SECRET ← APT: the reader sees one, the admin both.
    const viaSecretReader = await api.gql(reader, query, { from: TECH, to: APT });
    expect(viaSecretReader.data?.paths.map((p: any) => p.nodes[1].id)).toEqual([MALWARE]);
    const viaSecretAdmin = await api.gql(admin, query, { from: TECH, to: APT });
    expect(viaSecretAdmin.data?.paths.map((p: any) => p.nodes[1].id).sort()).toEqual([MALWARE, SECRET].sort());
    const toForbidden = await api.gql(reader, query, { from: APT, to: SECRET });
    expect(toForbidden.data?.paths).toEqual([]);
  });

  it('lists the relationships of an object by direction and type, ends included', async () => {
    const query = `query ($id: ID!, $direction: Direction, $types: [String!], $first: Int) {
      relationships(id: $id, direction: $direction, types: $types, first: $first) {
        pageInfo { hasNextPage } edges { node { id relationshipType sourceId targetId source { name } target { name } relationship { id } } } } }`;
    const out = await api.gql(reader, query, { id: APT, direction: 'OUTGOING' });
    expect(out.data?.relationships.edges.map((e: any) => e.node.id).sort()).toEqual(
      [1, 3, 5].map((n) => sid('relationship', n)).sort(),
    );
    const attributed = await api.gql(reader, query, { id: APT, types: ['attributed-to'] });
    expect(attributed.data?.relationships.edges).toEqual([
      {
        node: {
          id: sid('relationship', 5),
          relationshipType: 'attributed-to',
          sourceId: APT,
          targetId: ACTOR,
          source: { name: 'APT28' },
          target: { name: 'GRU Unit 26165' },
          relationship: { id: sid('relationship', 5) },
        },
      },
    ]);
    const incoming = await api.gql(reader, query, { id: MALWARE, direction: 'INCOMING', first: 1 });
    expect(incoming.data?.relationships.edges).toHaveLength(1);
    expect(incoming.data?.relationships.pageInfo.hasNextPage).toBe(true);
    const forbidden = await api.gql(reader, query, { id: SECRET });
    expect(forbidden.data?.relationships.edges).toEqual([]);
  });

  it('rejects out-of-range arguments with BAD_USER_INPUT', async () => {
    const r = await api.gql(reader, '{ objects(first: 501) { totalCount } }');
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const d = await api.gql(reader, `{ neighborhood(ids: ["${APT}"], depth: 9) { truncated } }`);
    expect(d.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const c = await api.gql(reader, '{ objects(after: "bm9wZQ") { totalCount } }');
    expect(c.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('issues, lists and revokes tokens (admin only, clearance at most the issuer\'s)', async () => {
    const create = `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id name role clearance createdBy revokedAt } } }`;
    const denied = await api.gql(amber, create, { input: { name: 'x', role: 'reader', clearance: 'CLEAR' } });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const issued = await api.gql(admin, create, { input: { name: 'Alice', role: 'analyst', clearance: 'AMBER_STRICT' } });
    expect(issued.errors).toBeUndefined();
    const { token, apiToken } = issued.data?.createApiToken ?? {};
    expect(token).toMatch(/^ag_[A-Za-z0-9_-]{43}$/);
    expect(apiToken).toMatchObject({ name: 'Alice', role: 'analyst', clearance: 'AMBER_STRICT', revokedAt: null });

    const me = await api.gql(token, '{ viewer { name role clearance } }');
    expect(me.data?.viewer).toEqual({ name: 'Alice', role: 'analyst', clearance: 'AMBER_STRICT' });

    const list = await api.gql(admin, '{ apiTokens { id name } }');
    expect(list.data?.apiTokens.map((t: any) => t.id)).toContain(apiToken.id);
    const listDenied = await api.gql(reader, '{ apiTokens { id } }');
    expect(listDenied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const revoke = await api.gql(admin, 'mutation ($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }', { id: apiToken.id });
    expect(revoke.data?.revokeApiToken.revokedAt).toMatch(/^\d{4}-/);
    const after = await api.gql(token, '{ viewer { name } }');
    expect(after.status).toBe(401);
    const missing = await api.gql(admin, 'mutation { revokeApiToken(id: "nope") { id } }');
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // An AMBER admin cannot mint a RED token.
    const amberAdmin = (await api.services.auth.createToken({ name: 'amber admin', role: 'admin', clearance: 'AMBER' }, { viewer: SYSTEM_VIEWER })).token;
    const escalate = await api.gql(amberAdmin, create, { input: { name: 'y', role: 'reader', clearance: 'RED' } });
    expect(escalate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('stores only the SHA-256 of tokens', async () => {
    const rows = await graph.read((tx) =>
      tx.run({ name: 'test-token-props', mode: 'READ', text: 'MATCH (t:ApiToken) RETURN properties(t) AS p' }),
    );
    const tokens = [reader, admin, amber];
    for (const row of rows) {
      const text = JSON.stringify(row.p);
      for (const t of tokens) expect(text).not.toContain(t);
      expect((row.p as any).hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
