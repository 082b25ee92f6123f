/**
 * Exploration for analysts: objects by id, filtered lists, full-text search, neighbourhoods,
 * shortest paths and relationships. Every call takes the viewer; visibility is decided in Cypher
 * (see api/src/graph/explore.queries.ts). Inputs are checked here, with caps, so the API, the CLI
 * and scripts get the same limits and the same errors.
 */
import DataLoader from 'dataloader';
import { TLP_LEVELS, type TlpLevel } from '../../../schema/graph/kinds';
import { ValidationError, type Issue } from '../errors';
import type { Graph } from '../graph/driver';
import {
  countObjects,
  countSearch,
  listObjects,
  neighborhood as readNeighborhood,
  objectsByIds,
  rawShareableIds,
  relationshipsOf,
  searchObjects,
  shortestPaths,
  type GraphEdgeRecord,
  type NeighborhoodFields,
  type NeighborhoodRecord,
  type ObjectFilterParams,
  type ObjectKeyset,
  type ObjectRecord,
  type OrderField,
  type PathRecord,
} from '../graph/explore.repository';
import { MAX_PATH_LENGTH } from '../graph/explore.queries';
import type { Logger } from '../logger';
import type { Viewer } from './viewer';

export type { GraphEdgeRecord, NeighborhoodFields, NeighborhoodRecord, ObjectRecord, PathRecord };

export const EXPLORE_LIMITS = Object.freeze({
  /** Largest page of `objects`, `search` and `relationships`. */
  maxPageSize: 500,
  defaultPageSize: 50,
  /** Deepest offset a cursor may point at. */
  maxOffset: 100_000,
  maxIds: 100,
  maxListFilter: 100,
  maxStringLength: 500,
  maxSearchTerms: 32,
  maxDepth: 3,
  defaultDepth: 1,
  maxNeighborhoodNodes: 2_000,
  defaultNeighborhoodNodes: 500,
  /** Edges returned with a neighbourhood (dense graphs have many more edges than nodes). */
  maxNeighborhoodEdges: 10_000,
  maxPathLength: MAX_PATH_LENGTH,
  defaultPathLength: 4,
  maxPaths: 50,
  defaultPaths: 10,
});

export interface ObjectFilter {
  types?: string[] | null;
  labels?: string[] | null;
  createdFrom?: string | null;
  createdTo?: string | null;
  modifiedFrom?: string | null;
  modifiedTo?: string | null;
  confidenceMin?: number | null;
  confidenceMax?: number | null;
  markings?: string[] | null;
  tlp?: TlpLevel[] | null;
  createdBy?: string[] | null;
  revoked?: boolean | null;
  nameContains?: string | null;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor of each item: pass it as `after` to get the items that follow it. */
  cursors: string[];
  hasNextPage: boolean;
  /** True when the page starts after a cursor. */
  hasPreviousPage: boolean;
}

export interface ExploreService {
  /** Visible objects among `ids` (missing and forbidden ids are simply absent). */
  getObjects(ids: readonly string[], options: { viewer: Viewer }): Promise<ObjectRecord[]>;
  /** A DataLoader for one request: batches and caches id lookups for this viewer. */
  createObjectLoader(viewer: Viewer): DataLoader<string, ObjectRecord | null>;
  /**
   * A DataLoader for one request: whether an object's STIX JSON may be served to this viewer
   * (false when it names an object the viewer may not see, as exports and TAXII decide).
   */
  createRawLoader(viewer: Viewer): DataLoader<string, boolean>;
  listObjects(
    args: { filter?: ObjectFilter | null; orderBy?: { field: OrderField; descending: boolean } | null } & PageArgs,
    options: { viewer: Viewer },
  ): Promise<Page<ObjectRecord>>;
  countObjects(filter: ObjectFilter | null | undefined, options: { viewer: Viewer }): Promise<number>;
  search(args: { text: string; types?: string[] | null } & PageArgs, options: { viewer: Viewer }): Promise<Page<ObjectRecord>>;
  countSearch(args: { text: string; types?: string[] | null }, options: { viewer: Viewer }): Promise<number>;
  neighborhood(
    args: {
      ids: string[];
      depth?: number | null;
      limit?: number | null;
      types?: string[] | null;
      relationshipTypes?: string[] | null;
      includeRefs?: boolean | null;
    },
    /** `fields`: optional fields to read (default all); those left out come back null. */
    options: { viewer: Viewer; fields?: NeighborhoodFields },
  ): Promise<NeighborhoodRecord>;
  paths(
    args: { from: string; to: string; maxLength?: number | null; limit?: number | null },
    options: { viewer: Viewer },
  ): Promise<PathRecord[]>;
  relationships(
    args: { id: string; direction?: 'OUTGOING' | 'INCOMING' | 'BOTH' | null; types?: string[] | null } & PageArgs,
    options: { viewer: Viewer },
  ): Promise<Page<GraphEdgeRecord>>;
}

