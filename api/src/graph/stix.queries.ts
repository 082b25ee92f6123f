/**
 * Cypher for STIX import and export. Labels and relationship types are spliced into the text only
 * from schema/graph/kinds.ts constants (Cypher cannot parameterise them): one query per node label
 * and per edge type, generated once at load. Every STIX property name and value travels as a
 * $parameter. See docs/graph-model.md for the model these queries write.
 */
import {
  CUSTOM_OBJECT,
  DATE_ADDED_PENDING,
  PLACEHOLDER,
  PREVIOUS_VERSION,
  QUARANTINED,
  REFERS_TO,
  REF_EDGE_TYPES,
  RELATIONSHIP_EDGE_TYPES,
  STAGED,
  STIX_IMPORT,
  STIX_OBJECT,
  STIX_TYPE_LABELS,
  STIX_VERSION,
  type NodeLabel,
  type RefEdgeType,
  type RelationshipEdgeType,
} from '../../../schema/graph/kinds';
import { cypher, type CypherQuery } from './cypher';
import { referencesVisible, SHAREABLE_BY_IDS, visibleObject } from './visibility';

/**
 * Which stored objects a batch touches, and how they compare with the incoming version. It takes
 * each stored node's write lock first (an idempotent SET/REMOVE), then reads: the version decision
 * is made under the lock the write will hold until commit, so two imports of v2 and v3 over v1
 * are serialised and the later one compares with what the first committed (issue 14 #6).
 */
export const CLASSIFY = cypher(
  'stix-classify',
  'WRITE',
  `UNWIND $rows AS row
   MATCH (n:${STIX_OBJECT} {id: row.id})
   SET n.classify_lock = true
   REMOVE n.classify_lock
   WITH row, n
   RETURN row.id AS id,
     CASE WHEN n:${PLACEHOLDER} THEN 'placeholder'
          WHEN n:${STAGED} AND n.import_id = $importId THEN 'staged'
          WHEN n:${STAGED} AND EXISTS {
            MATCH (m:${STIX_IMPORT} {id: n.import_id})
            WHERE m.status = 'staged' AND coalesce(m.heartbeat_at, m.started_at) >= datetime($aliveSince)
              AND NOT (m.process_id = $processId AND NOT m.id IN $inFlight)
          } THEN 'foreign'
          WHEN n:${STAGED} THEN 'abandoned'
          ELSE 'current' END AS state,
     CASE WHEN n.modified IS NULL OR row.modified IS NULL THEN 0
          WHEN datetime(row.modified) > n.modified THEN 1
          WHEN datetime(row.modified) < n.modified THEN -1
          ELSE 0 END AS cmp,
     coalesce(n.raw_hash = row.hash, false) AS same,
     coalesce(n.revoked, false) AS revoked,
     coalesce(n.tlp_rank, 0) AS rank`,
);

/**
 * Ranks of marking-definitions already in the graph that the writer may rely on: one registered by
 * an admin or the local operator (no `marking_owner`), or by the writer themself. A marking an
 * analyst registered is unknown to everybody else (issue 14 #7: nobody pre-registers a marking id
 * so that someone else's objects carrying it become visible).
 */
export const MARKING_RANKS = cypher(
  'stix-marking-ranks',
  'READ',
  `UNWIND $ids AS id
   MATCH (m:${STIX_TYPE_LABELS['marking-definition']} {id: id})
   WHERE m.marking_rank IS NOT NULL AND NOT m:${PLACEHOLDER}
     AND (m.marking_owner IS NULL OR m.marking_owner = $writerId)
   RETURN m.id AS id, m.marking_rank AS rank`,
);

/** Before an update: the current version becomes a StixVersion hanging off the node. */
export const ARCHIVE_CURRENT = cypher(
  'stix-archive-current',
  'WRITE',
  `UNWIND $ids AS id
   MATCH (n:${STIX_OBJECT} {id: id})
   CREATE (n)-[:${PREVIOUS_VERSION}]->(v:${STIX_VERSION} {
     id: n.id, modified: n.modified, raw: n.raw, import_id: n.import_id,
     imported_by: n.imported_by, imported_at: n.imported_at, tlp_rank: n.tlp_rank,
     date_added: n.date_added})
   FOREACH (_ IN CASE WHEN n.date_added IS NULL THEN [1] ELSE [] END | SET v:${DATE_ADDED_PENDING})`,
);

