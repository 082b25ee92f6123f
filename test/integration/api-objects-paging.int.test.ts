/**
 * `objects` pages with keyset cursors: walking a list page by page gives exactly the list read in
 * one page, for every ordering (ties and missing values included), and objects added between two
 * pages (before or after the cursor) neither repeat nor hide the objects that follow it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { createTestApi, type GqlResponse, type TestApi } from '../support/api';
import { connectTestGraph, resetGraph } from '../support/graph';
import { bundle, sdo, sid, TLP, type Stix } from '../support/stix-fixtures';

const QUERY = `query ($filter: StixObjectFilter, $orderBy: StixObjectOrder, $first: Int, $after: String) {
  objects(types: ["malware"], filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id name } } } }`;

/** 17 malware: duplicate names (in several cases), missing and tied confidences, tied dates. */
function fixture(): Stix[] {
  const names = ['delta', 'Alpha', 'charlie', 'alpha', 'Bravo', 'echo', 'ECHO', 'foxtrot', 'golf', 'hotel', 'alpha', 'India', 'juliet', 'kilo', 'Lima', 'mike', 'bravo'];
  return names.map((name, i) =>
    sdo('malware', sid('malware', i + 1), {
      name,
      is_family: true,
      ...(i % 3 === 0 ? {} : { confidence: (i % 4) * 10 }),
      created: `2024-0${1 + (i % 3)}-01T00:00:00.000Z`,
      modified: `2024-0${4 + (i % 5)}-15T12:00:00.000Z`,
    }),
  );
}

describe('objects: keyset cursors', () => {
  let graph: Graph;
  let api: TestApi;
  let reader: string;

  beforeAll(async () => {
    graph = connectTestGraph();
    await resetGraph(graph);
    api = createTestApi(graph);
    await api.services.auth.ensureSchema();
    const report = await api.services.stixImport.importBundle(
      bundle([...fixture(), sdo('malware', sid('malware', 99), { name: 'aaa secret', is_family: true, object_marking_refs: [TLP.RED] })]),
      { viewer: SYSTEM_VIEWER },
    );
    expect(report.errors).toEqual([]);
    reader = await api.token('reader', 'GREEN');
  });
  afterAll(async () => graph.close());

  const ids = (r: any): string[] => r.data?.objects.edges.map((e: any) => e.node.id) ?? [];

  async function walk(orderBy: Record<string, string>, first: number): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const r: GqlResponse<Record<string, any>> = await api.gql(reader, QUERY, { orderBy, first, after });
      expect(r.errors).toBeUndefined();
      seen.push(...ids(r));
      expect(r.data?.objects.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!r.data?.objects.pageInfo.hasNextPage) return seen;
      after = r.data?.objects.pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  }

  it('walks every ordering page by page to exactly the list read at once', async () => {
    for (const field of ['NAME', 'CREATED', 'MODIFIED', 'CONFIDENCE']) {
      for (const direction of ['ASC', 'DESC']) {
        const orderBy = { field, direction };
        const all = await api.gql(reader, QUERY, { orderBy, first: 500 });
        const reference = ids(all);
        expect(reference, `${field} ${direction}`).toHaveLength(17);
        expect(await walk(orderBy, 3), `${field} ${direction}`).toEqual(reference);
        expect(await walk(orderBy, 1), `${field} ${direction}`).toEqual(reference);
      }
    }
    // Missing confidences come last ascending and first descending, ties broken by id.
    const asc = await api.gql(reader, `{ objects(types: ["malware"], orderBy: { field: CONFIDENCE }, first: 500) {
      edges { node { id confidence } } } }`);
    const confidences = asc.data?.objects.edges.map((e: any) => e.node.confidence);
    expect(confidences.slice(-6)).toEqual([null, null, null, null, null, null]);
    expect(confidences.slice(0, 11)).toEqual([...confidences.slice(0, 11)].sort((a: number, b: number) => a - b));
  });

  it('keeps its place when objects are added before and after the cursor', async () => {
    const orderBy = { field: 'NAME', direction: 'ASC' };
    const before = ids(await api.gql(reader, QUERY, { orderBy, first: 500 }));
    const page1 = await api.gql(reader, QUERY, { orderBy, first: 5 });
    expect(ids(page1)).toEqual(before.slice(0, 5));

    // New objects sorting before the cursor (one a name tie) and after it.
    const added = [
      sdo('malware', sid('malware', 201), { name: 'aardvark', is_family: true }),
      sdo('malware', sid('malware', 202), { name: 'zulu', is_family: true }),
      sdo('malware', sid('malware', 203), { name: 'alpha', is_family: true }),
    ];
    const report = await api.services.stixImport.importBundle(bundle(added, 2), { viewer: SYSTEM_VIEWER });
    expect(report.errors).toEqual([]);

    const page2 = await api.gql(reader, QUERY, { orderBy, first: 500, after: page1.data?.objects.pageInfo.endCursor });
    const after = ids(await api.gql(reader, QUERY, { orderBy, first: 500 }));
    const lastOfPage1 = before[4]!;
    // Exactly what now follows the last object of page 1: nothing repeated, nothing skipped.
    expect(ids(page2)).toEqual(after.slice(after.indexOf(lastOfPage1) + 1));
    expect(ids(page2)).toContain(sid('malware', 202));
    expect(ids(page2)).not.toContain(sid('malware', 201));
    for (const id of before.slice(5)) expect(ids(page2)).toContain(id);
  });

  it('refuses cursors of another ordering, of another list and made up ones', async () => {
    const page = await api.gql(reader, QUERY, { orderBy: { field: 'NAME', direction: 'ASC' }, first: 2 });
    const cursor = page.data?.objects.pageInfo.endCursor;
    const otherOrder = await api.gql(reader, QUERY, { orderBy: { field: 'NAME', direction: 'DESC' }, after: cursor });
    expect(otherOrder.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(otherOrder.errors?.[0]?.message).toMatch(/after.*another ordering/);

    const search = await api.gql(reader, '{ search(text: "alpha", first: 1) { pageInfo { endCursor } } }');
    const searchCursor = search.data?.search.pageInfo.endCursor;
    expect(typeof searchCursor).toBe('string');
    const mixed = await api.gql(reader, QUERY, { after: searchCursor });
    expect(mixed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const forged = Buffer.from('k:["name",0,{"$gt":""},"x"]').toString('base64url');
    for (const after of [forged, 'not a cursor', 'x'.repeat(5000), Buffer.from('k:["name",0,"a"]').toString('base64url')]) {
      const r = await api.gql(reader, QUERY, { after });
      expect(r.errors?.[0]?.extensions?.code, after.slice(0, 40)).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.message).toMatch(/after/);
    }
  });
});
