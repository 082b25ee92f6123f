/**
 * Cypher for the TAXII 2.1 server and client (docs/taxii.md): the `date_added` clock, the rows a
 * collection serves (current objects and their older versions), admin-defined collections, the
 * status of a POST, and the remote feeds this instance pulls.
 *
 * Visibility is the graph's own (`visibleObject` of explore.queries.ts for the current object;
 * an older version is also filtered by its own `tlp_rank`, an unknown rank counting as the most
 * restrictive, as in history.queries.ts). Labels and edge types come from schema/graph/kinds.ts;
 * every value is a $parameter.
 */
import {
  DATE_ADDED_PENDING,
  PREVIOUS_VERSION,
  STAGED,
  PLACEHOLDER,
  STIX_OBJECT,
  STIX_VERSION,
  TAXII_CLOCK,
  TAXII_COLLECTION,
  TAXII_FEED,
  TAXII_STATUS,
} from '../../../schema/graph/kinds';
import { cypher, type CypherQuery } from './cypher';
import { referencesVisible, visibleNode, visibleObject } from './visibility';

export const TAXII_MIGRATIONS: readonly CypherQuery[] = [
  cypher('constraint-taxii-clock', 'WRITE', `CREATE CONSTRAINT taxii_clock_id IF NOT EXISTS FOR (c:${TAXII_CLOCK}) REQUIRE c.id IS UNIQUE`),
  cypher(
    'constraint-taxii-collection',
    'WRITE',
    `CREATE CONSTRAINT taxii_collection_id IF NOT EXISTS FOR (c:${TAXII_COLLECTION}) REQUIRE c.id IS UNIQUE`,
  ),
  cypher('constraint-taxii-status', 'WRITE', `CREATE CONSTRAINT taxii_status_id IF NOT EXISTS FOR (s:${TAXII_STATUS}) REQUIRE s.id IS UNIQUE`),
  cypher('constraint-taxii-feed', 'WRITE', `CREATE CONSTRAINT taxii_feed_id IF NOT EXISTS FOR (f:${TAXII_FEED}) REQUIRE f.id IS UNIQUE`),
  cypher('index-stix-date-added', 'WRITE', `CREATE INDEX stix_date_added IF NOT EXISTS FOR (n:${STIX_OBJECT}) ON (n.date_added)`),
  cypher('index-version-date-added', 'WRITE', `CREATE INDEX stix_version_date_added IF NOT EXISTS FOR (v:${STIX_VERSION}) ON (v.date_added)`),
];

// ---------------------------------------------------------------------------------------------
// The date_added clock

/**
 * First statement of a stamping transaction: takes the clock node's write lock (held until
 * commit), so stampings run one after another and each reads the clock as the previous one left it.
 */
export const LOCK_CLOCK = cypher(
  'taxii-clock-lock',
  'WRITE',
  `MERGE (c:${TAXII_CLOCK} {id: $clock})
   ON CREATE SET c.last = datetime('1970-01-01T00:00:00Z')
   SET c.stampings = coalesce(c.stampings, 0) + 1`,
);

/**
 * Gives every committed, visible-to-someone version without a `date_added` one: older versions
 * first (by `modified`), then current objects (by id), one microsecond apart, starting after the
 * clock's last stamp and not before `$now`. Every STIX write (imports and case writes share
 * writeBatch) labels the version it writes DATE_ADDED_PENDING, so this reads only those, through
 * the label index, whatever the size of the graph; staged nodes and placeholders wait.
 */
