/**
 * The app unchanged behind a routing URI (`neo4j://`), as a Neo4j cluster or Aura needs: the
 * driver asks the server for its routing table, sends reads to readers and writes to the writer,
 * and the graph module's shared bookmark manager makes every read see the writes committed before
 * it (read your writes) — here against the single local Neo4j, which routes to itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraph, type Graph } from '../../api/src/graph/driver';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { freshTestApi, type TestApi } from '../support/api';
import { testNeo4j } from '../support/graph';
import { bundle, sdo, sid } from '../support/stix-fixtures';

function routingUri(uri: string): string {
  const url = new URL(uri);
  return `neo4j://${url.host}`;
}

describe('a routing URI (neo4j://)', () => {
  let graph: Graph;
  let api: TestApi;
  let reader: string;

  beforeAll(async () => {
    const target = testNeo4j();
    graph = createGraph({
      uri: routingUri(target.uri),
      user: target.user,
      password: target.password,
      database: target.database,
      queryTimeoutMs: 60_000,
      appName: 'attribution-graph-tests',
    });
    api = await freshTestApi(graph);
    reader = await api.token('reader', 'GREEN');
  });
  afterAll(async () => graph.close());

  it('connects through the routing table, imports, and reads each write back at once', async () => {
    expect(graph.uri.startsWith('neo4j://')).toBe(true);
    await graph.verify();
    for (let round = 0; round < 5; round++) {
      const id = sid('intrusion-set', 100 + round, 7);
      const report = await api.services.stixImport.importBundle(bundle([sdo('intrusion-set', id, { name: `Routed set ${round}` })], round + 1), {
        viewer: SYSTEM_VIEWER,
      });
      expect(report.created).toBe(1);
      // Straight after the write's commit: the read carries its bookmark, so it sees the object.
      const read = await api.gql(reader, 'query ($id: ID!) { stixObject(id: $id) { id name } }', { id });
      expect(read.errors).toBeUndefined();
      expect(read.data?.stixObject).toEqual({ id, name: `Routed set ${round}` });
    }
  });

  it('refuses to run a write query in a read', async () => {
    const { cypher } = await import('../../api/src/graph/cypher');
    const write = cypher('test-routing-write', 'WRITE', 'CREATE (:RoutingProbe) RETURN 1 AS one');
    await expect(graph.read((tx) => tx.run(write))).rejects.toThrow(/writes and cannot run in a read transaction/);
  });
});
