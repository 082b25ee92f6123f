/**
 * Schema migrations: constraints and indexes, all `IF NOT EXISTS`, applied at every start.
 * Applying them twice is a no-op. Labels come from schema/graph/kinds.ts.
 */
import { METADATA_REFS, QUARANTINED, SAVED_VIEW, STIX_OBJECT, STIX_TYPE_LABELS, STIX_VERSION } from '../../../schema/graph/kinds';
import { cypher, type CypherQuery } from './cypher';
import type { Graph } from './driver';

export const FULLTEXT_INDEX = 'stix_fulltext';

/**
 * Opening clause of every full-text search: waits until committed writes are in the
 * eventually-consistent index (returns at once when nothing is pending), so search reads its writes.
 */
export const AWAIT_FULLTEXT = 'CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()';

export const MIGRATIONS: readonly CypherQuery[] = [
  cypher(
    'constraint-stix-id',
    'WRITE',
    `CREATE CONSTRAINT stix_id_unique IF NOT EXISTS FOR (n:${STIX_OBJECT}) REQUIRE n.id IS UNIQUE`,
  ),
  cypher(
    'constraint-saved-view-id',
    'WRITE',
    `CREATE CONSTRAINT saved_view_id_unique IF NOT EXISTS FOR (v:${SAVED_VIEW}) REQUIRE v.id IS UNIQUE`,
  ),
  cypher(
    'constraint-quarantined-id',
    'WRITE',
    `CREATE CONSTRAINT quarantined_id_unique IF NOT EXISTS FOR (q:${QUARANTINED}) REQUIRE q.id IS UNIQUE`,
  ),
  cypher('index-quarantined-import', 'WRITE', `CREATE INDEX quarantined_import IF NOT EXISTS FOR (q:${QUARANTINED}) ON (q.import_id)`),
  cypher('index-stix-type', 'WRITE', `CREATE INDEX stix_type IF NOT EXISTS FOR (n:${STIX_OBJECT}) ON (n.type)`),
  cypher('index-stix-name', 'WRITE', `CREATE INDEX stix_name IF NOT EXISTS FOR (n:${STIX_OBJECT}) ON (n.name)`),
  cypher(
    'index-stix-modified',
    'WRITE',
    `CREATE INDEX stix_modified IF NOT EXISTS FOR (n:${STIX_OBJECT}) ON (n.modified)`,
  ),
  cypher(
    'index-version-id',
    'WRITE',
    `CREATE INDEX stix_version_id IF NOT EXISTS FOR (v:${STIX_VERSION}) ON (v.id, v.modified)`,
  ),
  // Eventually consistent: Lucene indexing runs after the commit on Neo4j's own thread instead of
  // inside it (about a quarter of an ATT&CK import's database time, measured with JFR and
  // bench/import.ts); search queries wait for it (AWAIT_FULLTEXT),
  // so a search never misses what is committed. See docs/graph-model.md.
  cypher(
    'fulltext-stix',
    'WRITE',
    `CREATE FULLTEXT INDEX ${FULLTEXT_INDEX} IF NOT EXISTS FOR (n:${STIX_OBJECT})
     ON EACH [n.name, n.description, n.aliases_text, n.external_ids_text]
     OPTIONS { indexConfig: { \`fulltext.eventually_consistent\`: true } }`,
  ),
];

/** A full-text index created before it became eventually consistent (older databases). */
const FULLTEXT_SYNCHRONOUS = cypher(
  'fulltext-stix-synchronous',
  'READ',
  `SHOW FULLTEXT INDEXES YIELD name, options
   WHERE name = $name AND coalesce(options.indexConfig['fulltext.eventually_consistent'], false) = false
   RETURN name`,
);
const DROP_FULLTEXT = cypher('fulltext-stix-drop', 'WRITE', `DROP INDEX ${FULLTEXT_INDEX} IF EXISTS`);

/**
 * Edge types older databases hold for refs that are no longer edges (kinds.isEdgeRef). Not part of
 * the vocabulary any more; named here only to notice such a database cheaply (a relationship-type
 * index lookup), so a current database pays nothing at start.
 */
const LEGACY_REF_EDGES_PRESENT = cypher(
  'legacy-ref-edges-present',
  'READ',
  `MATCH ()-[r:CREATED_BY|MARKED_BY|SOURCE_REF|TARGET_REF]->()
   WITH r LIMIT 1
   RETURN count(r) AS found`,
);

/**
 * One batch of ref edges that kinds.isEdgeRef no longer makes (ref edges carry `property`, the
 * JSON path whose last key is the ref's name): metadata refs, and a relationship's own ends.
 */
const DELETE_LEGACY_REF_EDGES = cypher(
  'delete-legacy-ref-edges',
  'WRITE',
  `MATCH (a:${STIX_OBJECT})-[r]->()
   WHERE r.property IS NOT NULL
     AND (last(split(r.property, '.')) IN $metadataRefs
          OR (a:${STIX_TYPE_LABELS.relationship} AND r.property IN ['source_ref', 'target_ref']))
   WITH r LIMIT 10000
   DELETE r
   RETURN count(*) AS deleted`,
);

const AWAIT_INDEXES = cypher('await-indexes', 'READ', 'CALL db.awaitIndexes(300)');

/** Applies every migration (schema changes run one per transaction, as Neo4j requires). */
export async function applyMigrations(graph: Graph): Promise<void> {
  const synchronous = await graph.read((tx) => tx.run(FULLTEXT_SYNCHRONOUS, { name: FULLTEXT_INDEX }));
  if (synchronous.length > 0) {
    // Recreated with the new options just below; the index is rebuilt in the background.
    await graph.write((tx) => tx.run(DROP_FULLTEXT), { metadata: { migration: DROP_FULLTEXT.name } });
  }
  for (const migration of MIGRATIONS) {
    await graph.write((tx) => tx.run(migration), { metadata: { migration: migration.name } });
  }
  // Data: a database written before metadata refs and relationship ends stopped being edges.
  const [legacy] = await graph.read((tx) => tx.run(LEGACY_REF_EDGES_PRESENT));
  if (Number(legacy?.found) > 0) {
    const metadataRefs = [...METADATA_REFS];
    for (;;) {
      const [row] = await graph.write((tx) => tx.run(DELETE_LEGACY_REF_EDGES, { metadataRefs }), {
        metadata: { migration: DELETE_LEGACY_REF_EDGES.name },
      });
      if (!row || Number(row.deleted) === 0) break;
    }
  }
  await graph.read((tx) => tx.run(AWAIT_INDEXES));
}