export const STAMP_DATE_ADDED = cypher(
  'taxii-stamp-date-added',
  'WRITE',
  `MATCH (c:${TAXII_CLOCK} {id: $clock})
   CALL {
     MATCH (v:${STIX_VERSION}:${DATE_ADDED_PENDING})
     WITH v ORDER BY v.modified LIMIT $limit
     RETURN collect(v) AS versions
   }
   CALL {
     MATCH (n:${STIX_OBJECT}:${DATE_ADDED_PENDING}) WHERE NOT n:${STAGED} AND NOT n:${PLACEHOLDER}
     WITH n ORDER BY n.id LIMIT $limit
     RETURN collect(n) AS objects
   }
   WITH c, versions + objects AS todo
   WHERE size(todo) > 0
   WITH c, todo,
     CASE WHEN datetime($now) > c.last THEN datetime($now) ELSE c.last + duration({nanoseconds: 1000}) END AS base
   FOREACH (i IN range(0, size(todo) - 1) |
     FOREACH (x IN [todo[i]] | SET x.date_added = base + duration({nanoseconds: 1000 * i}) REMOVE x:${DATE_ADDED_PENDING}))
   SET c.last = base + duration({nanoseconds: 1000 * (size(todo) - 1)})
   RETURN size(todo) AS stamped`,
);

/**
 * Databases written before DATE_ADDED_PENDING existed: their unstamped versions are labelled once,
 * at the first TAXII read (in batches, then the clock remembers it with `pending_labels`).
 */
export const CLOCK_LABELLED = cypher(
  'taxii-clock-labelled',
  'READ',
  `OPTIONAL MATCH (c:${TAXII_CLOCK} {id: $clock}) RETURN coalesce(c.pending_labels, false) AS done`,
);

export const LABEL_UNSTAMPED = cypher(
  'taxii-label-unstamped',
  'WRITE',
  `CALL {
     MATCH (n:${STIX_OBJECT}) WHERE n.date_added IS NULL AND NOT n:${DATE_ADDED_PENDING} AND NOT n:${PLACEHOLDER}
     WITH n LIMIT $limit SET n:${DATE_ADDED_PENDING} RETURN count(n) AS objects
   }
   CALL {
     MATCH (v:${STIX_VERSION}) WHERE v.date_added IS NULL AND NOT v:${DATE_ADDED_PENDING}
     WITH v LIMIT $limit SET v:${DATE_ADDED_PENDING} RETURN count(v) AS versions
   }
   RETURN objects + versions AS labelled`,
);

export const MARK_CLOCK_LABELLED = cypher(
  'taxii-clock-mark-labelled',
  'WRITE',
  `MERGE (c:${TAXII_CLOCK} {id: $clock})
   ON CREATE SET c.last = datetime('1970-01-01T00:00:00Z')
   SET c.pending_labels = true`,
);

/** The clock's last stamp, read at the end of a stamping transaction: the reads' horizon. */
export const CLOCK_LAST = cypher('taxii-clock-last', 'READ', `MATCH (c:${TAXII_CLOCK} {id: $clock}) RETURN toString(c.last) AS last`);

// ---------------------------------------------------------------------------------------------
// Rows of a collection

/** An admin collection's own filter on the current object (null parameters: no filter). */
const COLLECTION_FILTER = (n: string) => `($cTypes IS NULL OR ${n}.type IN $cTypes)
     AND ($cLabels IS NULL OR any(l IN coalesce(${n}.labels, []) WHERE l IN $cLabels))
     AND ($cMarkings IS NULL OR any(m IN coalesce(${n}.marking_refs, []) WHERE m IN $cMarkings))
     AND ($cCreators IS NULL OR ${n}.created_by_ref IN $cCreators)`;

const VERSION_VISIBLE = (v: string) => `coalesce(${v}.tlp_rank, $unknownRank) <= $maxRank`;

/**
 * One page of versions a collection serves, in `date_added` order (stamps are unique, so the last
 * `date_added` of a page is an exact cursor), up to `$horizon`: the clock as the reader's own
 * stamping left it, so a stamping another process commits while this query runs (Neo4j reads are
 * read-committed, not snapshots) cannot show part of itself. `$last`/`$first`/`$all`/`$versions`: match[version].
 * Variants: by one id (object, versions endpoints) or any; with the JSON text or without (manifest).
 */