/** Older versions met in the same bundle: kept in history (once). */
export const ADD_HISTORY = cypher(
  'stix-add-history',
  'WRITE',
  `UNWIND $rows AS row
   MATCH (n:${STIX_OBJECT} {id: row.id})
   MERGE (n)-[:${PREVIOUS_VERSION}]->(v:${STIX_VERSION} {id: row.id, modified: datetime(row.modified)})
   ON CREATE SET v.raw = row.raw, v.import_id = $importId, v.imported_by = $importedBy,
     v.imported_at = datetime($importedAt), v.tlp_rank = row.tlp_rank, v:${DATE_ADDED_PENDING}`,
);

/** Before an update: the typed edge of a relationship (found from its source, `source_ref`). */
export const DELETE_RELATIONSHIP_EDGES = cypher(
  'stix-delete-relationship-edges',
  'WRITE',
  `UNWIND $ids AS id
   MATCH (n:${STIX_OBJECT} {id: id})
   WHERE n.relationship_type IS NOT NULL
   MATCH (s:${STIX_OBJECT} {id: n.source_ref})-[e]->()
   WHERE e.id = id
   DELETE e`,
);

/** Before an update: every ref edge the old version owned (ref edges carry `property`). */
export const DELETE_REF_EDGES = cypher(
  'stix-delete-ref-edges',
  'WRITE',
  `UNWIND $ids AS id
   MATCH (:${STIX_OBJECT} {id: id})-[r]->()
   WHERE r.property IS NOT NULL
   DELETE r`,
);

function upsertNodeQuery(label: NodeLabel, staged: boolean, create: boolean): CypherQuery {
  // CREATE for ids the classification found absent (no lookup, no lock); MERGE otherwise.
  return cypher(
    `stix-${create ? 'create' : 'upsert'}-${label}${staged ? '-staged' : ''}`,
    'WRITE',
    `WITH datetime($importedAt) AS importedAt
     UNWIND $rows AS row
     ${create ? `CREATE (n:${STIX_OBJECT} {id: row.id})` : `MERGE (n:${STIX_OBJECT} {id: row.id})`}
     SET n = row.props,
         n.created = datetime(row.created),
         n.modified = datetime(row.modified),
         n.import_id = $importId,
         n.imported_by = $importedBy,
         n.imported_at = importedAt,
         n.writer_rank = $writerRank,
         n:${label}:${DATE_ADDED_PENDING}${staged ? `:${STAGED}` : ''}
     ${create ? '' : `REMOVE n:${PLACEHOLDER}${staged ? '' : `, n:${STAGED}`}`}`,
  );
}

/** Targets of refs: a placeholder for every id not stored yet (staged in a staged import). */
function placeholderQuery(staged: boolean): CypherQuery {
  return cypher(
    `stix-placeholders${staged ? '-staged' : ''}`,
    'WRITE',
    `UNWIND $rows AS row
     MERGE (b:${STIX_OBJECT} {id: row.id})
     ON CREATE SET b:${PLACEHOLDER}${staged ? `:${STAGED}` : ''}, b.type = row.type, b.tlp_rank = 0,
       b.import_id = $importId`,
  );
}

/** Ref edges grouped by source: one lookup per source, then one per target. */
function refEdgeQuery(type: RefEdgeType): CypherQuery {
  return cypher(
    `stix-ref-edges-${type}`,
    'WRITE',
    `UNWIND $rows AS row
     MATCH (a:${STIX_OBJECT} {id: row.from})
     UNWIND row.refs AS ref
     MATCH (b:${STIX_OBJECT} {id: ref.to})
     CREATE (a)-[:${type} {property: ref.property, tlp_rank: a.tlp_rank, writer_rank: $writerRank}]->(b)`,
  );
}

function relationshipEdgeQuery(type: RelationshipEdgeType): CypherQuery {
  return cypher(
    `stix-relationship-edges-${type}`,
    'WRITE',
    `UNWIND $rows AS row
     MATCH (s:${STIX_OBJECT} {id: row.from})
     MATCH (t:${STIX_OBJECT} {id: row.to})
     CREATE (s)-[r:${type}]->(t)
     SET r = row.props, r.writer_rank = $writerRank`,
  );
}

const NODE_LABELS: readonly NodeLabel[] = [...new Set<NodeLabel>([...Object.values(STIX_TYPE_LABELS), CUSTOM_OBJECT])];
const REF_TYPES: readonly RefEdgeType[] = [...new Set<RefEdgeType>([...Object.values(REF_EDGE_TYPES), REFERS_TO])];
const RELATIONSHIP_TYPES: readonly RelationshipEdgeType[] = [...new Set(Object.values(RELATIONSHIP_EDGE_TYPES))];

function table<K extends string>(keys: readonly K[], make: (k: K) => CypherQuery): ReadonlyMap<K, CypherQuery> {
  return new Map(keys.map((k) => [k, make(k)]));
}

