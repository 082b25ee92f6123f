/**
 * The TAXII 2.1 server's service (docs/taxii.md): collections, objects, manifest, versions, POST
 * and status, for a viewer. The HTTP layer (api/src/taxii/) only parses and shapes; every rule is
 * here or in the graph layer:
 *  - visibility is the graph's (`tlp_rank <= clearance`, not staged, not a placeholder), applied in
 *    every query, so a client never receives or learns of an object above its clearance;
 *  - `date_added` is a stamp handed out in commit order by one clock node (graph/taxii.queries.ts),
 *    so paging by `added_after`/`next` neither skips nor repeats an object added meanwhile;
 *  - a POST goes through the STIX import service (validation, versions, dedup, all-or-nothing).
 */
import { randomUUID } from 'node:crypto';
import { ForbiddenError, NotFoundError, ValidationError, type Issue } from '../errors';
import type { Graph } from '../graph/driver';
import {
  applyTaxiiMigrations,
  createCollection as insertCollection,
  createStatus,
  deleteCollection as removeCollection,
  EPOCH,
  finishStatus,
  getStatus,
  listCollections,
  objectExists,
  labelUnstampedOnce,
  stampDateAdded,
  versionRows,
  type CollectionFilter,
  type StatusDetail,
  type StoredCollection,
  type VersionRow,
} from '../graph/taxii.repository';
import type { Logger } from '../logger';
import type { ImportReport, StixImportService } from './stix-import.service';
import {
  COLLECTION_PARAMS,
  encodeNext,
  OBJECT_PARAMS,
  parseTaxiiQuery,
  stixTimestamp,
  taxiiTimestamp,
  VERSIONS_PARAMS,
  type TaxiiQuery,
} from './taxii-filters';
import { hasRole, requireRole, type Viewer } from './viewer';
import { isRecord } from '../../../schema/json';

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** The built-in collection: every object the caller may see, read-only. Fixed id (partners save it). */
export const DEFAULT_COLLECTION_ID = '5d0a9a3c-3b8e-4c4f-9d0e-7b1f6a2c8e10';

export interface TaxiiCollection {
  id: string;
  title: string;
  description?: string;
  alias?: string;
  can_read: boolean;
  can_write: boolean;
  media_types: string[];
}

export interface NewCollection {
  title: string;
  description?: string | null;
  alias?: string | null;
  writable?: boolean;
  types?: string[] | null;
  labels?: string[] | null;
  markings?: string[] | null;
  creators?: string[] | null;
}

export interface TaxiiPage<T> {
  more: boolean;
  next: string | null;
  items: T[];
  /** date_added of the first and last item (the X-TAXII-Date-Added-First/Last headers). */
  firstAdded: string | null;
  lastAdded: string | null;
}

export interface ManifestRecord {
  id: string;
  date_added: string;
  version: string;
  media_type: string;
}

export interface TaxiiStatus {
  id: string;
  status: 'pending' | 'complete';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  successes: StatusDetail[];
  failure_count: number;
  failures: StatusDetail[];
  pending_count: number;
  pendings: StatusDetail[];
}

export interface TaxiiService {
  ensureSchema(): Promise<void>;
  collections(viewer: Viewer): Promise<TaxiiCollection[]>;
  collection(viewer: Viewer, id: string): Promise<TaxiiCollection>;
  createCollection(input: NewCollection, options: { viewer: Viewer }): Promise<TaxiiCollection>;
  deleteCollection(id: string, options: { viewer: Viewer }): Promise<void>;
  objects(viewer: Viewer, collectionId: string, params: URLSearchParams): Promise<TaxiiPage<Record<string, unknown>>>;
  manifest(viewer: Viewer, collectionId: string, params: URLSearchParams): Promise<TaxiiPage<ManifestRecord>>;
  object(viewer: Viewer, collectionId: string, objectId: string, params: URLSearchParams): Promise<TaxiiPage<Record<string, unknown>>>;
  versions(viewer: Viewer, collectionId: string, objectId: string, params: URLSearchParams): Promise<TaxiiPage<string>>;
  /**
   * Imports an envelope into a writable collection; waits up to `waitMs` for the import and
   * returns its status (complete, or pending: poll `status`).
   */
  addObjects(viewer: Viewer, collectionId: string, envelope: unknown, options?: { waitMs?: number }): Promise<TaxiiStatus>;
  status(viewer: Viewer, id: string): Promise<TaxiiStatus>;
  /** Stamps committed versions that have no date_added yet (every read does it first). */
  stamp(): Promise<number>;
}

export interface TaxiiServiceDeps {
  graph: Graph;
  logger: Logger;
  stixImport: StixImportService;
}