// ---------------------------------------------------------------------------------------------
// Input checks (every problem collected, then one ValidationError)

class Checks {
  readonly issues: Issue[] = [];
  fail(path: string, message: string) {
    this.issues.push({ objectId: null, path, message });
  }
  int(path: string, value: number | null | undefined, fallback: number, min: number, max: number): number {
    if (value === null || value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }
  str(path: string, value: string, max: number = EXPLORE_LIMITS.maxStringLength): string {
    if (value.length > max) this.fail(path, `must be at most ${max} characters`);
    return value;
  }
  list(path: string, value: readonly string[] | null | undefined, max: number = EXPLORE_LIMITS.maxListFilter): string[] | null {
    if (value === null || value === undefined) return null;
    if (value.length > max) this.fail(path, `must hold at most ${max} values`);
    value.forEach((v, i) => this.str(`${path}[${i}]`, v));
    return [...value];
  }
  timestamp(path: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    if (value.length > 40 || Number.isNaN(Date.parse(value))) this.fail(path, 'must be an RFC 3339 timestamp');
    return value;
  }
  done(what: string) {
    if (this.issues.length > 0) {
      throw new ValidationError(
        `Invalid ${what}: ${this.issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`,
        this.issues,
      );
    }
  }
}

/**
 * Two kinds of cursors, both opaque (base64url):
 * - offset cursors (`o:<n>`) for `search` and `relationships`: full-text ranking has no stable
 *   key to resume from (scores change as documents are added), so those pages are positions;
 * - keyset cursors (`k:<json>`) for `objects`: the ordering, the sort key and the id of the last
 *   object, so the next page starts right after it even when objects were added or removed before.
 */
const OFFSET_PREFIX = 'o:';
const KEYSET_PREFIX = 'k:';
/** Longest cursor accepted (a keyset cursor carries a lower-cased name). */
const MAX_CURSOR_LENGTH = 4_096;

export function encodeCursor(offset: number): string {
  return Buffer.from(`${OFFSET_PREFIX}${offset}`, 'utf8').toString('base64url');
}

function decodeCursor(checks: Checks, cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined) return 0;
  const decoded = cursor.length <= 64 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^o:(\d{1,7})$/.exec(decoded);
  const offset = match ? Number(match[1]) : Number.NaN;
  if (!Number.isInteger(offset) || offset > EXPLORE_LIMITS.maxOffset) {
    checks.fail('after', 'is not a cursor returned by this API');
    return 0;
  }
  return offset + 1;
}

interface KeysetCursor extends ObjectKeyset {
  field: OrderField;
  descending: boolean;
}

export function encodeKeysetCursor(cursor: KeysetCursor): string {
  const body = JSON.stringify([cursor.field, cursor.descending ? 1 : 0, cursor.key, cursor.id]);
  return Buffer.from(`${KEYSET_PREFIX}${body}`, 'utf8').toString('base64url');
}

const ORDER_FIELD_NAMES: readonly OrderField[] = ['name', 'created', 'modified', 'confidence'];

