/**
 * TAXII storage: the `date_added` clock, the rows a collection serves, admin collections, POST
 * statuses and remote feeds. Functions take a transaction or the graph; values go in as parameters.
 */
import neo4j from 'neo4j-driver';
import { UNKNOWN_MARKING_RANK } from '../../../schema/graph/kinds';
import type { Graph, Tx } from './driver';
import {
  COLLECTION_LAST_MANIFEST,
  COLLECTION_LAST_ROWS,
  COLLECTION_MANIFEST,
  COLLECTION_ROWS,
  CREATE_COLLECTION,
  CREATE_STATUS,
  DELETE_COLLECTION,
  DELETE_FEED,
  FINISH_STATUS,
  GET_FEED,
  GET_STATUS,
  LIST_COLLECTIONS,
  LIST_FEEDS,
  CLOCK_LABELLED,
  CLOCK_LAST,
  LABEL_UNSTAMPED,
  MARK_CLOCK_LABELLED,
  LOCK_CLOCK,
  OBJECT_EXISTS,
  OBJECT_MANIFEST,
  OBJECT_ROWS,
  SAVE_FEED,
  STAMP_DATE_ADDED,
  TAXII_MIGRATIONS,
} from './taxii.queries';

const CLOCK_ID = 'date-added';
/** Versions stamped per transaction (bounded memory; a bigger backlog takes several). */
export const STAMPS_PER_TRANSACTION = 50_000;
/** Before any stamp: `added_after` when the client gave none. */
export const EPOCH = '1970-01-01T00:00:00Z';

export async function applyTaxiiMigrations(graph: Graph): Promise<void> {
  for (const migration of TAXII_MIGRATIONS) {
    await graph.write((tx) => tx.run(migration), { metadata: { migration: migration.name } });
  }
}

/**
 * Once per database, before its first stamping: labels DATE_ADDED_PENDING the versions written
 * before every STIX write labelled them, then remembers it on the clock. Run by the first TAXII
 * read (not at start-up: a database that never serves TAXII never pays for it).
 */
export async function labelUnstampedOnce(graph: Graph): Promise<void> {
  const [state] = await graph.read((tx) => tx.run(CLOCK_LABELLED, { clock: CLOCK_ID }));
  if (state?.done === true) return;
  for (;;) {
    const [row] = await graph.write((tx) => tx.run(LABEL_UNSTAMPED, { limit: neo4j.int(STAMPS_PER_TRANSACTION) }), {
      metadata: { phase: 'taxii-label-unstamped' },
    });
    if (Number(row?.labelled ?? 0) === 0) break;
  }
  await graph.write((tx) => tx.run(MARK_CLOCK_LABELLED, { clock: CLOCK_ID }));
}

/**
 * Stamps every committed version that has no `date_added` yet, in as many transactions as needed;
 * each transaction holds the clock's lock, so stamps grow in commit order. Returns how many, and
 * the clock's last stamp once done: reads serve nothing later than it (their horizon).
 */
export async function stampDateAdded(graph: Graph): Promise<{ stamped: number; horizon: string }> {
  let total = 0;
  for (;;) {
    const { stamped, last } = await graph.write(
      async (tx) => {
        await tx.run(LOCK_CLOCK, { clock: CLOCK_ID });
        const [row] = await tx.run(STAMP_DATE_ADDED, {
          clock: CLOCK_ID,
          now: new Date().toISOString(),
          limit: neo4j.int(STAMPS_PER_TRANSACTION),
        });
        const [clock] = await tx.run(CLOCK_LAST, { clock: CLOCK_ID });
        return { stamped: Number(row?.stamped ?? 0), last: String(clock?.last ?? EPOCH) };
      },
      { metadata: { phase: 'taxii-stamp' } },
    );
    total += stamped;
    if (stamped < STAMPS_PER_TRANSACTION) return { stamped: total, horizon: last };
  }
}

/** What a collection holds, besides visibility (null: no filter on that field). */
export interface CollectionFilter {
  types: string[] | null;
  labels: string[] | null;
  markings: string[] | null;
  creators: string[] | null;
}