function rowsQuery(name: string, byId: boolean, withRaw: boolean): CypherQuery {
  const match = (n: string) => (byId ? `(${n}:${STIX_OBJECT} {id: $id})` : `(${n}:${STIX_OBJECT})`);
  const objectFilter = (n: string) => `${visibleObject(n)}
       AND ($ids IS NULL OR ${n}.id IN $ids) AND ($types IS NULL OR ${n}.type IN $types)
       AND ${COLLECTION_FILTER(n)}`;
  return cypher(
    name,
    'READ',
    `CALL {
       MATCH ${match('n')}
       WHERE n.date_added > datetime($after) AND n.date_added <= datetime($horizon) AND ${objectFilter('n')}
       WITH n WHERE ${referencesVisible('n')}
       RETURN n.id AS id, n.type AS type, ${withRaw ? 'n.raw' : 'null'} AS raw, n.date_added AS added,
         coalesce(n.modified, n.created, n.date_added) AS version, true AS isLast,
         NOT EXISTS { MATCH (n)-[:${PREVIOUS_VERSION}]->(w:${STIX_VERSION}) WHERE ${VERSION_VISIBLE('w')} } AS isFirst
       UNION ALL
       MATCH ${match('n')}-[:${PREVIOUS_VERSION}]->(v:${STIX_VERSION})
       WHERE $history AND v.date_added > datetime($after) AND v.date_added <= datetime($horizon) AND ${VERSION_VISIBLE('v')} AND ${objectFilter('n')}
       WITH n, v WHERE ${referencesVisible('n')}
       RETURN n.id AS id, n.type AS type, ${withRaw ? 'v.raw' : 'null'} AS raw, v.date_added AS added,
         v.modified AS version, false AS isLast,
         NOT EXISTS {
           MATCH (n)-[:${PREVIOUS_VERSION}]->(w:${STIX_VERSION})
           WHERE w.modified < v.modified AND ${VERSION_VISIBLE('w')}
         } AS isFirst
     }
     WITH id, type, raw, added, version, isLast, isFirst
     WHERE $all OR ($last AND isLast) OR ($first AND isFirst) OR any(t IN $versions WHERE datetime(t) = version)
     WITH id, type, raw, added, version ORDER BY added LIMIT $limit
     RETURN id, type, raw, toString(added) AS added, toString(version) AS version`,
  );
}

/**
 * The common case, the last version only (match[version] absent or `last`): no history branch, so
 * Neo4j walks the `date_added` range index in order and stops after `$limit` rows instead of
 * sorting every visible object for each page.
 */
function lastRowsQuery(name: string, withRaw: boolean): CypherQuery {
  return cypher(
    name,
    'READ',
    `MATCH (n:${STIX_OBJECT})
     WHERE n.date_added > datetime($after) AND n.date_added <= datetime($horizon) AND ${visibleObject('n')}
       AND ($ids IS NULL OR n.id IN $ids) AND ($types IS NULL OR n.type IN $types)
       AND ${COLLECTION_FILTER('n')}
     WITH n WHERE ${referencesVisible('n')}
     WITH n ORDER BY n.date_added LIMIT $limit
     RETURN n.id AS id, n.type AS type, ${withRaw ? 'n.raw' : 'null'} AS raw, toString(n.date_added) AS added,
       toString(coalesce(n.modified, n.created, n.date_added)) AS version`,
  );
}

export const COLLECTION_LAST_ROWS = lastRowsQuery('taxii-collection-last-rows', true);
export const COLLECTION_LAST_MANIFEST = lastRowsQuery('taxii-collection-last-manifest', false);
export const COLLECTION_ROWS = rowsQuery('taxii-collection-rows', false, true);
export const COLLECTION_MANIFEST = rowsQuery('taxii-collection-manifest', false, false);
export const OBJECT_ROWS = rowsQuery('taxii-object-rows', true, true);
export const OBJECT_MANIFEST = rowsQuery('taxii-object-manifest', true, false);

/** Whether an object exists for this viewer in this collection (404 versus an empty answer). */
export const OBJECT_EXISTS = cypher(
  'taxii-object-exists',
  'READ',
  `MATCH (n:${STIX_OBJECT} {id: $id})
   WHERE n.date_added IS NOT NULL AND ${visibleObject('n')} AND ${COLLECTION_FILTER('n')}
   WITH n WHERE ${referencesVisible('n')}
   RETURN count(n) > 0 AS found`,
);