export const UPSERT_NODES = table(NODE_LABELS, (l) => upsertNodeQuery(l, false, false));
export const UPSERT_NODES_STAGED = table(NODE_LABELS, (l) => upsertNodeQuery(l, true, false));
export const CREATE_NODES = table(NODE_LABELS, (l) => upsertNodeQuery(l, false, true));
export const CREATE_NODES_STAGED = table(NODE_LABELS, (l) => upsertNodeQuery(l, true, true));
export const PLACEHOLDERS = placeholderQuery(false);
export const PLACEHOLDERS_STAGED = placeholderQuery(true);
export const REF_EDGES = table(REF_TYPES, refEdgeQuery);
export const RELATIONSHIP_EDGES = table(RELATIONSHIP_TYPES, relationshipEdgeQuery);

// ---------------------------------------------------------------------------------------------
// Staged imports

export const CREATE_IMPORT_MARKER = cypher(
  'stix-import-marker-create',
  'WRITE',
  `CREATE (:${STIX_IMPORT} {id: $importId, bundle_id: $bundleId, source: $source, status: 'staged',
     started_at: datetime($importedAt), heartbeat_at: datetime($importedAt), imported_by: $importedBy,
     process_id: $processId})`,
);

/** A staged import is alive while its heartbeat is recent (one per staged batch). */
export const IMPORT_HEARTBEAT = cypher(
  'stix-import-heartbeat',
  'WRITE',
  `MATCH (m:${STIX_IMPORT} {id: $importId}) SET m.heartbeat_at = datetime()`,
);

export const FINISH_IMPORT_MARKER = cypher(
  'stix-import-marker-finish',
  'WRITE',
  `MATCH (m:${STIX_IMPORT} {id: $importId})
   SET m.status = $status, m.finished_at = datetime()`,
);

/**
 * Unfinished staged imports that are dead, to clean up: their heartbeat stopped before
 * `$aliveSince` (a crashed run elsewhere), or they were started by this process (`$processId`) and
 * are not among its imports in flight (`$inFlight`). Keyed by each import's own id, never by bundle
 * id: two imports of one bundle at once (public feeds have well-known bundle ids) never take each
 * other for abandoned (issue 14 #4).
 */
export const ABANDONED_IMPORTS = cypher(
  'stix-abandoned-imports',
  'READ',
  `MATCH (m:${STIX_IMPORT} {status: 'staged'})
   WHERE m.id <> $importId AND NOT m.id IN $inFlight
     AND (coalesce(m.heartbeat_at, m.started_at) < datetime($aliveSince)
          OR (m.process_id = $processId AND NOT m.id IN $inFlight))
   RETURN m.id AS id`,
);

/**
 * Deletes one batch of an import's staged nodes (they were never visible). A staged relationship
 * whose two ends were already visible owns a typed edge between visible nodes, which DETACH DELETE
 * of the SRO node does not reach: it is found from the SRO's `source_ref` and deleted first.
 */
export const DELETE_STAGED_BATCH = cypher(
  'stix-delete-staged-batch',
  'WRITE',
  `MATCH (n:${STAGED})
   WHERE n.import_id = $importId
   WITH n LIMIT $limit
   CALL {
     WITH n
     MATCH (s:${STIX_OBJECT} {id: n.source_ref})-[e]->()
     WHERE n.relationship_type IS NOT NULL AND e.id = n.id
     DELETE e
   }
   DETACH DELETE n
   RETURN count(*) AS deleted`,
);

/** The atomic flip: every staged node of the import becomes visible at once. */
export const UNSTAGE = cypher(
  'stix-unstage',
  'WRITE',
  `MATCH (n:${STAGED})
   WHERE n.import_id = $importId
   REMOVE n:${STAGED}
   RETURN count(n) AS flipped`,
);

// ---------------------------------------------------------------------------------------------
// Export (readers: tlp_rank <= $maxRank AND NOT Staged; placeholders are not objects; an object
// whose JSON names an object the reader may not see is withheld, as on TAXII)

/** `$originals`: repaired objects as they came (issue 13), the others as stored. */
const RAW_OR_ORIGINAL = `CASE WHEN $originals THEN coalesce(n.raw_original, n.raw) ELSE n.raw END`;

export const EXPORT_BY_IDS = cypher(
  'stix-export-by-ids',
  'READ',
  `${SHAREABLE_BY_IDS}
   RETURN n.id AS id, ${RAW_OR_ORIGINAL} AS raw`,
);