/** A request's filters, already checked (see services/taxii-filters.ts). */
export interface RowQuery {
  maxRank: number;
  filter: CollectionFilter;
  /** Exclusive lower bound on date_added (ISO text), or EPOCH. */
  after: string;
  /** Inclusive upper bound: the clock after the reader's own stamping. */
  horizon: string;
  ids: string[] | null;
  types: string[] | null;
  version: { last: boolean; first: boolean; all: boolean; at: string[] };
  limit: number;
}

export interface VersionRow {
  id: string;
  type: string;
  /** The stored JSON text; null in manifest rows. */
  raw: string | null;
  /** date_added as Neo4j writes it (fraction digits vary). */
  added: string;
  version: string;
}

function rowParams(q: RowQuery) {
  return {
    maxRank: neo4j.int(q.maxRank),
    unknownRank: neo4j.int(UNKNOWN_MARKING_RANK),
    cTypes: q.filter.types,
    cLabels: q.filter.labels,
    cMarkings: q.filter.markings,
    cCreators: q.filter.creators,
    after: q.after,
    horizon: q.horizon,
    ids: q.ids,
    types: q.types,
    history: !(q.version.last && !q.version.first && !q.version.all && q.version.at.length === 0),
    last: q.version.last,
    first: q.version.first,
    all: q.version.all,
    versions: q.version.at,
    limit: neo4j.int(q.limit),
  };
}

function toVersionRow(r: Record<string, unknown>): VersionRow {
  return {
    id: String(r.id),
    type: String(r.type),
    raw: r.raw === null || r.raw === undefined ? null : String(r.raw),
    added: String(r.added),
    version: String(r.version),
  };
}

/** Rows of a collection (`id` given: of that one object), `limit` at most, in date_added order. */
export async function versionRows(tx: Tx, q: RowQuery, options: { id?: string; manifest?: boolean }): Promise<VersionRow[]> {
  const params = rowParams(q);
  const query =
    options.id !== undefined
      ? options.manifest
        ? OBJECT_MANIFEST
        : OBJECT_ROWS
      : !params.history
        ? options.manifest
          ? COLLECTION_LAST_MANIFEST
          : COLLECTION_LAST_ROWS
        : options.manifest
          ? COLLECTION_MANIFEST
          : COLLECTION_ROWS;
  const rows = await tx.run(query, { ...params, id: options.id ?? null });
  return rows.map(toVersionRow);
}

export async function objectExists(tx: Tx, id: string, maxRank: number, filter: CollectionFilter): Promise<boolean> {
  const [row] = await tx.run(OBJECT_EXISTS, {
    id,
    maxRank: neo4j.int(maxRank),
    cTypes: filter.types,
    cLabels: filter.labels,
    cMarkings: filter.markings,
    cCreators: filter.creators,
  });
  return row?.found === true;
}

// ---------------------------------------------------------------------------------------------

export interface StoredCollection extends CollectionFilter {
  id: string;
  title: string;
  description: string | null;
  alias: string | null;
  writable: boolean;
  createdBy: string;
  createdAt: string;
}

function toCollection(c: Record<string, unknown>): StoredCollection {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : null);
  return {
    id: String(c.id),
    title: String(c.title),
    description: c.description == null ? null : String(c.description),
    alias: c.alias == null ? null : String(c.alias),
    writable: c.writable === true,
    types: list(c.types),
    labels: list(c.labels),
    markings: list(c.markings),
    creators: list(c.creators),
    createdBy: String(c.createdBy),
    createdAt: String(c.createdAt),
  };
}

export async function createCollection(
  tx: Tx,
  c: Omit<StoredCollection, 'createdAt'>,
): Promise<StoredCollection> {
  const [row] = await tx.run(CREATE_COLLECTION, { ...c });
  return toCollection(row!.collection as Record<string, unknown>);
}

export async function listCollections(tx: Tx): Promise<StoredCollection[]> {
  return (await tx.run(LIST_COLLECTIONS)).map((r) => toCollection(r.collection as Record<string, unknown>));
}

export async function deleteCollection(tx: Tx, id: string): Promise<boolean> {
  const [row] = await tx.run(DELETE_COLLECTION, { id });
  return Number(row?.deleted ?? 0) > 0;
}