const NO_FILTER: CollectionFilter = { types: null, labels: null, markings: null, creators: null };

interface ResolvedCollection {
  view: TaxiiCollection;
  filter: CollectionFilter;
  writable: boolean;
}

function defaultCollection(): ResolvedCollection {
  return {
    view: {
      id: DEFAULT_COLLECTION_ID,
      title: 'Everything you may see',
      description: 'Every STIX object in this instance within your token’s TLP clearance (read-only).',
      alias: 'everything',
      can_read: true,
      can_write: false,
      media_types: [STIX_MEDIA_TYPE],
    },
    filter: NO_FILTER,
    writable: false,
  };
}

function resolveStored(c: StoredCollection, viewer: Viewer): ResolvedCollection {
  return {
    view: {
      id: c.id,
      title: c.title,
      ...(c.description ? { description: c.description } : {}),
      ...(c.alias ? { alias: c.alias } : {}),
      can_read: true,
      can_write: c.writable && hasRole(viewer, 'analyst'),
      media_types: [STIX_MEDIA_TYPE],
    },
    filter: { types: c.types, labels: c.labels, markings: c.markings, creators: c.creators },
    writable: c.writable,
  };
}

const cleanList = (v: string[] | null | undefined) => {
  const out = (v ?? []).map((s) => s.trim()).filter((s) => s !== '');
  return out.length > 0 ? [...new Set(out)] : null;
};

/** Status details of an import report: every object succeeded, or (all-or-nothing) every one failed. */
export function statusDetails(objects: unknown[], report: ImportReport): { successes: StatusDetail[]; failures: StatusDetail[] } {
  const described = objects.map((o, i) => {
    const r = typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : {};
    const id = typeof r.id === 'string' ? r.id : `objects[${i}]`;
    const version = typeof r.modified === 'string' ? r.modified : typeof r.created === 'string' ? r.created : undefined;
    return { id, ...(version ? { version } : {}) };
  });
  if (report.errors.length === 0) return { successes: described, failures: [] };
  const byObject = new Map<string, Issue[]>();
  const general: Issue[] = [];
  for (const issue of report.errors) {
    if (issue.objectId) byObject.set(issue.objectId, [...(byObject.get(issue.objectId) ?? []), issue]);
    else general.push(issue);
  }
  const say = (issues: Issue[]) => issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  const failures = described.map((d) => {
    const own = byObject.get(d.id);
    const message = own
      ? say(own)
      : `not imported: the envelope is imported all or nothing and ${general.length > 0 ? say(general) : 'other objects in it were refused'}`;
    return { ...d, message: message.slice(0, 2000) };
  });
  return { successes: [], failures };
}

/** What the operations below need, resolved once by createTaxiiService. */
interface TaxiiDeps {
  graph: Graph;
  /** The taxii area's child logger. */
  logger: Logger;
  stixImport: StixImportService;
  /** Stamps what was committed before the call (see createStamper); resolves with the read horizon. */
  stampForRead(): Promise<{ stamped: number; horizon: string }>;
}

export function createTaxiiService(serviceDeps: TaxiiServiceDeps): TaxiiService {
  const { graph } = serviceDeps;
  const deps: TaxiiDeps = {
    graph,
    logger: serviceDeps.logger.child({ area: 'taxii' }),
    stixImport: serviceDeps.stixImport,
    stampForRead: createStamper(graph),
  };
  return {
    async ensureSchema() {
      await applyTaxiiMigrations(graph);
    },
    stamp: async () => (await deps.stampForRead()).stamped,
    collections: (viewer) => collections(deps, viewer),
    collection: async (viewer, id) => (await resolve(deps, viewer, id)).view,
    createCollection: (input, { viewer }) => createCollection(deps, input, viewer),
    deleteCollection: (id, { viewer }) => deleteCollection(deps, id, viewer),
    objects: (viewer, collectionId, params) => objects(deps, viewer, collectionId, params),
    manifest: (viewer, collectionId, params) => manifest(deps, viewer, collectionId, params),
    object: (viewer, collectionId, objectId, params) => object(deps, viewer, collectionId, objectId, params),
    versions: (viewer, collectionId, objectId, params) => versions(deps, viewer, collectionId, objectId, params),
    addObjects: (viewer, collectionId, envelope, options) => addObjects(deps, viewer, collectionId, envelope, options),
    status: (viewer, id) => readStatus(deps, viewer, id),
  };
}

/**
 * One stamping at a time; a request arriving meanwhile waits for it and starts the next (so what
 * was committed before the request arrived is stamped). Resolves with the read horizon.
 */
