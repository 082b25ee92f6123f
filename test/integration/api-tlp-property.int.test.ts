/**
 * Property: whatever the graph and the markings, no query reveals the id or the name of an object
 * (or relationship) marked above the caller's clearance, and counts only count what is visible.
 * Random bundles with random TLP 1.0 / 2.0 / unknown markings are imported through the STIX import
 * service; every exploration query is asked as a viewer of a random clearance.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { TLP_LEVELS, type TlpLevel } from '../../schema/graph/kinds';
import { createTestApi, type TestApi } from '../support/api';
import { connectTestGraph, resetGraph } from '../support/graph';
import { bundle, rel, sdo, sid, TLP, type Stix } from '../support/stix-fixtures';
import { DEFAULT_COLLECTION_ID } from '../../api/src/services/taxii.service';

const UNKNOWN_MARKING = 'marking-definition--00000000-dead-4000-8000-000000000001';
/** Marking choice → rank it confers (null: unmarked). */
const MARKINGS: readonly [string | null, number][] = [
  [null, 0],
  [TLP.CLEAR, 0],
  [TLP.WHITE_1_0, 0],
  [TLP.GREEN, 1],
  [TLP.AMBER, 2],
  [TLP.AMBER_1_0, 2],
  [TLP['AMBER+STRICT'], 3],
  [TLP.RED, 4],
  [TLP.RED_1_0, 4],
  [UNKNOWN_MARKING, 4],
];
const TYPES = ['intrusion-set', 'malware', 'tool', 'attack-pattern', 'threat-actor', 'campaign'] as const;
const REL_TYPES = ['uses', 'targets', 'attributed-to', 'related-to', 'indicates'] as const;

const arbGraph = fc.record({
  nodes: fc.array(fc.record({ type: fc.constantFrom(...TYPES), marking: fc.nat(MARKINGS.length - 1) }), { minLength: 2, maxLength: 9 }),
  edges: fc.array(
    fc.record({ from: fc.nat(8), to: fc.nat(8), type: fc.constantFrom(...REL_TYPES), marking: fc.nat(MARKINGS.length - 1) }),
    { maxLength: 14 },
  ),
  clearance: fc.constantFrom(...TLP_LEVELS),
});

