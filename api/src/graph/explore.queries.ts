/**
 * Cypher for exploring the graph as a given viewer. Every query filters inside its WHERE:
 * an object is visible when `tlp_rank <= $maxRank` and it is not `:Staged` (an import in flight);
 * placeholders (refs to objects never imported) are only reached through a visible edge, never
 * listed or fetched by id. An edge is visible when its own `tlp_rank <= $maxRank` and, for the
 * typed edge of a relationship SRO, when that SRO is not staged. Both ends of every returned edge
 * are visible, or shown as a placeholder because the edge names them blind (visibility.ts,
 * reachableNode / maskedNode: the writer could not see them, so their id reveals nothing).
 *
 * Labels and edge types come from schema/graph/kinds.ts; every value is a $parameter.
 */
import {
  PLACEHOLDER,
  REFERS_TO,
  REF_EDGE_TYPES,
  RELATIONSHIP_EDGE_TYPES,
  STAGED,
  STIX_IMPORT,
  STIX_OBJECT,
} from '../../../schema/graph/kinds';
import { cypher, type CypherQuery } from './cypher';
import { AWAIT_FULLTEXT, FULLTEXT_INDEX } from './migrations';
import { SHAREABLE_BY_IDS, STAGING_ACTIVE, maskedNode, reachableNode, reachableRank, reachedThrough, visibleEdge, visibleObject, visibleRank } from './visibility';

const unique = (values: readonly string[]) => [...new Set(values)];

/** Traversable edges: STIX relationships (the attribution model's links are references). */
export const TRAVERSAL_EDGE_TYPES: readonly string[] = unique(Object.values(RELATIONSHIP_EDGE_TYPES));
/** The same plus embedded references (`created_by_ref`, `object_refs`, …). */
export const TRAVERSAL_EDGE_TYPES_WITH_REFS: readonly string[] = unique([
  ...TRAVERSAL_EDGE_TYPES,
  ...Object.values(REF_EDGE_TYPES),
  REFERS_TO,
]);
const RELATIONSHIP_TYPES_PATTERN = unique(Object.values(RELATIONSHIP_EDGE_TYPES)).join('|');

/** Every stored property (temporal values become strings in the mapper). */
const FULL = (v: string) => `${v} { .*, placeholder: ${v}:${PLACEHOLDER} } AS node`;

// ---------------------------------------------------------------------------------------------
// Objects by id, lists, counts

export const OBJECTS_BY_IDS = cypher(
  'explore-objects-by-ids',
  'READ',
  `UNWIND $ids AS id
   MATCH (n:${STIX_OBJECT} {id: id})
   WHERE ${visibleObject('n')}
   RETURN ${FULL('n')}`,
);

/**
 * Which of these visible objects may have their STIX JSON (`raw`) served: those whose JSON names
 * nothing the viewer may not see (relationship ends, `*_ref(s)`), the rule exports and TAXII apply.
 */
export const RAW_SHAREABLE = cypher(
  'explore-raw-shareable',
  'READ',
  `${SHAREABLE_BY_IDS}
   RETURN n.id AS id`,
);

