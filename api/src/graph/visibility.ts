/**
 * The visibility rule, written once (issue 12 step 3): what a viewer cleared for `$maxRank` may
 * read. Every READ query that returns stored objects, edges, versions or audit entries builds its
 * filter from these predicates, inside its WHERE (never after fetching):
 *
 * - `visibleObject(v)`: a stored STIX object the viewer may fetch, list, search or export — its
 *   `tlp_rank` (its most restrictive marking, granular ones included) at most `$maxRank`, not
 *   `:Staged` (an import still in flight), not a `:Placeholder` (a ref to an object never imported).
 * - `visibleNode(v)`: a node the viewer may see at the end of a visible edge — as above, but a
 *   placeholder is allowed there (it shows a ref, no content).
 * - `visibleRank(v)`: anything else that carries the rank of what it reveals — an edge (its ends
 *   checked separately), an older `:StixVersion`, an `:AuditEntry`.
 *
 * The catalogue test (test/unit/graph/visibility-catalogue.test.ts) loads every module of
 * `api/src/graph/`, takes every READ query registered by `cypher()` (cypher.ts), and fails for a
 * query that contains none of these predicates and is not listed, with its reason, in
 * READ_QUERIES_WITHOUT_VISIBILITY below. A new query file joins by living in `api/src/graph/` and
 * building its queries with `cypher()` at module load.
 */
import { PLACEHOLDER, STAGED, STIX_IMPORT, STIX_OBJECT } from '../../../schema/graph/kinds';

/** A stored object a viewer may fetch, list, search or export. */
export const visibleObject = (v: string): string => `${v}.tlp_rank <= $maxRank AND NOT ${v}:${STAGED} AND NOT ${v}:${PLACEHOLDER}`;

/** A node a viewer may see at the end of a visible edge (placeholders included). */
export const visibleNode = (v: string): string => `${v}.tlp_rank <= $maxRank AND NOT ${v}:${STAGED}`;

/** An edge, an older version or an audit entry: its own rank at most the viewer's clearance. */
export const visibleRank = (v: string): string => `${v}.tlp_rank <= $maxRank`;

/**
 * An edge a viewer may see (ends checked separately). The typed edge of a relationship SRO written
 * by an import still in flight is hidden with its SRO; that check costs an index seek per edge, so
 * it only runs while a staged import exists (`stagingActive`, bound by STAGING_ACTIVE). The index
 * hint matters: without it the planner may scan every StixObject per edge (measured on ATT&CK: 40 s
 * instead of 0.2 s for the edges of a 500-node neighbourhood).
 */
export const visibleEdge = (r: string): string =>
  `${visibleRank(r)} AND (NOT stagingActive OR ${r}.relationship_type IS NULL OR NOT EXISTS {
     MATCH (sro:${STIX_OBJECT}) USING INDEX sro:${STIX_OBJECT}(id) WHERE sro.id = ${r}.id AND sro:${STAGED} })`;

/** Binds `stagingActive` for visibleEdge: whether some staged import is unfinished (a handful of marker nodes). */
export const STAGING_ACTIVE = `CALL { MATCH (imp:${STIX_IMPORT} {status: 'staged'}) RETURN count(imp) > 0 AS stagingActive }`;

/**
 * Whether `ref` (a ref edge, a relationship's typed edge, or an object whose `*_ref` property names
 * `target`) named `target` blind: the writer's clearance (`writer_rank`, stored on every write)
 * was below the target's rank, so the writer could not see it; the id came from the writer (a
 * guess, a public id, a ref to something not imported yet), not from the target. Such a ref
 * reveals nothing the writer did not already know, so readers of the referring object get it as
 * they would a ref to an id that does not exist: a placeholder at the end of the edge, the JSON
 * served as written. Without it a writer could learn whether an id exists above their clearance
 * by referring to it and watching the placeholder vanish or their own report being withheld.
 * A ref the writer could see carries the target's rank as before. Written before `writer_rank`
 * existed: counted as seen (the old, stricter behaviour).
 */
export const namedBlindly = (ref: string, target: string): string =>
  `${target}.tlp_rank > coalesce(${ref}.writer_rank, ${target}.tlp_rank)`;

/**
 * A node at one end of visible edge `r` that the viewer may reach through it: visible
 * (visibleNode), or above the viewer's clearance and named blind by `r` — then it is shown as a
 * placeholder (id and type only; the queries mask the rest with `maskedNode`).
 */
export const reachableNode = (r: string, b: string): string => `NOT ${b}:${STAGED} AND ${reachableRank(r, b)}`;

/** reachableNode without the `:Staged` test, for an end given as an expression (`startNode(r)`). */
export const reachableRank = (r: string, b: string): string => `(${b}.tlp_rank <= $maxRank OR ${namedBlindly(r, b)})`;

/** True for a node reached only as a blind ref's placeholder: its content must not be returned. */
export const maskedNode = (b: string): string => `${b}.tlp_rank > $maxRank`;

/**
 * reachableRank for a node `x` already reached (so not staged), given `masked`, the list of the
 * reached nodes that are maskedNode: one list membership test per edge instead of a property read
 * (usually the list is empty). Measured on the 2-hop neighbourhood of APT28 (bench:read-path
 * --plan): reading both ends' ranks per edge cost 13 300 more db hits than the query without it.
 */
export const reachedThrough = (r: string, x: string, masked: string): string =>
  `(NOT ${x} IN ${masked} OR ${namedBlindly(r, x)})`;