describe('TLP clearance holds on every query path (property)', () => {
  let graph: Graph;
  let api: TestApi;
  const tokens = new Map<TlpLevel, string>();
  /** Every object imported so far: id → [rank, name]. */
  const stored = new Map<string, { rank: number; name: string | null; ends?: string[] }>();
  let run = 0;

  beforeAll(async () => {
    graph = connectTestGraph();
    await resetGraph(graph);
    api = createTestApi(graph);
    await api.services.auth.ensureSchema();
    for (const level of TLP_LEVELS) tokens.set(level, await api.token('reader', level));
  });
  afterAll(async () => graph.close());

  it('never reveals a forbidden id or name, and counts only visible objects', async () => {
    await fc.assert(
      fc.asyncProperty(arbGraph, async ({ nodes, edges, clearance }) => {
        run += 1;
        const objects: Stix[] = [];
        const ids: string[] = [];
        const names: string[] = [];
        nodes.forEach((n, i) => {
          const id = sid(n.type, i + 1, run);
          const [marking, rank] = MARKINGS[n.marking]!;
          const name = `obj${run}x${i}q${n.type.replace('-', '')}`;
          objects.push(sdo(n.type, id, { name, ...(n.type === 'malware' ? { is_family: true } : {}), ...(marking ? { object_marking_refs: [marking] } : {}) }));
          stored.set(id, { rank, name });
          ids.push(id);
          names.push(name);
        });
        const nodeIds = [...ids];
        edges.forEach((e, i) => {
          const from = nodeIds[e.from % nodeIds.length]!;
          const to = nodeIds[e.to % nodeIds.length]!;
          if (from === to) return;
          const id = sid('relationship', i + 1, run);
          const [marking, rank] = MARKINGS[e.marking]!;
          objects.push(rel(id, e.type, from, to, marking ? { object_marking_refs: [marking] } : {}));
          stored.set(id, { rank, name: null, ends: [from, to] });
          ids.push(id);
        });
        const report = await api.services.stixImport.importBundle(bundle(objects, run), { viewer: SYSTEM_VIEWER });
        expect(report.errors).toEqual([]);

        const clearanceRank = TLP_LEVELS.indexOf(clearance);
        const forbidden = [...stored].filter(([, o]) => o.rank > clearanceRank);
        const visibleCount = [...stored.values()].filter((o) => o.rank <= clearanceRank).length;
        const token = tokens.get(clearance)!;

        const asViewer = async (query: string, variables: Record<string, unknown> = {}) => ({ ...(await api.gql(token, query, variables)), query });
        const responses = await Promise.all([
          asViewer(`{ objects(first: 500) { totalCount edges { node { id name createdBy { id } markings { id name } } } } }`),
          asViewer(
            `query ($ids: [ID!]!) {
              stixObjects(ids: $ids) { id name ... on Relationship { source { id name } target { id name } } }
              neighborhood(ids: $ids, depth: 3, limit: 2000, includeRefs: true) {
                nodes { id name object { id name } } edges { id source target } truncated }
            }`,
            { ids: ids.slice(0, 100) },
          ),
          ...names.map((text) => asViewer(`query ($text: String!) { search(text: $text) { totalCount edges { node { id name } } } }`, { text })),
          // STIX JSON as stored: a relationship naming a forbidden end is withheld, like on TAXII.
          asViewer(`query ($ids: [ID!]!) { exportStixBundle(ids: $ids, depth: 1) }`, { ids: ids.slice(0, 100) }),
          ...ids.map((id) =>
            asViewer(
              `query ($id: ID!) {
                relationships(id: $id) { edges { node { id sourceId targetId source { name } target { name } relationship { id name } } } }
                stixObject(id: $id) { id name raw } }`,
              { id },
            ),
          ),
          ...ids.slice(0, 4).flatMap((from) =>
            ids.slice(0, 4).map((to) =>
              asViewer(
                `query ($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxLength: 6) { nodes { id name } edges { id source target } } }`,
                { from, to },
              ),
            ),
          ),
        ]);
        for (const r of responses) {
          expect(r.errors, JSON.stringify(r.errors) + (r as any).query).toBeUndefined();
          const text = JSON.stringify(r.data);
          for (const [id, o] of forbidden) {
            expect(text.includes(id), `forbidden id ${id} (rank ${o.rank}) revealed to ${clearance}`).toBe(false);
            if (o.name) expect(text.includes(o.name), `forbidden name ${o.name} revealed to ${clearance}`).toBe(false);
          }
        }
        expect(responses[0]!.data?.objects.totalCount).toBe(visibleCount);
        names.forEach((name, i) => {
          const total = responses[2 + i]!.data?.search.totalCount;
          expect(total, `search for ${name}`).toBe(stored.get(ids[i]!)!.rank <= clearanceRank ? 1 : 0);
        });

        // TAXII: objects, manifest, object by id, versions; a forbidden object answers exactly as
        // an absent one does. A relationship names its ends, so one with a forbidden end is not
        // served either.
        const servable = (o: { rank: number; ends?: string[] }) =>
          o.rank <= clearanceRank && (o.ends ?? []).every((end) => stored.get(end)!.rank <= clearanceRank);
        const servableCount = [...stored.values()].filter(servable).length;
        const taxii = async (path: string) => {
          const response = await api.app.fetch(
            new Request(`http://localhost/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/${path}`, {
              headers: { authorization: `Bearer ${token}`, accept: 'application/taxii+json;version=2.1' },
            }),
          );
          return { status: response.status, text: await response.text() };
        };
        const listed = await Promise.all([taxii('objects/?match[version]=all&limit=10000'), taxii('manifest/?limit=10000')]);
        for (const r of listed) {
          expect(r.status).toBe(200);
          for (const [id] of forbidden) expect(r.text.includes(id), `TAXII revealed ${id} to ${clearance}`).toBe(false);
          expect((JSON.parse(r.text) as { objects?: unknown[] }).objects?.length ?? 0).toBe(servableCount);
        }
        const absent = await taxii(`objects/${sid('malware', 0xfffff, 0xffff)}/`);
        for (const id of ids) {
          const [one, versions] = await Promise.all([taxii(`objects/${id}/`), taxii(`objects/${id}/versions/`)]);
          if (!servable(stored.get(id)!)) {
            expect(one).toEqual(absent);
            expect(versions).toEqual(absent);
          } else {
            expect(JSON.parse(one.text).objects.map((o: Stix) => o.id)).toEqual([id]);
            expect(versions.status).toBe(200);
          }
        }
      }),
      { numRuns: 30, seed: Number(process.env.FC_SEED ?? 20251211), endOnFailure: true },
    );
  });
});
