/**
 * Test access to the real Neo4j chosen by test/setup/neo4j.global-setup.ts.
 *
 * Isolation: test files run one at a time (vitest.config.ts) and each starts from an empty graph
 * via `resetGraph`. Safety: a database is only wiped when it is empty or carries the marker node
 * written by a previous test run, so pointing NEO4J_URI at a real database fails loudly instead
 * of deleting it.
 */
import { inject } from 'vitest';
import { createGraph, type Graph } from '../../api/src/graph/driver';
import { cypher } from '../../api/src/graph/cypher';
import { applyMigrations } from '../../api/src/graph/migrations';

const MARKER_LABEL = 'AttributionGraphTestDatabase';

const COUNT_FOREIGN = cypher(
  'test-count-foreign',
  'READ',
  `OPTIONAL MATCH (m:${MARKER_LABEL}) WITH count(m) AS markers
   OPTIONAL MATCH (n) WHERE NOT n:${MARKER_LABEL} WITH markers, count(n) AS nodes
   RETURN markers, nodes`,
);
const MARK = cypher('test-mark', 'WRITE', `MERGE (:${MARKER_LABEL} {note: 'tests may delete everything here'})`);
const DELETE_BATCH = cypher(
  'test-delete-batch',
  'WRITE',
  `MATCH (n) WHERE NOT n:${MARKER_LABEL} WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted`,
);

export function testNeo4j() {
  return inject('neo4j');
}

export function connectTestGraph(): Graph {
  const target = inject('neo4j');
  return createGraph({
    uri: target.uri,
    user: target.user,
    password: target.password,
    database: target.database,
    queryTimeoutMs: 120_000,
    appName: 'attribution-graph-tests',
  });
}

/** Deletes all data (keeping the test marker), after checking the database is a test database. */
export async function resetGraph(graph: Graph): Promise<void> {
  const [state] = await graph.read((tx) => tx.run(COUNT_FOREIGN));
  if (state && state.markers === 0 && Number(state.nodes) > 0) {
    throw new Error(
      `Refusing to wipe ${graph.uri} (database ${graph.database}): it holds ${state.nodes} nodes and no test marker. ` +
        'Point NEO4J_URI at a disposable database, or unset it to use the local test Neo4j.',
    );
  }
  await graph.write((tx) => tx.run(MARK));
  for (;;) {
    const [row] = await graph.write((tx) => tx.run(DELETE_BATCH));
    if (!row || row.deleted === 0) break;
  }
  await applyMigrations(graph);
}