// ---------------------------------------------------------------------------------------------

export interface StatusDetail {
  id: string;
  version?: string;
  message?: string;
}

export interface StoredStatus {
  id: string;
  /** Token id of the viewer who posted. */
  owner: string;
  status: 'pending' | 'complete';
  total: number;
  successes: StatusDetail[];
  failures: StatusDetail[];
  pendings: StatusDetail[];
  requestTimestamp: string;
}

export async function createStatus(
  tx: Tx,
  s: { id: string; owner: string; total: number; pendings: StatusDetail[]; at: string },
): Promise<void> {
  await tx.run(CREATE_STATUS, { ...s, total: neo4j.int(s.total), pendings: JSON.stringify(s.pendings) });
}

export async function finishStatus(tx: Tx, id: string, successes: StatusDetail[], failures: StatusDetail[]): Promise<void> {
  await tx.run(FINISH_STATUS, { id, successes: JSON.stringify(successes), failures: JSON.stringify(failures) });
}

export async function getStatus(tx: Tx, id: string): Promise<StoredStatus | null> {
  const [row] = await tx.run(GET_STATUS, { id });
  if (!row) return null;
  const s = row.status as Record<string, unknown>;
  const parse = (v: unknown) => JSON.parse(String(v ?? '[]')) as StatusDetail[];
  return {
    id: String(s.id),
    owner: String(s.owner),
    status: s.status === 'complete' ? 'complete' : 'pending',
    total: Number(s.total),
    successes: parse(s.successes),
    failures: parse(s.failures),
    pendings: parse(s.pendings),
    requestTimestamp: String(s.requestTimestamp),
  };
}

// ---------------------------------------------------------------------------------------------

export interface StoredFeed {
  /** Our own id for the (API root, collection) pair. */
  id: string;
  url: string;
  collection: string;
  /** The last X-TAXII-Date-Added-Last of a complete pull: the next pull's added_after. */
  lastAddedLast: string | null;
  lastRunAt: string | null;
  /** JSON of the last run's outcome (counts, error). */
  lastResult: string | null;
  /** Pulled by the app every so many minutes; null: only on demand. */
  intervalMinutes: number | null;
  /** How to authenticate (names of environment variables, never secrets), JSON. */
  auth: string | null;
}

function toFeed(f: Record<string, unknown>): StoredFeed {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(f.id),
    url: String(f.url),
    collection: String(f.collection),
    lastAddedLast: str(f.lastAddedLast),
    lastRunAt: str(f.lastRunAt),
    lastResult: str(f.lastResult),
    intervalMinutes: f.intervalMinutes === null || f.intervalMinutes === undefined ? null : Number(f.intervalMinutes),
    auth: str(f.auth),
  };
}

export async function getFeed(tx: Tx, id: string): Promise<StoredFeed | null> {
  const [row] = await tx.run(GET_FEED, { id });
  return row ? toFeed(row.feed as Record<string, unknown>) : null;
}

export async function listFeeds(tx: Tx): Promise<StoredFeed[]> {
  return (await tx.run(LIST_FEEDS)).map((r) => toFeed(r.feed as Record<string, unknown>));
}

export async function saveFeed(
  tx: Tx,
  f: Pick<StoredFeed, 'id' | 'url' | 'collection'> & Partial<Omit<StoredFeed, 'id' | 'url' | 'collection'>>,
): Promise<StoredFeed> {
  const [row] = await tx.run(SAVE_FEED, {
    id: f.id,
    url: f.url,
    collection: f.collection,
    lastAddedLast: f.lastAddedLast ?? null,
    lastRunAt: f.lastRunAt ?? null,
    lastResult: f.lastResult ?? null,
    intervalMinutes: f.intervalMinutes === undefined || f.intervalMinutes === null ? null : neo4j.int(f.intervalMinutes),
    auth: f.auth ?? null,
  });
  return toFeed(row!.feed as Record<string, unknown>);
}

export async function deleteFeed(tx: Tx, id: string): Promise<boolean> {
  const [row] = await tx.run(DELETE_FEED, { id });
  return Number(row?.deleted ?? 0) > 0;
}