/** Filters of `objects`; each is skipped when its parameter is null. */
const OBJECT_FILTER = `${visibleObject('n')}
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

/** The sort key of `objects` for `$orderField` (one type per field, so one key compares). */
const SORT_KEY = (v: string) => `CASE $orderField
     WHEN 'name' THEN toLower(${v}.name)
     WHEN 'created' THEN ${v}.created
     WHEN 'modified' THEN ${v}.modified
     WHEN 'confidence' THEN ${v}.confidence
   END`;

/**
 * Keyset pagination: the page starts after ($afterKey, $afterId) in the order
 * (sortKey ASC|DESC, id ASC), with nulls last ascending and first descending (Cypher's order), so
 * objects inserted or deleted before the cursor do not shift the next page. `afterKey` is the
 * cursor's key as a value comparable with `sortKey` (datetimes travel as strings).
 */
const AFTER_CURSOR = `$afterId IS NULL
     OR (NOT $descending AND (
          (afterKey IS NOT NULL AND (sortKey > afterKey OR (sortKey = afterKey AND n.id > $afterId) OR sortKey IS NULL))
          OR (afterKey IS NULL AND sortKey IS NULL AND n.id > $afterId)))
     OR ($descending AND (
          (afterKey IS NULL AND (sortKey IS NOT NULL OR n.id > $afterId))
          OR (afterKey IS NOT NULL AND sortKey IS NOT NULL AND (sortKey < afterKey OR (sortKey = afterKey AND n.id > $afterId)))))`;

export const LIST_OBJECTS = cypher(
  'explore-list-objects',
  'READ',
  `MATCH (n:${STIX_OBJECT})
   WHERE ${OBJECT_FILTER}
   WITH n, ${SORT_KEY('n')} AS sortKey,
        CASE WHEN $afterKey IS NOT NULL AND $orderField IN ['created', 'modified'] THEN datetime($afterKey) ELSE $afterKey END AS afterKey
   WHERE ${AFTER_CURSOR}
   WITH n, sortKey
   ORDER BY
     CASE WHEN NOT $descending THEN sortKey END ASC,
     CASE WHEN $descending THEN sortKey END DESC,
     n.id ASC
   LIMIT toInteger($limit)
   RETURN ${FULL('n')}, CASE WHEN $orderField IN ['created', 'modified'] THEN toString(sortKey) ELSE sortKey END AS sortKey`,
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
  `${AWAIT_FULLTEXT}
   CALL db.index.fulltext.queryNodes('${FULLTEXT_INDEX}', $query) YIELD node AS n, score
   WHERE ${visibleObject('n')} AND ($types IS NULL OR n.type IN $types)
   WITH n, score
   ORDER BY score DESC, n.id ASC
   SKIP toInteger($skip) LIMIT toInteger($limit)
   RETURN ${FULL('n')}, score`,
);

export const COUNT_SEARCH = cypher(
  'explore-count-search',
  'READ',
  `${AWAIT_FULLTEXT}
   CALL db.index.fulltext.queryNodes('${FULLTEXT_INDEX}', $query) YIELD node AS n
   WHERE ${visibleObject('n')} AND ($types IS NULL OR n.type IN $types)
   RETURN count(n) AS total`,
);

// ---------------------------------------------------------------------------------------------
// Neighbourhood: one query, one round trip. Seeds, then breadth-first hops (unrolled: one generated
// query per depth, since a hop count cannot be a parameter), then the edges among the nodes found
// (collected as relationships, read only when the answer is built). One query with a few records
// instead of four queries and thousands of rows: each extra query and each batch of 1 000
// streamed records is a network round trip (measured on ATT&CK, see docs/api.md).
//
// What costs is strings and small lists: Neo4j reads, packs and sends each one, the driver
// decodes each one. So records hold columns (NEIGHBORHOOD_NODE_COLUMNS / NEIGHBORHOOD_EDGE_COLUMNS),
// an edge names its ends by node key (`id(n)`, an integer that never leaves the repository, which
// turns it back into the STIX id) rather than by two 50-character STIX ids, and optional columns
// are only read when the caller asks for them ($node* / $edge* flags; null otherwise). `id()` is
// deprecated in Neo4j 5 in favour of `elementId()`, a long string that would cost what this
// saves; it is only compared within one query's answer.

/**
 * Columns of each record of a neighbourhood query, for the record's slice of nodes and of edges:
 * lists of equal length, one value per node (per edge), or null for an optional column nobody
 * asked for. Columns rather than one list per element: 5 000 fewer lists to pack, decode and map.
 */
export const NEIGHBORHOOD_NODE_COLUMNS = ['nodeKeys', 'nodeIds', 'nodeTypes', 'nodeTlpRanks', 'nodePlaceholders', 'nodeNames', 'nodeConfidences', 'nodeCreated', 'nodeModified'] as const;
/**
 * The ends of an edge are node keys; its id is the relationship's STIX id, null for a reference
 * edge (the repository builds `source|property|target`).
 */
export const NEIGHBORHOOD_EDGE_COLUMNS = ['edgeSourceKeys', 'edgeTargetKeys', 'edgeTypes', 'edgeProperties', 'edgeIds', 'edgeRelationshipTypes', 'edgeConfidences'] as const;

/**
 * Nodes and edges per returned record. A record spread over several Bolt chunks or TCP reads is
 * decoded by the driver on a slow path (every string through a fresh StringDecoder, measured: a
 * quarter of its CPU), so records stay small (100 nodes and 100 edges: ~20 kB), and 5 000
 * elements stay well under the driver's fetch size (1 000 records), so the whole answer still
 * comes in one round trip.
 */
const NEIGHBORHOOD_PART = 100;

/** `value`, or null for a node shown as a placeholder because a blind ref reached it (visibility.ts). */
const unlessMasked = (n: string, value: string) => `CASE WHEN ${maskedNode(n)} THEN null ELSE ${value} END`;

/** The columns of NEIGHBORHOOD_NODE_COLUMNS for the nodes in list `ns`. */
const NODE_COLUMNS = (ns: string) => `[n IN ${ns} | id(n)] AS nodeKeys,
          [n IN ${ns} | n.id] AS nodeIds,
          [n IN ${ns} | n.type] AS nodeTypes,
          [n IN ${ns} | CASE WHEN ${maskedNode('n')} THEN 0 ELSE n.tlp_rank END] AS nodeTlpRanks,
          [n IN ${ns} | n:${PLACEHOLDER} OR ${maskedNode('n')}] AS nodePlaceholders,
          CASE WHEN $nodeName THEN [n IN ${ns} | ${unlessMasked('n', 'n.name')}] END AS nodeNames,
          CASE WHEN $nodeConfidence THEN [n IN ${ns} | ${unlessMasked('n', 'n.confidence')}] END AS nodeConfidences,
          CASE WHEN $nodeCreated THEN [n IN ${ns} | ${unlessMasked('n', 'toString(n.created)')}] END AS nodeCreated,
          CASE WHEN $nodeModified THEN [n IN ${ns} | ${unlessMasked('n', 'toString(n.modified)')}] END AS nodeModified`;
/** The columns of NEIGHBORHOOD_EDGE_COLUMNS for the relationships in list `rs`. */
const EDGE_COLUMNS = (rs: string) => `[r IN ${rs} | id(startNode(r))] AS edgeSourceKeys,
          [r IN ${rs} | id(endNode(r))] AS edgeTargetKeys,
          [r IN ${rs} | type(r)] AS edgeTypes,
          [r IN ${rs} | r.property] AS edgeProperties,
          [r IN ${rs} | r.id] AS edgeIds,
          CASE WHEN $edgeRelationshipType THEN [r IN ${rs} | r.relationship_type] END AS edgeRelationshipTypes,
          CASE WHEN $edgeConfidence THEN [r IN ${rs} | r.confidence] END AS edgeConfidences`;

/**
 * One hop from `frontier` to visible nodes not in `nodes` yet, at most `$limit + 1` of them (a
 * LIMIT cannot depend on a variable; the slice to what is left happens after). A hop also runs
 * when `nodes` is already full, so that `truncated` tells whether a neighbour was left out; it is
 * skipped once the result is known to be truncated.
 */
function hop(types: string): string {
  return `CALL {
     WITH stagingActive, nodes, frontier, truncated
     WITH stagingActive, nodes, frontier, truncated, [x IN frontier WHERE ${maskedNode('x')}] AS masked
     UNWIND CASE WHEN truncated THEN [] ELSE frontier END AS a
     MATCH (a)-[r:${types}]-(b:${STIX_OBJECT})
     WHERE NOT b IN nodes AND ${reachableNode('r', 'b')} AND ${reachedThrough('r', 'a', 'masked')}
       AND ($types IS NULL OR b.type IN $types)
       AND ($relationshipTypes IS NULL OR r.relationship_type IN $relationshipTypes)
       AND ${visibleEdge('r')}
     WITH DISTINCT b
     LIMIT toInteger($limit) + 1
     RETURN collect(b) AS found
   }
   WITH stagingActive, nodes + found[..toInteger($limit) - size(nodes)] AS nodes,
        found[..toInteger($limit) - size(nodes)] AS frontier,
        truncated OR size(found) > toInteger($limit) - size(nodes) AS truncated`;
}

function neighborhoodQuery(depth: number, withRefs: boolean): CypherQuery {
  const types = (withRefs ? TRAVERSAL_EDGE_TYPES_WITH_REFS : TRAVERSAL_EDGE_TYPES).join('|');
  return cypher(
    `explore-neighborhood-depth-${depth}${withRefs ? '-refs' : ''}`,
    'READ',
    `${STAGING_ACTIVE}
   CALL {
     UNWIND $ids AS id
     MATCH (n:${STIX_OBJECT} {id: id})
     WHERE ${visibleObject('n')}
     RETURN collect(DISTINCT n) AS seeds
   }
   WITH stagingActive, seeds[..toInteger($limit)] AS nodes, seeds[..toInteger($limit)] AS frontier,
        size(seeds) > toInteger($limit) AS truncated
   ${Array.from({ length: depth }, () => hop(types)).join('\n   ')}
   CALL {
     WITH stagingActive, nodes
     WITH stagingActive, nodes, [x IN nodes WHERE ${maskedNode('x')}] AS masked
     UNWIND nodes AS a
     MATCH (a)-[r:${types}]->(b)
     WHERE b IN nodes AND ${reachedThrough('r', 'a', 'masked')} AND ${reachedThrough('r', 'b', 'masked')}
       AND ($relationshipTypes IS NULL OR r.relationship_type IN $relationshipTypes)
       AND ${visibleEdge('r')}
     WITH r
     LIMIT toInteger($maxEdges) + 1
     RETURN collect(r) AS edges
   }
   UNWIND range(0, (CASE WHEN size(nodes) > size(edges) THEN size(nodes) ELSE size(edges) END - 1) / ${NEIGHBORHOOD_PART}) AS part
   WITH nodes[part * ${NEIGHBORHOOD_PART}..(part + 1) * ${NEIGHBORHOOD_PART}] AS ns,
        edges[part * ${NEIGHBORHOOD_PART}..(part + 1) * ${NEIGHBORHOOD_PART}] AS rs, truncated
   RETURN ${NODE_COLUMNS('ns')},
          ${EDGE_COLUMNS('rs')}, truncated`,
  );
}

export const MAX_NEIGHBORHOOD_DEPTH = 3;

/** The neighbourhood query for a depth (0 … MAX_NEIGHBORHOOD_DEPTH), with or without ref edges. */
export const NEIGHBORHOOD: ReadonlyMap<string, CypherQuery> = new Map(
  [false, true].flatMap((withRefs) =>
    Array.from({ length: MAX_NEIGHBORHOOD_DEPTH + 1 }, (_, depth) => [`${depth}${withRefs ? '+refs' : ''}`, neighborhoodQuery(depth, withRefs)] as const),
  ),
);

// ---------------------------------------------------------------------------------------------
// Relationships of one object

export const RELATIONSHIPS = cypher(
  'explore-relationships',
  'READ',
  `${STAGING_ACTIVE}
   MATCH (n:${STIX_OBJECT} {id: $id})
   WHERE ${visibleObject('n')}
   MATCH (n)-[r:${RELATIONSHIP_TYPES_PATTERN}]-(m:${STIX_OBJECT})
   WHERE ${reachableNode('r', 'm')}
     AND ($direction = 'BOTH'
          OR ($direction = 'OUTGOING' AND startNode(r) = n)
          OR ($direction = 'INCOMING' AND endNode(r) = n))
     AND ($types IS NULL OR r.relationship_type IN $types)
     AND ${visibleEdge('r')}
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
     WHERE ${visibleObject('a')} AND ${visibleObject('b')} AND a <> b
     MATCH p = allShortestPaths((a)-[:${TRAVERSAL_EDGE_TYPES.join('|')}*..${maxLength}]-(b))
     WHERE all(x IN nodes(p) WHERE NOT x:${STAGED})
       AND all(r IN relationships(p) WHERE ${visibleRank('r')}
             AND ${reachableRank('r', 'startNode(r)')} AND ${reachableRank('r', 'endNode(r)')})
     WITH p
     ${STAGING_ACTIVE}
     WITH p, stagingActive
     WHERE NOT stagingActive OR all(r IN relationships(p) WHERE r.relationship_type IS NULL OR NOT EXISTS {
       MATCH (sro:${STIX_OBJECT}) USING INDEX sro:${STIX_OBJECT}(id) WHERE sro.id = r.id AND sro:${STAGED} })
     WITH p LIMIT toInteger($limit)
     RETURN [x IN nodes(p) | CASE WHEN ${maskedNode('x')} THEN x { .id, .type, tlpRank: 0, placeholder: true }
               ELSE x { .id, .type, .name, tlpRank: x.tlp_rank, .confidence,
               created: toString(x.created), modified: toString(x.modified), placeholder: x:${PLACEHOLDER} } END] AS nodes,
            [r IN relationships(p) | { id: coalesce(r.id, startNode(r).id + '|' + coalesce(r.property, type(r)) + '|' + endNode(r).id), type: type(r), source: startNode(r).id, target: endNode(r).id,
               relationshipType: r.relationship_type, confidence: r.confidence, property: r.property }] AS edges`,
  );
}

export const PATHS: ReadonlyMap<number, CypherQuery> = new Map(
  Array.from({ length: MAX_PATH_LENGTH }, (_, i) => [i + 1, pathsQuery(i + 1)] as const),
);