function decodeKeysetCursor(
  checks: Checks,
  cursor: string | null | undefined,
  order: { field: OrderField; descending: boolean },
): ObjectKeyset | null {
  if (cursor === null || cursor === undefined) return null;
  let parsed: unknown = null;
  if (cursor.length <= MAX_CURSOR_LENGTH) {
    const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
    if (decoded.startsWith(KEYSET_PREFIX)) {
      try {
        parsed = JSON.parse(decoded.slice(KEYSET_PREFIX.length));
      } catch {
        parsed = null;
      }
    }
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.length === 4 &&
    ORDER_FIELD_NAMES.includes(parsed[0] as OrderField) &&
    (parsed[1] === 0 || parsed[1] === 1) &&
    (parsed[2] === null || typeof parsed[2] === 'string' || (typeof parsed[2] === 'number' && Number.isInteger(parsed[2]))) &&
    typeof parsed[3] === 'string' &&
    parsed[3].length > 0 &&
    parsed[3].length <= EXPLORE_LIMITS.maxStringLength &&
    (parsed[0] === 'name' || parsed[0] === 'confidence' || parsed[2] === null || !Number.isNaN(Date.parse(String(parsed[2])))) &&
    (parsed[0] !== 'confidence' || parsed[2] === null || typeof parsed[2] === 'number') &&
    (parsed[0] === 'confidence' || typeof parsed[2] !== 'number');
  if (!valid) {
    checks.fail('after', 'is not a cursor returned by objects');
    return null;
  }
  const [field, descending, key, id] = parsed as [OrderField, 0 | 1, string | number | null, string];
  if (field !== order.field || (descending === 1) !== order.descending) {
    checks.fail('after', `is a cursor of another ordering (${field} ${descending ? 'DESC' : 'ASC'}); keep orderBy the same while paging`);
    return null;
  }
  return { key, id };
}

function page(checks: Checks, args: PageArgs): { skip: number; limit: number } {
  const limit = checks.int('first', args.first, EXPLORE_LIMITS.defaultPageSize, 0, EXPLORE_LIMITS.maxPageSize);
  return { skip: decodeCursor(checks, args.after), limit };
}

/** A page of an offset-paginated list, read with one extra row to know whether more follow. */
function toPage<T>(rows: T[], skip: number, limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return {
    items,
    cursors: items.map((_, i) => encodeCursor(skip + i)),
    hasNextPage: rows.length > limit,
    hasPreviousPage: skip > 0,
  };
}

const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;

/**
 * The Lucene query for free text: each whitespace-separated term is lower-cased (so AND/OR/NOT
 * are words, not operators), every special character escaped, and matched exactly or as a
 * prefix; all terms must match. Returns null when nothing searchable is left.
 */
export function luceneQuery(text: string): string | null {
  const terms = text
    .normalize('NFKC')
    .toLowerCase()
    .split(/\s+/u)
    .map((t) => t.replace(LUCENE_SPECIAL, (c) => `\\${c}`))
    .filter((t) => t.length > 0)
    .slice(0, EXPLORE_LIMITS.maxSearchTerms);
  if (terms.length === 0) return null;
  return terms.map((t) => `(${t} OR ${t}*)`).join(' AND ');
}

function filterParams(checks: Checks, filter: ObjectFilter | null | undefined): ObjectFilterParams {
  const f = filter ?? {};
  const confidence = (path: string, v: number | null | undefined) =>
    v === null || v === undefined ? null : checks.int(path, v, 0, 0, 100);
  const tlp = f.tlp === null || f.tlp === undefined ? null : f.tlp.map((level) => TLP_LEVELS.indexOf(level));
  if (tlp?.some((r) => r < 0)) checks.fail('filter.tlp', 'must hold TLP 2.0 levels');
  const nameContains = f.nameContains == null ? null : checks.str('filter.nameContains', f.nameContains).toLowerCase();
  return {
    types: checks.list('filter.types', f.types),
    labels: checks.list('filter.labels', f.labels),
    createdFrom: checks.timestamp('filter.createdFrom', f.createdFrom),
    createdTo: checks.timestamp('filter.createdTo', f.createdTo),
    modifiedFrom: checks.timestamp('filter.modifiedFrom', f.modifiedFrom),
    modifiedTo: checks.timestamp('filter.modifiedTo', f.modifiedTo),
    confidenceMin: confidence('filter.confidenceMin', f.confidenceMin),
    confidenceMax: confidence('filter.confidenceMax', f.confidenceMax),
    markings: checks.list('filter.markings', f.markings),
    tlpRanks: tlp,
    createdBy: checks.list('filter.createdBy', f.createdBy),
    revoked: f.revoked ?? null,
    nameContains,
  };
}

export interface ExploreServiceDeps {
  graph: Graph;
  logger: Logger;
}

export function createExploreService(deps: ExploreServiceDeps): ExploreService {
  return {
    getObjects: (ids, { viewer }) => getObjects(deps, ids, viewer),
    createObjectLoader: (viewer) => createObjectLoader(deps, viewer),
    createRawLoader: (viewer) => createRawLoader(deps, viewer),
    listObjects: (args, { viewer }) => listObjectsPage(deps, args, viewer),
    countObjects: (filter, { viewer }) => countObjectsMatching(deps, filter, viewer),
    search: (args, { viewer }) => searchPage(deps, args, viewer),
    countSearch: (args, { viewer }) => countSearchMatches(deps, args, viewer),
    neighborhood: (args, { viewer, fields }) => neighborhood(deps, args, viewer, fields),
    paths: (args, { viewer }) => paths(deps, args, viewer),
    relationships: (args, { viewer }) => relationships(deps, args, viewer),
  };
}

/** Arguments of an ExploreService method. */
type ArgsOf<K extends keyof ExploreService> = Parameters<ExploreService[K]>[0];

/** One read transaction tagged with the area and the viewer. */
function read<T>({ graph }: ExploreServiceDeps, viewer: Viewer, area: string, work: Parameters<Graph['read']>[0]): Promise<T> {
  return graph.read(work, { metadata: { area, viewer: viewer.id } }) as Promise<T>;
}

async function getObjects(deps: ExploreServiceDeps, ids: readonly string[], viewer: Viewer): Promise<ObjectRecord[]> {
  const checks = new Checks();
  const list = checks.list('ids', ids, 10_000) ?? [];
  checks.done('ids');
  if (list.length === 0) return [];
  return read(deps, viewer, 'objects-by-id', (tx) => objectsByIds(tx, [...new Set(list)], viewer.clearanceRank));
}

function createObjectLoader(deps: ExploreServiceDeps, viewer: Viewer): DataLoader<string, ObjectRecord | null> {
  return new DataLoader<string, ObjectRecord | null>(
    async (ids) => {
      const found = await getObjects(deps, ids, viewer);
      const byId = new Map(found.map((o) => [o.id, o]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { maxBatchSize: 5_000 },
  );
}

function createRawLoader(deps: ExploreServiceDeps, viewer: Viewer): DataLoader<string, boolean> {
  return new DataLoader<string, boolean>(
    async (ids) => {
      const shareable = await read<Set<string>>(deps, viewer, 'raw-shareable', (tx) => rawShareableIds(tx, [...new Set(ids)], viewer.clearanceRank));
      return ids.map((id) => shareable.has(id));
    },
    { maxBatchSize: 5_000 },
  );
}

async function listObjectsPage(deps: ExploreServiceDeps, args: ArgsOf<'listObjects'>, viewer: Viewer): Promise<Page<ObjectRecord>> {
  const checks = new Checks();
  const filter = filterParams(checks, args.filter);
  const order = args.orderBy ?? { field: 'name', descending: false };
  const limit = checks.int('first', args.first, EXPLORE_LIMITS.defaultPageSize, 0, EXPLORE_LIMITS.maxPageSize);
  const after = decodeKeysetCursor(checks, args.after, order);
  checks.done('objects query');
  const rows = await read<Awaited<ReturnType<typeof listObjects>>>(deps, viewer, 'objects', (tx) =>
    listObjects(tx, filter, order, { after, limit: limit + 1 }, viewer.clearanceRank),
  );
  const items = rows.slice(0, limit);
  return {
    items: items.map((r) => r.record),
    cursors: items.map((r) => encodeKeysetCursor({ ...order, key: r.key, id: r.record.id })),
    hasNextPage: rows.length > limit,
    hasPreviousPage: after !== null,
  };
}

async function countObjectsMatching(deps: ExploreServiceDeps, filter: ObjectFilter | null | undefined, viewer: Viewer): Promise<number> {
  const checks = new Checks();
  const params = filterParams(checks, filter);
  checks.done('objects query');
  return read(deps, viewer, 'objects-count', (tx) => countObjects(tx, params, viewer.clearanceRank));
}

async function searchPage(deps: ExploreServiceDeps, args: ArgsOf<'search'>, viewer: Viewer): Promise<Page<ObjectRecord>> {
  const checks = new Checks();
  checks.str('text', args.text);
  const types = checks.list('types', args.types);
  const { skip, limit } = page(checks, args);
  checks.done('search');
  const query = luceneQuery(args.text);
  if (query === null || limit === 0) return { items: [], cursors: [], hasNextPage: false, hasPreviousPage: skip > 0 };
  const rows = await read<ObjectRecord[]>(deps, viewer, 'search', (tx) =>
    searchObjects(tx, query, types, { skip, limit: limit + 1 }, viewer.clearanceRank),
  );
  return toPage(rows, skip, limit);
}

async function countSearchMatches(deps: ExploreServiceDeps, args: ArgsOf<'countSearch'>, viewer: Viewer): Promise<number> {
  const checks = new Checks();
  checks.str('text', args.text);
  const types = checks.list('types', args.types);
  checks.done('search');
  const query = luceneQuery(args.text);
  if (query === null) return 0;
  return read(deps, viewer, 'search-count', (tx) => countSearch(tx, query, types, viewer.clearanceRank));
}

async function neighborhood(
  deps: ExploreServiceDeps,
  args: ArgsOf<'neighborhood'>,
  viewer: Viewer,
  fields: NeighborhoodFields | undefined,
): Promise<NeighborhoodRecord> {
  const checks = new Checks();
  const ids = checks.list('ids', args.ids, EXPLORE_LIMITS.maxIds) ?? [];
  const depth = checks.int('depth', args.depth, EXPLORE_LIMITS.defaultDepth, 0, EXPLORE_LIMITS.maxDepth);
  const limit = checks.int(
    'limit',
    args.limit,
    EXPLORE_LIMITS.defaultNeighborhoodNodes,
    1,
    EXPLORE_LIMITS.maxNeighborhoodNodes,
  );
  const types = checks.list('types', args.types);
  const relationshipTypes = checks.list('relationshipTypes', args.relationshipTypes);
  checks.done('neighborhood');
  if (ids.length === 0) return { nodes: [], edges: [], truncated: false };
  return read(deps, viewer, 'neighborhood', (tx) =>
    readNeighborhood(
      tx,
      {
        ids: [...new Set(ids)],
        depth,
        limit,
        types,
        relationshipTypes,
        includeRefs: args.includeRefs === true,
        maxRank: viewer.clearanceRank,
        ...(fields ? { fields } : {}),
      },
      EXPLORE_LIMITS.maxNeighborhoodEdges,
    ),
  );
}

async function paths(deps: ExploreServiceDeps, args: ArgsOf<'paths'>, viewer: Viewer): Promise<PathRecord[]> {
  const checks = new Checks();
  checks.str('from', args.from);
  checks.str('to', args.to);
  const maxLength = checks.int('maxLength', args.maxLength, EXPLORE_LIMITS.defaultPathLength, 1, EXPLORE_LIMITS.maxPathLength);
  const limit = checks.int('limit', args.limit, EXPLORE_LIMITS.defaultPaths, 1, EXPLORE_LIMITS.maxPaths);
  checks.done('paths');
  if (args.from === args.to) return [];
  return read(deps, viewer, 'paths', (tx) =>
    shortestPaths(tx, { from: args.from, to: args.to, maxLength, limit }, viewer.clearanceRank),
  );
}

async function relationships(deps: ExploreServiceDeps, args: ArgsOf<'relationships'>, viewer: Viewer): Promise<Page<GraphEdgeRecord>> {
  const checks = new Checks();
  checks.str('id', args.id);
  const types = checks.list('types', args.types);
  const { skip, limit } = page(checks, args);
  checks.done('relationships');
  const rows = await read<GraphEdgeRecord[]>(deps, viewer, 'relationships', (tx) =>
    relationshipsOf(
      tx,
      { id: args.id, direction: args.direction ?? 'BOTH', types, skip, limit: limit + 1 },
      viewer.clearanceRank,
    ),
  );
  return toPage(rows, skip, limit);
}
