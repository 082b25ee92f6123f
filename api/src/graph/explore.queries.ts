/**
 * Cypher for exploring the graph as a given viewer. Every query filters inside its WHERE:
 * an object is visible when `tlp_rank <= $maxRank` and it is not `:Staged` (an import in flight);
 * placeholders (refs to objects never imported) are only reached through a visible edge, never
 * listed or fetched by id. An edge is visible when its own `tlp_rank <= $maxRank` and, for the
 * typed edge of a relationship SRO, when that SRO is not staged. Both ends of every returned edge
 * are visible, so nothing leaks as a dangling id.
 *
 * Labels and edge types come from schema/graph/kinds.ts; every value is a $parameter.
 */
import {
  DOMAIN_EDGE_TYPES,
  PLACEHOLDER,
  REFERS_TO,
  REF_EDGE_TYPES,
  RELATIONSHIP_EDGE_TYPES,
  STAGED,
  STIX_IMPORT,
  STIX_OBJECT,
} from '../../../schema/graph/kinds';
import { cypher, type CypherQuery } from './cypher';
import { FULLTEXT_INDEX } from './migrations';

/** A stored object a viewer may fetch, list or search. */
export const VISIBLE_OBJECT = (v: string) =>
  `${v}.tlp_rank <= $maxRank AND NOT ${v}:${STAGED} AND NOT ${v}:${PLACEHOLDER}`;
/** A node a viewer may see at the end of a visible edge (placeholders included). */
export const VISIBLE_NODE = (v: string) => `${v}.tlp_rank <= $maxRank AND NOT ${v}:${STAGED}`;
/**
 * An edge a viewer may see (ends checked separately). The typed edge of a relationship SRO written
 * by an import still in flight is hidden with its SRO; that check costs an index seek per edge, so
 * it only runs while a staged import exists (`stagingActive`, from STAGING_ACTIVE). The index hint
 * matters: without it the planner may scan every StixObject per edge (measured on ATT&CK: 40 s
 * instead of 0.2 s for the edges of a 500-node neighbourhood).
 */
export const VISIBLE_EDGE = (r: string) =>
  `${r}.tlp_rank <= $maxRank AND (NOT stagingActive OR ${r}.relationship_type IS NULL OR NOT EXISTS {
     MATCH (sro:${STIX_OBJECT}) USING INDEX sro:${STIX_OBJECT}(id) WHERE sro.id = ${r}.id AND sro:${STAGED} })`;

/** Binds `stagingActive`: whether some staged import is unfinished (a handful of marker nodes). */
const STAGING_ACTIVE = `CALL { MATCH (imp:${STIX_IMPORT} {status: 'staged'}) RETURN count(imp) > 0 AS stagingActive }`;

const unique = (values: readonly string[]) => [...new Set(values)];

/** Traversable edges: STIX relationships and the attribution domain edges. */
export const TRAVERSAL_EDGE_TYPES: readonly string[] = unique([
  ...Object.values(RELATIONSHIP_EDGE_TYPES),
  ...Object.values(DOMAIN_EDGE_TYPES),
]);
/** The same plus embedded references (`created_by_ref`, `object_refs`, …). */
export const TRAVERSAL_EDGE_TYPES_WITH_REFS: readonly string[] = unique([
  ...TRAVERSAL_EDGE_TYPES,
  ...Object.values(REF_EDGE_TYPES),
  REFERS_TO,
]);
const RELATIONSHIP_TYPES_PATTERN = unique(Object.values(RELATIONSHIP_EDGE_TYPES)).join('|');

/** Fields of a node for a graph view (no raw JSON: details come through the object loader). */
const SUMMARY = (v: string) => `${v}.id AS id, ${v}.type AS type, ${v}.name AS name, ${v}.tlp_rank AS tlpRank,
  ${v}.confidence AS confidence, toString(${v}.created) AS created, toString(${v}.modified) AS modified,
  ${v}:${PLACEHOLDER} AS placeholder`;

/** Every stored property (temporal values become strings in the mapper). */
const FULL = (v: string) => `${v} { .*, placeholder: ${v}:${PLACEHOLDER} } AS node`;

// ---------------------------------------------------------------------------------------------
// Objects by id, lists, counts

export const OBJECTS_BY_IDS = cypher(
  'explore-objects-by-ids',
  'READ',
  `UNWIND $ids AS id
   MATCH (n:${STIX_OBJECT} {id: id})
   WHERE ${VISIBLE_OBJECT('n')}
   RETURN ${FULL('n')}`,
);

