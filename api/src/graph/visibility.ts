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
import { PLACEHOLDER, STAGED } from '../../../schema/graph/kinds';

/** A stored object a viewer may fetch, list, search or export. */
export const visibleObject = (v: string): string => `${v}.tlp_rank <= $maxRank AND NOT ${v}:${STAGED} AND NOT ${v}:${PLACEHOLDER}`;

/** A node a viewer may see at the end of a visible edge (placeholders included). */
export const visibleNode = (v: string): string => `${v}.tlp_rank <= $maxRank AND NOT ${v}:${STAGED}`;

/** An edge, an older version or an audit entry: its own rank at most the viewer's clearance. */
export const visibleRank = (v: string): string => `${v}.tlp_rank <= $maxRank`;

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
