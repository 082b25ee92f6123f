/**
 * No N+1: a 2-hop neighbourhood of ~500 elements, with every node's full object, its creator and
 * its markings, costs a small fixed number of Neo4j round trips (graph.stats().queries).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { createTestApi, type TestApi } from '../support/api';
import { connectTestGraph, resetGraph } from '../support/graph';
import { bundle, rel, sdo, sid, TLP, type Stix } from '../support/stix-fixtures';

const HUB = sid('intrusion-set', 1);
const CREATOR = sid('identity', 1);
const TECHNIQUES = 100;
const MITIGATIONS_PER_TECHNIQUE = 4;

function fixture(): Stix[] {
  const objects: Stix[] = [
    sdo('identity', CREATOR, { name: 'Creator', identity_class: 'organization' }),
    sdo('intrusion-set', HUB, { name: 'Hub Group', created_by_ref: CREATOR, object_marking_refs: [TLP.GREEN] }),
  ];
  let r = 0;
  for (let t = 1; t <= TECHNIQUES; t++) {
    const tech = sid('attack-pattern', t);
    objects.push(sdo('attack-pattern', tech, { name: `Technique ${t}`, created_by_ref: CREATOR, object_marking_refs: [TLP.GREEN] }));
    objects.push(rel(sid('relationship', ++r), 'uses', HUB, tech));
    for (let m = 1; m <= MITIGATIONS_PER_TECHNIQUE; m++) {
      const coa = sid('course-of-action', (t - 1) * MITIGATIONS_PER_TECHNIQUE + m);
      objects.push(sdo('course-of-action', coa, { name: `Mitigation ${t}.${m}`, created_by_ref: CREATOR }));
      objects.push(rel(sid('relationship', ++r), 'mitigates', coa, tech));
    }
  }
  return objects;
}

describe('batched reads', () => {
  let graph: Graph;
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    graph = connectTestGraph();
    await resetGraph(graph);
    api = createTestApi(graph);
    await api.services.auth.ensureSchema();
    const report = await api.services.stixImport.importBundle(bundle(fixture()), { viewer: SYSTEM_VIEWER });
    expect(report.errors).toEqual([]);
    token = await api.token('reader', 'GREEN');
    await api.gql(token, '{ viewer { id } }'); // authentication is cached from here on
  });
  afterAll(async () => graph.close());

  it('serves a 2-hop neighbourhood of ~500 elements with full objects in a bounded number of round trips', async () => {
    const before = graph.stats().queries;
    const r = await api.gql(
      token,
      `query ($ids: [ID!]!) { neighborhood(ids: $ids, depth: 2, limit: 1000) {
        nodes { id type name object { id name description createdBy { id name } markings { id name } externalIds } }
        edges { id type source target relationshipType }
        truncated } }`,
      { ids: [HUB] },
    );
    const roundTrips = graph.stats().queries - before;
    expect(r.errors).toBeUndefined();
    const { nodes, edges, truncated } = r.data?.neighborhood ?? {};
    expect(nodes).toHaveLength(1 + TECHNIQUES + TECHNIQUES * MITIGATIONS_PER_TECHNIQUE);
    expect(edges).toHaveLength(TECHNIQUES + TECHNIQUES * MITIGATIONS_PER_TECHNIQUE);
    expect(truncated).toBe(false);
    expect(nodes.every((n: any) => n.object.createdBy.id === CREATOR)).toBe(true);
    // the neighbourhood (one query) + one batch of objects + one batch of creators
    expect(roundTrips).toBeLessThanOrEqual(3);
  });

  it('serves a 500-item page with creators in a bounded number of round trips', async () => {
    const before = graph.stats().queries;
    const r = await api.gql(token, `{ objects(first: 500, types: ["course-of-action", "attack-pattern"]) {
      totalCount edges { node { id createdBy { id } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data?.objects.edges).toHaveLength(500);
    // page + count + one batch of creators
    expect(graph.stats().queries - before).toBeLessThanOrEqual(3);
  });
});