/** Filters of `objects`; each is skipped when its parameter is null. */
const OBJECT_FILTER = `${VISIBLE_OBJECT('n')}
   AND ($types IS NULL OR n.type IN $types)
   AND ($labels IS NULL OR any(l IN $labels WHERE l IN n.labels))
   AND ($createdFrom IS NULL OR n.created >= datetime($createdFrom))
   AND ($createdTo IS NULL OR n.created <= datetime($createdTo))
   AND ($modifiedFrom IS NULL OR n.modified >= datetime($modifiedFrom))
   AND ($modifiedTo IS NULL OR n.modified <= datetime($modifiedTo))
   AND ($confidenceMin IS NULL OR n.confidence >= $confidenceMin)
   AND ($confidenceMax IS NULL OR n.confidence <= $confidenceMax)
   AND ($markings IS NULL OR any(m IN $markings WHERE m IN n.marking_refs))
   AND ($tlpRanks IS NULL OR n.tlp_rank IN $tlpRanks)
   AND ($createdBy IS NULL OR n.created_by_ref IN $createdBy)
   AND ($revoked IS NULL OR coalesce(n.revoked, false) = $revoked)
   AND ($nameContains IS NULL OR toLower(n.name) CONTAINS $nameContains)`;

export const LIST_OBJECTS = cypher(
  'explore-list-objects',
  'READ',
  `MATCH (n:${STIX_OBJECT})
   WHERE ${OBJECT_FILTER}
   WITH n
   ORDER BY
     CASE WHEN $orderField = 'name' AND NOT $descending THEN toLower(n.name) END ASC,
     CASE WHEN $orderField = 'name' AND $descending THEN toLower(n.name) END DESC,
     CASE WHEN $orderField = 'created' AND NOT $descending THEN n.created END ASC,
     CASE WHEN $orderField = 'created' AND $descending THEN n.created END DESC,
     CASE WHEN $orderField = 'modified' AND NOT $descending THEN n.modified END ASC,
     CASE WHEN $orderField = 'modified' AND $descending THEN n.modified END DESC,
     CASE WHEN $orderField = 'confidence' AND NOT $descending THEN n.confidence END ASC,
     CASE WHEN $orderField = 'confidence' AND $descending THEN n.confidence END DESC,
     n.id ASC
   SKIP toInteger($skip) LIMIT toInteger($limit)
   RETURN ${FULL('n')}`,
);

export const COUNT_OBJECTS = cypher(
  'explore-count-objects',
  'READ',
  `MATCH (n:${STIX_OBJECT})
   WHERE ${OBJECT_FILTER}
   RETURN count(n) AS total`,
);

// ---------------------------------------------------------------------------------------------
// Full-text search (the Lucene query is built from escaped terms by the repository)

export const SEARCH = cypher(
  'explore-search',
  'READ',
  `CALL db.index.fulltext.queryNodes('${FULLTEXT_INDEX}', $query) YIELD node AS n, score
   WHERE ${VISIBLE_OBJECT('n')} AND ($types IS NULL OR n.type IN $types)
   WITH n, score
   ORDER BY score DESC, n.id ASC
   SKIP toInteger($skip) LIMIT toInteger($limit)
   RETURN ${FULL('n')}, score`,
);

export const COUNT_SEARCH = cypher(
  'explore-count-search',
  'READ',
  `CALL db.index.fulltext.queryNodes('${FULLTEXT_INDEX}', $query) YIELD node AS n
   WHERE ${VISIBLE_OBJECT('n')} AND ($types IS NULL OR n.type IN $types)
   RETURN count(n) AS total`,
);

// ---------------------------------------------------------------------------------------------
// Neighbourhood: seeds, then one query per hop, then the edges among what was found

export const NEIGHBORHOOD_SEEDS = cypher(
  'explore-neighborhood-seeds',
  'READ',
  `UNWIND $ids AS id
   MATCH (n:${STIX_OBJECT} {id: id})
   WHERE ${VISIBLE_OBJECT('n')}
   RETURN ${SUMMARY('n')}`,
);

function hopQuery(withRefs: boolean): CypherQuery {
  const types = (withRefs ? TRAVERSAL_EDGE_TYPES_WITH_REFS : TRAVERSAL_EDGE_TYPES).join('|');
  return cypher(
    `explore-neighborhood-hop${withRefs ? '-refs' : ''}`,
    'READ',
    `${STAGING_ACTIVE}
     UNWIND $frontier AS fid
     MATCH (a:${STIX_OBJECT} {id: fid})-[r:${types}]-(b:${STIX_OBJECT})
     WHERE NOT b.id IN $seen AND ${VISIBLE_NODE('b')}
       AND ($types IS NULL OR b.type IN $types)
       AND ($relationshipTypes IS NULL OR r.relationship_type IN $relationshipTypes)
       AND ${VISIBLE_EDGE('r')}
     WITH DISTINCT b
     LIMIT toInteger($limit)
     RETURN ${SUMMARY('b')}`,
  );
}