function createStamper(graph: Graph): () => Promise<{ stamped: number; horizon: string }> {
  let stamping: Promise<{ stamped: number; horizon: string }> | null = null;
  /** Whether this process has made sure the database's older versions carry DATE_ADDED_PENDING. */
  let labelled = false;
  return async function stampForRead() {
    while (stamping) await stamping.catch(() => null);
    stamping = (async () => {
      if (!labelled) await labelUnstampedOnce(graph);
      labelled = true;
      return stampDateAdded(graph);
    })().finally(() => {
      stamping = null;
    });
    return stamping;
  };
}

async function resolve({ graph }: TaxiiDeps, viewer: Viewer, id: string): Promise<ResolvedCollection> {
  if (id === DEFAULT_COLLECTION_ID) return defaultCollection();
  const stored = (await graph.read((tx) => listCollections(tx))).find((c) => c.id === id);
  if (!stored) throw new NotFoundError(`collection ${id.slice(0, 80)} does not exist`);
  return resolveStored(stored, viewer);
}

async function page(
  deps: TaxiiDeps,
  viewer: Viewer,
  collectionId: string,
  q: TaxiiQuery,
  options: { id?: string; manifest?: boolean },
): Promise<{ rows: VersionRow[]; more: boolean; collection: ResolvedCollection }> {
  const collection = await resolve(deps, viewer, collectionId);
  if (!q.specVersionMatches) return { rows: [], more: false, collection };
  const { horizon } = await deps.stampForRead();
  const rows = await deps.graph.read((tx) =>
    versionRows(
      tx,
      {
        maxRank: viewer.clearanceRank,
        filter: collection.filter,
        after: q.after ?? EPOCH,
        horizon,
        ids: q.ids,
        types: q.types,
        version: q.version,
        limit: q.limit + 1,
      },
      options,
    ),
  );
  const more = rows.length > q.limit;
  return { rows: more ? rows.slice(0, q.limit) : rows, more, collection };
}

function shape<T>(rows: VersionRow[], more: boolean, item: (r: VersionRow) => T): TaxiiPage<T> {
  const first = rows[0];
  const last = rows.at(-1);
  return {
    more,
    next: more && last ? encodeNext(taxiiTimestamp(last.added)) : null,
    items: rows.map(item),
    firstAdded: first ? taxiiTimestamp(first.added) : null,
    lastAdded: last ? taxiiTimestamp(last.added) : null,
  };
}

const parseObject = (r: VersionRow) => JSON.parse(r.raw ?? '{}') as Record<string, unknown>;

async function requireObject({ graph }: TaxiiDeps, viewer: Viewer, collection: ResolvedCollection, objectId: string): Promise<void> {
  const found = await graph.read((tx) => objectExists(tx, objectId, viewer.clearanceRank, collection.filter));
  // The same answer for "absent" and "above your clearance": nothing is learnt of the latter.
  if (!found) throw new NotFoundError(`no such object in collection ${collection.view.id}`);
}

function statusView(s: {
  id: string;
  status: 'pending' | 'complete';
  requestTimestamp: string;
  total: number;
  successes: StatusDetail[];
  failures: StatusDetail[];
  pendings: StatusDetail[];
}): TaxiiStatus {
  return {
    id: s.id,
    status: s.status,
    request_timestamp: taxiiTimestamp(s.requestTimestamp),
    total_count: s.total,
    success_count: s.successes.length,
    successes: s.successes,
    failure_count: s.failures.length,
    failures: s.failures,
    pending_count: s.pendings.length,
    pendings: s.pendings,
  };
}

async function readStatus({ graph }: TaxiiDeps, viewer: Viewer, id: string): Promise<TaxiiStatus> {
  const s = await graph.read((tx) => getStatus(tx, id));
  // Only who posted (and admins) may read a status; to others it does not exist.
  if (!s || (s.owner !== viewer.id && !hasRole(viewer, 'admin'))) throw new NotFoundError(`status ${id.slice(0, 80)} does not exist`);
  return statusView(s);
}

async function collections({ graph }: TaxiiDeps, viewer: Viewer): Promise<TaxiiCollection[]> {
  const stored = await graph.read((tx) => listCollections(tx));
  return [defaultCollection().view, ...stored.map((c) => resolveStored(c, viewer).view)];
}

async function createCollection({ graph, logger }: TaxiiDeps, input: NewCollection, viewer: Viewer): Promise<TaxiiCollection> {
  requireRole(viewer, 'admin');
  const title = input.title?.trim() ?? '';
  if (title === '') throw new ValidationError('title: a collection needs a title');
  if (title.length > 200) throw new ValidationError('title: at most 200 characters');
  const stored = await graph.write((tx) =>
    insertCollection(tx, {
      id: randomUUID(),
      title,
      description: input.description?.trim() || null,
      alias: input.alias?.trim() || null,
      writable: input.writable === true,
      types: cleanList(input.types),
      labels: cleanList(input.labels),
      markings: cleanList(input.markings),
      creators: cleanList(input.creators),
      createdBy: viewer.name,
    }),
  );
  logger.info({ collection: stored.id, by: viewer.id }, 'TAXII collection created');
  return resolveStored(stored, viewer).view;
}

