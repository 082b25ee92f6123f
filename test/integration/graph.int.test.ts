import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cypher } from '../../api/src/graph/cypher';
import { createGraph, type Graph } from '../../api/src/graph/driver';
import { applyMigrations } from '../../api/src/graph/migrations';
import { GraphUnavailableError } from '../../api/src/errors';
import { connectTestGraph, resetGraph, testNeo4j } from '../support/graph';

const CREATE = cypher(
  'test-create',
  'WRITE',
  'CREATE (n:StixObject {id: $id, type: $type, name: $name, created: datetime($created)}) RETURN n.id AS id',
);
const READ = cypher(
  'test-read',
  'READ',
  'MATCH (n:StixObject {id: $id}) RETURN n.name AS name, n.created AS created, 40 + 2 AS answer, n AS node',
);
const SHOW_CONSTRAINTS = cypher('test-constraints', 'READ', 'SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names');
const SHOW_INDEXES = cypher(
  'test-indexes',
  'READ',
  "SHOW INDEXES YIELD name, type, state WHERE type IN ['RANGE', 'FULLTEXT'] RETURN collect(name) AS names, collect(state) AS states",
);

describe('the database module against the real Neo4j', () => {
  let graph: Graph;

  beforeAll(async () => {
    graph = connectTestGraph();
    await resetGraph(graph);
  });
  afterAll(async () => {
    await graph.close();
  });

  it('connects to Neo4j 5 on the configured database', async () => {
    await graph.verify();
    expect(graph.database).toBe(testNeo4j().database);
  });

  it('applies migrations idempotently', async () => {
    await applyMigrations(graph);
    await applyMigrations(graph);
    const [constraints] = await graph.read((tx) => tx.run(SHOW_CONSTRAINTS));
    const [indexes] = await graph.read((tx) => tx.run(SHOW_INDEXES));
    expect(constraints?.names).toContain('stix_id_unique');
    expect(indexes?.names).toEqual(expect.arrayContaining(['stix_type', 'stix_name', 'stix_fulltext']));
    expect(new Set(indexes?.states as string[])).toEqual(new Set(['ONLINE']));
  });

  it('removes the ref edges an older database kept for metadata refs and relationship ends, and only those', async () => {
    // The shape an import wrote before metadata refs stopped being edges (docs/graph-model.md).
    const LEGACY = cypher(
      'test-legacy-edges',
      'WRITE',
      `CREATE (mitre:StixObject:Identity {id: 'identity--m'}), (tlp:StixObject:MarkingDefinition {id: 'marking-definition--t'}),
              (a:StixObject:IntrusionSet {id: 'intrusion-set--a'}), (b:StixObject:Malware {id: 'malware--b'}),
              (r:StixObject:Relationship {id: 'relationship--r', relationship_type: 'uses', source_ref: 'intrusion-set--a', target_ref: 'malware--b'}),
              (rep:StixObject:Report {id: 'report--p'}), (nt:StixObject:CustomObject {id: 'network-traffic--n'})
       CREATE (a)-[:CREATED_BY {property: 'created_by_ref'}]->(mitre), (a)-[:MARKED_BY {property: 'object_marking_refs'}]->(tlp),
              (a)-[:REFERS_TO {property: 'x_mitre_modified_by_ref'}]->(mitre),
              (a)-[:REFERS_TO {property: 'granular_markings[0].marking_ref'}]->(tlp),
              (r)-[:SOURCE_REF {property: 'source_ref'}]->(a), (r)-[:TARGET_REF {property: 'target_ref'}]->(b),
              (a)-[:USES {id: 'relationship--r', relationship_type: 'uses'}]->(b),
              (rep)-[:CONTAINS_REF {property: 'object_refs'}]->(r),
              (nt)-[:REFERS_TO {property: 'encapsulated_by_ref'}]->(nt)`,
    );
    const EDGES = cypher('test-edge-list', 'READ', 'MATCH (x)-[e]->(y) RETURN type(e) + " " + coalesce(e.property, "-") AS edge ORDER BY edge');
    await resetGraph(graph);
    await graph.write((tx) => tx.run(LEGACY));
    await applyMigrations(graph);
    expect((await graph.read((tx) => tx.run(EDGES))).map((r) => r.edge)).toEqual([
      'CONTAINS_REF object_refs',
      'REFERS_TO encapsulated_by_ref',
      'USES -',
    ]);
    await resetGraph(graph);
  });

  it('rejects a second object with the same STIX id and keeps the first', async () => {
    const id = 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';
    const created = '2025-12-11T20:00:00Z';
    await graph.write((tx) => tx.run(CREATE, { id, type: 'indicator', name: 'first', created }));
    await expect(
      graph.write((tx) => tx.run(CREATE, { id, type: 'indicator', name: 'second', created })),
    ).rejects.toMatchObject({ code: 'Neo.ClientError.Schema.ConstraintValidationFailed' });
    const rows = await graph.read((tx) => tx.run(READ, { id }));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.name).toBe('first');
  });

  it('writeOnce with rollback returns what the work read inside the transaction and stores nothing', async () => {
    const id = 'indicator--3b0f1a52-2a53-4c55-9d3e-7c1f0d1e2a01';
    const created = '2025-12-11T20:00:00Z';
    const seen = await graph.writeOnce(
      async (tx) => {
        await tx.run(CREATE, { id, type: 'indicator', name: 'dry', created });
        return (await tx.run(READ, { id }))[0]?.name;
      },
      { rollback: true },
    );
    expect(seen).toBe('dry');
    expect(await graph.read((tx) => tx.run(READ, { id }))).toHaveLength(0);
    // Without it, the same work commits.
    await graph.writeOnce((tx) => tx.run(CREATE, { id, type: 'indicator', name: 'kept', created }));
    expect((await graph.read((tx) => tx.run(READ, { id })))[0]?.name).toBe('kept');
  });

  it('returns plain values: integers as numbers, temporals as ISO strings, nodes as properties', async () => {
    const id = 'campaign--0c7b5b88-8ff7-4a4d-aa9c-feb398cd0061';
    await graph.write((tx) => tx.run(CREATE, { id, type: 'campaign', name: 'c', created: '2025-12-11T20:00:00Z' }));
    const [row] = await graph.read((tx) => tx.run(READ, { id }));
    expect(row?.answer).toBe(42);
    expect(row?.created).toBe('2025-12-11T20:00:00Z');
    expect(row?.node).toMatchObject({ id, type: 'campaign', name: 'c' });
  });

  it('refuses a write query inside a read transaction', async () => {
    await expect(
      graph.read((tx) => tx.run(CREATE, { id: 'x--1', type: 'x', name: 'x', created: '2025-01-01T00:00:00Z' })),
    ).rejects.toThrow(/cannot run in a read transaction/);
  });

  it('fails fast with GraphUnavailableError when Neo4j cannot be reached', async () => {
    const target = testNeo4j();
    const dead = createGraph({
      uri: 'bolt://127.0.0.1:1',
      user: target.user,
      password: target.password,
      database: target.database,
      queryTimeoutMs: 1000,
      acquisitionTimeoutMs: 1000,
    });
    const started = Date.now();
    await expect(dead.verify()).rejects.toBeInstanceOf(GraphUnavailableError);
    expect(Date.now() - started).toBeLessThan(30_000);
    await dead.close();
  });

  it('counts round trips', async () => {
    const before = graph.stats().queries;
    await graph.read(async (tx) => {
      await tx.run(SHOW_CONSTRAINTS);
      await tx.run(SHOW_INDEXES);
    });
    expect(graph.stats().queries - before).toBe(2);
  });
});