/** One page of every visible object, in id order (cursor paging keeps memory per page). */
export const EXPORT_ALL_PAGE = cypher(
  'stix-export-all-page',
  'READ',
  `MATCH (n:${STIX_OBJECT})
   WHERE n.id > $after AND ${visibleObject('n')}
   WITH n WHERE ${referencesVisible('n')}
   RETURN n.id AS id, ${RAW_OR_ORIGINAL} AS raw
   ORDER BY n.id
   LIMIT $limit`,
);

/**
 * Visible neighbours of visible nodes: over any edge but version history, in both directions; a
 * relationship's typed edge also brings the relationship SRO (`r.id`); and, forwards, what the
 * node's own properties point at: a relationship's ends and the creator (`created_by_ref`).
 * Markings are added by the export itself (they are not edges, see docs/graph-model.md).
 */
export const NEIGHBOURS = cypher(
  'stix-neighbours',
  'READ',
  `UNWIND $ids AS id
   MATCH (n:${STIX_OBJECT} {id: id})
   CALL {
     WITH n
     OPTIONAL MATCH (n)-[r]-(m:${STIX_OBJECT})
     WHERE NOT type(r) = '${PREVIOUS_VERSION}' AND coalesce(r.tlp_rank, 0) <= $maxRank
     RETURN collect(m.id) + collect(r.id) AS linked
   }
   UNWIND linked + [x IN [n.source_ref, n.target_ref, n.created_by_ref] WHERE x IS NOT NULL] AS other
   MATCH (m:${STIX_OBJECT} {id: other})
   WHERE ${visibleObject('m')}
   RETURN DISTINCT m.id AS id`,
);

export const COUNT_GRAPH = cypher(
  'stix-count-graph',
  'READ',
  `CALL { MATCH (n) RETURN count(n) AS nodes }
   CALL { MATCH ()-[r]->() RETURN count(r) AS edges }
   RETURN nodes, edges`,
);


// ---------------------------------------------------------------------------------------------
// Quarantine (issue 13): input objects an import kept aside. Readers: analysts, tlp_rank-filtered.

export const ADD_QUARANTINED = cypher(
  'stix-quarantine-add',
  'WRITE',
  `UNWIND $rows AS row
   CREATE (:${QUARANTINED} {id: row.id, import_id: $importId, object_id: row.object_id, type: row.type,
     input_path: row.path, raw: row.raw, reasons: row.reasons, tlp_rank: row.tlp_rank, source: $source,
     imported_by: $importedBy, imported_by_id: $importedById, quarantined_at: datetime($importedAt)})`,
);

const QUARANTINE_FIELDS = `q.id AS id, q.import_id AS importId, q.object_id AS objectId, q.type AS type,
   q.input_path AS path, q.reasons AS reasons, q.tlp_rank AS tlpRank, q.source AS source,
   q.imported_by AS importedBy, toString(q.quarantined_at) AS quarantinedAt`;

/** One page, newest import first then input order; `$importId` null for every import. */
export const LIST_QUARANTINED = cypher(
  'stix-quarantine-list',
  'READ',
  `MATCH (q:${QUARANTINED})
   WHERE q.tlp_rank <= $maxRank AND ($importId IS NULL OR q.import_id = $importId) AND q.id > $after
   RETURN ${QUARANTINE_FIELDS}
   ORDER BY q.id
   LIMIT $limit`,
);

export const COUNT_QUARANTINED = cypher(
  'stix-quarantine-count',
  'READ',
  `MATCH (q:${QUARANTINED})
   WHERE q.tlp_rank <= $maxRank AND ($importId IS NULL OR q.import_id = $importId)
   RETURN count(q) AS n`,
);

export const QUARANTINED_BY_IDS = cypher(
  'stix-quarantine-by-ids',
  'READ',
  `UNWIND $ids AS id
   MATCH (q:${QUARANTINED} {id: id})
   WHERE q.tlp_rank <= $maxRank
   RETURN ${QUARANTINE_FIELDS}, q.raw AS raw
   ORDER BY q.import_id, q.input_path`,
);

export const QUARANTINED_OF_IMPORT = cypher(
  'stix-quarantine-of-import',
  'READ',
  `MATCH (q:${QUARANTINED} {import_id: $importId})
   WHERE q.tlp_rank <= $maxRank
   RETURN ${QUARANTINE_FIELDS}, q.raw AS raw
   ORDER BY q.id`,
);

export const DELETE_QUARANTINED = cypher(
  'stix-quarantine-delete',
  'WRITE',
  `UNWIND $ids AS id
   MATCH (q:${QUARANTINED} {id: id})
   WHERE q.tlp_rank <= $maxRank
   DELETE q
   RETURN count(*) AS deleted`,
);