// ---------------------------------------------------------------------------------------------
// Admin-defined collections

const COLLECTION_FIELDS = `c {.id, .title, .description, .alias, .writable, .types, .labels, .markings, .creators,
  createdBy: c.created_by, createdAt: toString(c.created_at)}`;

export const CREATE_COLLECTION = cypher(
  'taxii-collection-create',
  'WRITE',
  `CREATE (c:${TAXII_COLLECTION} {id: $id, title: $title, description: $description, alias: $alias,
     writable: $writable, types: $types, labels: $labels, markings: $markings, creators: $creators,
     created_by: $createdBy, created_at: datetime()})
   RETURN ${COLLECTION_FIELDS} AS collection`,
);

export const LIST_COLLECTIONS = cypher(
  'taxii-collection-list',
  'READ',
  `MATCH (c:${TAXII_COLLECTION}) RETURN ${COLLECTION_FIELDS} AS collection ORDER BY c.created_at, c.id`,
);

export const DELETE_COLLECTION = cypher(
  'taxii-collection-delete',
  'WRITE',
  `MATCH (c:${TAXII_COLLECTION} {id: $id}) DELETE c RETURN count(*) AS deleted`,
);

// ---------------------------------------------------------------------------------------------
// Status of a POST

const STATUS_FIELDS = `s {.id, .owner, .status, .total, .successes, .failures, .pendings,
  requestTimestamp: toString(s.request_timestamp)}`;

export const CREATE_STATUS = cypher(
  'taxii-status-create',
  'WRITE',
  `CREATE (s:${TAXII_STATUS} {id: $id, owner: $owner, status: 'pending', total: $total,
     successes: '[]', failures: '[]', pendings: $pendings, request_timestamp: datetime($at)})`,
);

export const FINISH_STATUS = cypher(
  'taxii-status-finish',
  'WRITE',
  `MATCH (s:${TAXII_STATUS} {id: $id})
   SET s.status = 'complete', s.successes = $successes, s.failures = $failures, s.pendings = '[]',
     s.finished_at = datetime()`,
);

export const GET_STATUS = cypher('taxii-status-get', 'READ', `MATCH (s:${TAXII_STATUS} {id: $id}) RETURN ${STATUS_FIELDS} AS status`);

// ---------------------------------------------------------------------------------------------
// Remote feeds (the client side)

const FEED_FIELDS = `f {.id, .url, .collection, lastAddedLast: f.last_added_last, lastRunAt: toString(f.last_run_at),
  lastResult: f.last_result, intervalMinutes: f.interval_minutes, auth: f.auth}`;

export const GET_FEED = cypher('taxii-feed-get', 'READ', `MATCH (f:${TAXII_FEED} {id: $id}) RETURN ${FEED_FIELDS} AS feed`);

export const LIST_FEEDS = cypher('taxii-feed-list', 'READ', `MATCH (f:${TAXII_FEED}) RETURN ${FEED_FIELDS} AS feed ORDER BY f.url, f.collection`);

/** Creates the feed if needed and sets the given fields (null values leave a field as it is). */
export const SAVE_FEED = cypher(
  'taxii-feed-save',
  'WRITE',
  `MERGE (f:${TAXII_FEED} {id: $id})
   ON CREATE SET f.url = $url, f.collection = $collection
   SET f.last_added_last = coalesce($lastAddedLast, f.last_added_last),
     f.last_run_at = coalesce(datetime($lastRunAt), f.last_run_at),
     f.last_result = coalesce($lastResult, f.last_result),
     f.interval_minutes = coalesce($intervalMinutes, f.interval_minutes),
     f.auth = coalesce($auth, f.auth)
   RETURN ${FEED_FIELDS} AS feed`,
);

export const DELETE_FEED = cypher('taxii-feed-delete', 'WRITE', `MATCH (f:${TAXII_FEED} {id: $id}) DELETE f RETURN count(*) AS deleted`);