/**
 * For STIX JSON served as stored (TAXII, exports): what the object points at must be visible too,
 * or its JSON would name an object above the viewer's clearance — a relationship's or sighting's
 * ends (`source_ref`, `target_ref`), its `created_by_ref`, and every ref edge (`*_ref(s)` other
 * than markings, docs/graph-model.md) lead to nodes the viewer may see (placeholders count as
 * visible: nothing is known of them; an absent creator identity too, since `created_by_ref` makes no
 * placeholder), unless the writer named them blind (namedBlindly). Such an
 * object is withheld whole, not redacted. The ends are looked up in one subquery (one index seek
 * each): written as two `OR EXISTS { MATCH (end {id: n.x_ref}) }` terms, Neo4j 5.26 planned one of
 * them as a scan of the whole id index per row, hints or not (measured on ICS ATT&CK: an export of
 * 500 ids ran past the 120 s query timeout, and TAXII pages paid the same scan per relationship).
 */
export const referencesVisible = (n: string): string => `NOT EXISTS {
       MATCH (${n})-[ref]->(target:${STIX_OBJECT}) WHERE ref.property IS NOT NULL AND NOT (${visibleNode('target')})
         AND NOT (${namedBlindly('ref', 'target')}) }
     AND NOT EXISTS {
       UNWIND [x IN [[${n}.source_ref, true], [${n}.target_ref, true], [${n}.created_by_ref, false]] WHERE x[0] IS NOT NULL] AS refEnd
       OPTIONAL MATCH (endObj:${STIX_OBJECT} {id: refEnd[0]})
       WITH refEnd, endObj
       WHERE CASE WHEN endObj IS NULL THEN refEnd[1]
                  ELSE NOT (${visibleNode('endObj')}) AND NOT (${namedBlindly(n, 'endObj')}) END
       RETURN 1 }`;

/**
 * The objects of `$ids` whose stored JSON may be served as it is: visible, and naming nothing
 * hidden (referencesVisible), bound to `n`. One index seek per id; the check runs after it.
 * Exports by id and GraphQL `raw` read through it.
 */
export const SHAREABLE_BY_IDS = `UNWIND $ids AS id
   MATCH (n:${STIX_OBJECT} {id: id}) USING INDEX n:${STIX_OBJECT}(id)
   WHERE ${visibleObject('n')}
   WITH n WHERE ${referencesVisible('n')}`;

/** The predicates above, for the catalogue test: one pattern per predicate, any variable. */
export const VISIBILITY_PREDICATES: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'visibleObject', predicate: visibleObject },
  { name: 'visibleNode', predicate: visibleNode },
  { name: 'visibleRank', predicate: visibleRank },
].map(({ name, predicate }) => {
  const [before, ...rest] = predicate('\u0000').split('\u0000');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = [before, ...rest].map((part) => escape(part ?? '')).join('[A-Za-z_][A-Za-z0-9_]*');
  return { name, pattern: new RegExp(`(?<![A-Za-z0-9_])${source}`) };
});

/**
 * READ queries that filter nothing by viewer, each with why that is right. A query named here
 * that no longer exists fails the catalogue test too, so the list stays true.
 */
export const READ_QUERIES_WITHOUT_VISIBILITY: Readonly<Record<string, string>> = {
  // Tokens are not STIX objects; the service checks the role (and, for listing, the clearance).
  'auth-find-active-by-hash': 'authentication: finds the caller\'s own token by its hash',
  'auth-list-tokens': 'admin listing of tokens, filtered by the admin\'s clearance list ($clearances)',
  // Seed loading at start: only whether any incident exists, no content.
  'case-any-incident': 'start-up check (load the reference case?): a boolean over the whole graph, never shown to a viewer',
  // The import engine: it compares incoming objects with what is stored, whoever may see it; what
  // its reports may say about hidden objects is the import service's rule (issue 14 #2).
  'stix-marking-ranks': 'import and case writes: ranks of marking-definitions, to compute a new version\'s own rank',
  'stix-abandoned-imports': 'import: markers of staged imports to clean up (ids and counts, no content)',
  'stix-count-graph': 'operator statistics (CLI, benchmarks): counts over the whole graph, never served to a viewer',
  // Candidate actors (candidates.service.ts): internal inputs of the ranking, never served.
  'candidates-dead-relationships': 'candidates: ids of revoked (or later than asOf) relationships, only to leave them out of profiles read with the predicate',
  'candidates-graph-stamp': 'candidates: node/edge/staged counts used as a cache stamp for actor profiles, never shown to a viewer',
  // TAXII 2.1 server and client bookkeeping: not STIX objects; the objects they lead to are read
  // through the predicate per request (taxii.queries.ts).
  'taxii-clock-last': 'TAXII: the date-added clock (one timestamp), no content',
  'taxii-clock-labelled': 'TAXII migration: whether the pending-stamp labels were set once (a boolean), no content',
  'taxii-collection-list': 'TAXII: collection definitions (server configuration); each collection\'s objects are filtered per caller',
  'taxii-status-get': 'TAXII: a POST\'s status by id; the service answers it only to its owner or an admin, as absent otherwise',
  'taxii-feed-get': 'TAXII client: a registered remote feed (configuration); the service requires the analyst/admin role',
  'taxii-feed-list': 'TAXII client: registered remote feeds (configuration); the service requires the analyst role',
  // Schema checks at start.
  'fulltext-stix-synchronous': 'migration: reads the full-text index settings',
  'legacy-ref-edges-present': 'migration: whether an old edge layout is still stored',
  'await-indexes': 'migration: waits for the indexes to come online',
};