async function deleteCollection({ graph }: TaxiiDeps, id: string, viewer: Viewer): Promise<void> {
  requireRole(viewer, 'admin');
  if (id === DEFAULT_COLLECTION_ID) throw new ValidationError('the built-in collection cannot be deleted');
  if (!(await graph.write((tx) => removeCollection(tx, id)))) throw new NotFoundError(`collection ${id} does not exist`);
}

async function objects(deps: TaxiiDeps, viewer: Viewer, collectionId: string, params: URLSearchParams) {
  const q = parseTaxiiQuery(params, { allow: COLLECTION_PARAMS, defaultVersion: 'last' });
  const { rows, more } = await page(deps, viewer, collectionId, q, {});
  return shape(rows, more, parseObject);
}

async function manifest(deps: TaxiiDeps, viewer: Viewer, collectionId: string, params: URLSearchParams) {
  const q = parseTaxiiQuery(params, { allow: COLLECTION_PARAMS, defaultVersion: 'last' });
  const { rows, more } = await page(deps, viewer, collectionId, q, { manifest: true });
  return shape(rows, more, (r) => ({
    id: r.id,
    date_added: taxiiTimestamp(r.added),
    version: stixTimestamp(r.version),
    media_type: STIX_MEDIA_TYPE,
  }));
}

async function object(deps: TaxiiDeps, viewer: Viewer, collectionId: string, objectId: string, params: URLSearchParams) {
  const q = parseTaxiiQuery(params, { allow: OBJECT_PARAMS, defaultVersion: 'last' });
  const { rows, more, collection } = await page(deps, viewer, collectionId, q, { id: objectId });
  if (rows.length === 0) await requireObject(deps, viewer, collection, objectId);
  return shape(rows, more, parseObject);
}

async function versions(deps: TaxiiDeps, viewer: Viewer, collectionId: string, objectId: string, params: URLSearchParams) {
  const q = parseTaxiiQuery(params, { allow: VERSIONS_PARAMS, defaultVersion: 'all' });
  const { rows, more, collection } = await page(deps, viewer, collectionId, q, { id: objectId, manifest: true });
  if (rows.length === 0) await requireObject(deps, viewer, collection, objectId);
  return shape(rows, more, (r) => stixTimestamp(r.version));
}

async function addObjects(
  deps: TaxiiDeps,
  viewer: Viewer,
  collectionId: string,
  envelope: unknown,
  options: { waitMs?: number } = {},
): Promise<TaxiiStatus> {
  const { graph, logger } = deps;
  const collection = await resolve(deps, viewer, collectionId);
  if (!collection.writable) throw new ForbiddenError(`collection ${collectionId} is read-only`);
  requireRole(viewer, 'analyst');
  const body = isRecord(envelope) ? envelope : null;
  if (!body || !Array.isArray(body.objects)) {
    throw new ValidationError('the request body must be a TAXII envelope: {"objects": [ … ]}');
  }
  const objects = body.objects as unknown[];
  const id = randomUUID();
  const at = new Date().toISOString();
  const pendings = objects.map((o, i) => {
    const r = typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : {};
    return { id: typeof r.id === 'string' ? r.id : `objects[${i}]` };
  });
  await graph.write((tx) => createStatus(tx, { id, owner: viewer.id, total: objects.length, pendings, at }));
  const done = (async () => {
    let details: { successes: StatusDetail[]; failures: StatusDetail[] };
    try {
      const report = await deps.stixImport.importBundle(objects, { viewer, source: `taxii:${collectionId}` });
      details = statusDetails(objects, report);
    } catch (e) {
      logger.error({ err: e, status: id }, 'TAXII envelope import failed');
      details = {
        successes: [],
        failures: pendings.map((p) => ({ ...p, message: 'not imported: the import failed on the server; nothing was stored' })),
      };
    }
    await graph.write((tx) => finishStatus(tx, id, details.successes, details.failures));
  })();
  done.catch((e: unknown) => logger.error({ err: e, status: id }, 'could not record a TAXII status'));
  const waitMs = options.waitMs ?? 10_000;
  await Promise.race([done.catch(() => {}), new Promise((r) => setTimeout(r, waitMs).unref())]);
  return readStatus(deps, viewer, id);
}