export const NEIGHBORHOOD_HOP = hopQuery(false);
export const NEIGHBORHOOD_HOP_WITH_REFS = hopQuery(true);

function edgesAmongQuery(withRefs: boolean): CypherQuery {
  const types = (withRefs ? TRAVERSAL_EDGE_TYPES_WITH_REFS : TRAVERSAL_EDGE_TYPES).join('|');
  return cypher(
    `explore-edges-among${withRefs ? '-refs' : ''}`,
    'READ',
    `${STAGING_ACTIVE}
     UNWIND $ids AS sid
     MATCH (a:${STIX_OBJECT} {id: sid})-[r:${types}]->(b:${STIX_OBJECT})
     WHERE b.id IN $ids
       AND ($relationshipTypes IS NULL OR r.relationship_type IN $relationshipTypes)
       AND ${VISIBLE_EDGE('r')}
     RETURN coalesce(r.id, a.id + '|' + coalesce(r.property, type(r)) + '|' + b.id) AS id, type(r) AS type,
       a.id AS source, b.id AS target, r.relationship_type AS relationshipType, r.confidence AS confidence,
       r.property AS property
     LIMIT toInteger($limit)`,
  );
}

export const EDGES_AMONG = edgesAmongQuery(false);
export const EDGES_AMONG_WITH_REFS = edgesAmongQuery(true);

// ---------------------------------------------------------------------------------------------
// Relationships of one object

export const RELATIONSHIPS = cypher(
  'explore-relationships',
  'READ',
  `${STAGING_ACTIVE}
   MATCH (n:${STIX_OBJECT} {id: $id})
   WHERE ${VISIBLE_OBJECT('n')}
   MATCH (n)-[r:${RELATIONSHIP_TYPES_PATTERN}]-(m:${STIX_OBJECT})
   WHERE ${VISIBLE_NODE('m')}
     AND ($direction = 'BOTH'
          OR ($direction = 'OUTGOING' AND startNode(r) = n)
          OR ($direction = 'INCOMING' AND endNode(r) = n))
     AND ($types IS NULL OR r.relationship_type IN $types)
     AND ${VISIBLE_EDGE('r')}
   RETURN r.id AS id, type(r) AS type, r.relationship_type AS relationshipType, r.confidence AS confidence,
     startNode(r).id AS source, endNode(r).id AS target
   ORDER BY relationshipType, id
   SKIP toInteger($skip) LIMIT toInteger($limit)`,
);

// ---------------------------------------------------------------------------------------------
// Shortest paths (all of the shortest length); one query per maximum length, since Cypher
// cannot take a variable-length bound as a parameter.

export const MAX_PATH_LENGTH = 6;

function pathsQuery(maxLength: number): CypherQuery {
  return cypher(
    `explore-paths-max-${maxLength}`,
    'READ',
    `MATCH (a:${STIX_OBJECT} {id: $from}), (b:${STIX_OBJECT} {id: $to})
     WHERE ${VISIBLE_OBJECT('a')} AND ${VISIBLE_OBJECT('b')} AND a <> b
     MATCH p = allShortestPaths((a)-[:${TRAVERSAL_EDGE_TYPES.join('|')}*..${maxLength}]-(b))
     WHERE all(x IN nodes(p) WHERE ${VISIBLE_NODE('x')})
       AND all(r IN relationships(p) WHERE r.tlp_rank <= $maxRank)
     WITH p
     ${STAGING_ACTIVE}
     WITH p, stagingActive
     WHERE NOT stagingActive OR all(r IN relationships(p) WHERE r.relationship_type IS NULL OR NOT EXISTS {
       MATCH (sro:${STIX_OBJECT}) USING INDEX sro:${STIX_OBJECT}(id) WHERE sro.id = r.id AND sro:${STAGED} })
     WITH p LIMIT toInteger($limit)
     RETURN [x IN nodes(p) | x { .id, .type, .name, tlpRank: x.tlp_rank, .confidence,
               created: toString(x.created), modified: toString(x.modified), placeholder: x:${PLACEHOLDER} }] AS nodes,
            [r IN relationships(p) | { id: coalesce(r.id, startNode(r).id + '|' + coalesce(r.property, type(r)) + '|' + endNode(r).id), type: type(r), source: startNode(r).id, target: endNode(r).id,
               relationshipType: r.relationship_type, confidence: r.confidence, property: r.property }] AS edges`,
  );
}

export const PATHS: ReadonlyMap<number, CypherQuery> = new Map(
  Array.from({ length: MAX_PATH_LENGTH }, (_, i) => [i + 1, pathsQuery(i + 1)] as const),
);
