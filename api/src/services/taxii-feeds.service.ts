/**
 * The TAXII client side (docs/taxii.md): pull a remote collection into the graph page by page,
 * incrementally (the last `X-TAXII-Date-Added-Last` is remembered per source, in Neo4j), and push a
 * selection of our objects to a remote collection. Each page is imported by the STIX import service
 * as one all-or-nothing input, so a failure never leaves half an envelope; the cursor only moves
 * past a page once that page is stored. Registered feeds are pulled on a schedule by the app.
 */
import { createHash } from 'node:crypto';
import { ValidationError, type Issue } from '../errors';
import type { Graph } from '../graph/driver';
import { getFeed, listFeeds, saveFeed, deleteFeed, type StoredFeed } from '../graph/taxii.repository';
import type { Logger } from '../logger';
import type { StixImportService } from './stix-import.service';
import { taxiiRemote, TaxiiRemoteError, type RemoteAuth, type RemoteOptions, type TaxiiRemote } from './taxii-remote';
import { requireRole, type Viewer } from './viewer';

/** How a feed authenticates: names of environment variables, never the secrets themselves. */
export type FeedAuthRef = { tokenEnv: string } | { user: string; passwordEnv: string } | null;

export interface PullProgress {
  page: number;
  objects: number;
  created: number;
  updated: number;
  unchanged: number;
}

export interface PullOptions {
  apiRoot: string;
  collection: string;
  auth: RemoteAuth;
  /** Stored with the feed so the app can pull it on a schedule (env var names only). */
  authRef?: FeedAuthRef;
  /** Start after this date_added instead of where the last pull stopped. */
  addedAfter?: string | null;
  /** Objects asked per page (the server may send fewer). */
  pageSize?: number;
  viewer: Viewer;
  /**
   * All or nothing per page (a page with one bad object is refused and the pull stops there).
   * Default false: tolerant, as imports are (docs/import-policy.md): a bad object is repaired or
   * quarantined with the feed as its source, and the rest of the page and the feed go on.
   */
  strict?: boolean;
  onProgress?: (p: PullProgress) => void;
  remote?: Omit<RemoteOptions, 'auth'>;
}

export interface PullReport {
  feedId: string;
  apiRoot: string;
  collection: string;
  /** The added_after the pull started from (null: from the beginning). */
  addedAfter: string | null;
  /** Where the next pull starts. */
  lastAddedLast: string | null;
  pages: number;
  /** Objects received. */
  objects: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Objects imported after a documented repair (tolerant pulls). */
  repaired: number;
  /** Objects kept aside in the quarantine (tolerant pulls; `attribution-graph quarantine list`). */
  quarantined: number;
  rejected: number;
  /** Import problems of the refused page, if one was refused. */
  errors: Issue[];
  /** What stopped the pull (remote error, refused page); null when it completed. */
  error: string | null;
  startedAt: string;
  finishedAt: string;
}

export interface PushOptions {
  apiRoot: string;
  collection: string;
  auth: RemoteAuth;
  objects: Record<string, unknown>[];
  /** Waits this long for each envelope's status to be complete (default 60 s). */
  waitMs?: number;
  onProgress?: (message: string) => void;
  remote?: Omit<RemoteOptions, 'auth'>;
}

export interface PushReport {
  apiRoot: string;
  collection: string;
  envelopes: number;
  total: number;
  success: number;
  failure: number;
  pending: number;
  statuses: Record<string, unknown>[];
}

export interface FeedRegistration {
  apiRoot: string;
  collection: string;
  intervalMinutes: number;
  auth: FeedAuthRef;
}

export interface TaxiiFeedsService {
  pull(options: PullOptions): Promise<PullReport>;
  push(options: PushOptions): Promise<PushReport>;
  register(input: FeedRegistration, options: { viewer: Viewer }): Promise<StoredFeed>;
  unregister(apiRoot: string, collection: string, options: { viewer: Viewer }): Promise<boolean>;
  list(options: { viewer: Viewer }): Promise<StoredFeed[]>;
  /** Pulls every registered feed whose interval has passed (the app calls it every minute). */
  runDue(viewer: Viewer, now?: Date): Promise<PullReport[]>;
}

export interface TaxiiFeedsDeps {
  graph: Graph;
  logger: Logger;
  stixImport: StixImportService;
}

export function normaliseApiRoot(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`"${url.slice(0, 200)}" is not a URL (expected the API root, e.g. https://attack-taxii.mitre.org/api/v21/)`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ValidationError(`${url}: only http and https API roots are supported`);
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString().endsWith('/') ? parsed.toString() : `${parsed.toString()}/`;
}

export function feedId(apiRoot: string, collection: string): string {
  return createHash('sha256').update(`${normaliseApiRoot(apiRoot)}\n${collection}`).digest('hex').slice(0, 32);
}

/** The credentials a stored auth reference names, read from the environment now. */
export function authFromRef(ref: FeedAuthRef, env: NodeJS.ProcessEnv = process.env): RemoteAuth {
  if (ref === null) return { kind: 'none' };
  if ('tokenEnv' in ref) {
    const token = env[ref.tokenEnv];
    if (!token) throw new ValidationError(`environment variable ${ref.tokenEnv} (the feed's token) is not set`);
    return { kind: 'bearer', token };
  }
  const password = env[ref.passwordEnv];
  if (!password) throw new ValidationError(`environment variable ${ref.passwordEnv} (the feed's password) is not set`);
  return { kind: 'basic', user: ref.user, password };
}

/** Stays well under max_content_length: envelopes are cut by their JSON size. */
function envelopes(objects: Record<string, unknown>[], maxBytes: number): Record<string, unknown>[][] {
  const out: Record<string, unknown>[][] = [];
  let current: Record<string, unknown>[] = [];
  let size = 20;
  for (const o of objects) {
    const bytes = Buffer.byteLength(JSON.stringify(o)) + 1;
    if (bytes + 20 > maxBytes) throw new ValidationError(`${String(o.id)} alone is larger than the remote max_content_length (${maxBytes} bytes)`);
    if (current.length > 0 && size + bytes > maxBytes) {
      out.push(current);
      current = [];
      size = 20;
    }
    current.push(o);
    size += bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** What the operations below need, made once by createTaxiiFeedsService. */
interface FeedsDeps {
  graph: Graph;
  /** The taxii-feeds area's child logger. */
  logger: Logger;
  stixImport: StixImportService;
  /** Ids of the feeds being pulled now (one pull per feed at a time). */
  running: Set<string>;
}

export function createTaxiiFeedsService(serviceDeps: TaxiiFeedsDeps): TaxiiFeedsService {
  const deps: FeedsDeps = {
    graph: serviceDeps.graph,
    logger: serviceDeps.logger.child({ area: 'taxii-feeds' }),
    stixImport: serviceDeps.stixImport,
    running: new Set(),
  };
  return {
    pull: (options) => pull(deps, options),
    push,
    register: (input, { viewer }) => register(deps, input, viewer),
    unregister: (apiRoot, collection, { viewer }) => unregister(deps, apiRoot, collection, viewer),
    list: ({ viewer }) => list(deps, viewer),
    runDue: (viewer, now) => runDue(deps, viewer, now),
  };
}

/** One pull under way: its options, the report it fills, and how it reaches the remote and the feed. */
interface PullRun {
  options: PullOptions;
  report: PullReport;
  remote: TaxiiRemote;
  /** The import source of every page. */
  source: string;
  /** Saves fields of the feed's node. */
  save(fields: Partial<StoredFeed>): Promise<StoredFeed>;
}

async function pull(deps: FeedsDeps, options: PullOptions): Promise<PullReport> {
  const { graph, logger, running } = deps;
  requireRole(options.viewer, 'analyst');
  const apiRoot = normaliseApiRoot(options.apiRoot);
  const id = feedId(apiRoot, options.collection);
  if (running.has(id)) throw new ValidationError(`a pull of ${apiRoot} collection ${options.collection} is already running`);
  running.add(id);
  const startedAt = new Date().toISOString();
  const stored = await graph.read((tx) => getFeed(tx, id));
  const addedAfter = options.addedAfter ?? stored?.lastAddedLast ?? null;
  const report: PullReport = {
    feedId: id,
    apiRoot,
    collection: options.collection,
    addedAfter,
    lastAddedLast: addedAfter,
    pages: 0,
    objects: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    repaired: 0,
    quarantined: 0,
    rejected: 0,
    errors: [],
    error: null,
    startedAt,
    finishedAt: startedAt,
  };
  const remote = taxiiRemote(apiRoot, { ...options.remote, auth: options.auth });
  const source = `taxii:${apiRoot}collections/${options.collection}/`;
  const save = (fields: Partial<StoredFeed>) =>
    graph.write((tx) =>
      saveFeed(tx, {
        id,
        url: apiRoot,
        collection: options.collection,
        ...(options.authRef !== undefined ? { auth: JSON.stringify(options.authRef) } : {}),
        ...fields,
      }),
    );
  try {
    await pullPages(deps, { options, report, remote, source, save });
  } catch (e) {
    if (!(e instanceof TaxiiRemoteError) && !(e instanceof ValidationError)) {
      report.error = `unexpected: ${e instanceof Error ? e.message : String(e)}`;
      logger.error({ err: e, feed: id }, 'TAXII pull failed');
    } else {
      report.error = e.message;
    }
  } finally {
    running.delete(id);
    report.finishedAt = new Date().toISOString();
    const { errors: _errors, ...summary } = report;
    await save({ lastRunAt: report.finishedAt, lastResult: JSON.stringify(summary) }).catch((e: unknown) =>
      logger.error({ err: e, feed: id }, 'could not record the TAXII pull'),
    );
  }
  logger.info({ feed: id, created: report.created, updated: report.updated, pages: report.pages, error: report.error }, 'TAXII pull finished');
  return report;
}

/** Pages through the remote collection, importing each page, until it ends or a page is refused. */
async function pullPages(deps: FeedsDeps, run: PullRun): Promise<void> {
  const { options, report, remote, save } = run;
  const { apiRoot } = report;
  let after = report.addedAfter;
  let next: string | null = null;
  for (;;) {
    const params = new URLSearchParams();
    params.set('limit', String(options.pageSize ?? 1000));
    if (after) params.set('added_after', after);
    if (next) params.set('next', next);
    let page;
    try {
      page = await remote.objectsPage(options.collection, params);
    } catch (e) {
      // A `next` the server forgot (sessions expire): the spec's other way on is added_after
      // with the last page's X-TAXII-Date-Added-Last, which we hold.
      if (!(next && e instanceof TaxiiRemoteError && (e.status === 400 || e.status === 404) && report.lastAddedLast)) throw e;
      options.remote?.onRetry?.(`${e.message}; going on from added_after=${report.lastAddedLast}`);
      next = null;
      after = report.lastAddedLast;
      continue;
    }
    report.pages += 1;
    report.objects += page.objects.length;
    if (page.objects.length > 0 && !(await importPage(deps, run, page.objects))) return;
    if (page.dateAddedLast) {
      report.lastAddedLast = page.dateAddedLast;
      await save({ lastAddedLast: page.dateAddedLast });
    }
    options.onProgress?.({ page: report.pages, objects: report.objects, created: report.created, updated: report.updated, unchanged: report.unchanged });
    if (!page.more || page.objects.length === 0) return;
    if (page.next) {
      next = page.next;
    } else if (page.dateAddedLast) {
      after = page.dateAddedLast;
      next = null;
    } else {
      throw new TaxiiRemoteError(`${apiRoot}: the server says there is more but gives neither next nor X-TAXII-Date-Added-Last`, null, apiRoot);
    }
  }
}

/** Imports one page and counts it in the report; false when the import refused it (the pull stops). */
async function importPage({ stixImport }: FeedsDeps, { options, report, source }: PullRun, objects: Record<string, unknown>[]): Promise<boolean> {
  const imported = await stixImport.importBundle(objects, { viewer: options.viewer, source, strict: options.strict ?? false });
  if (imported.errors.length > 0) {
    report.rejected += imported.rejected;
    report.errors = imported.errors.slice(0, 100);
    report.error = `page ${report.pages} (${objects.length} objects) was refused by the import (nothing of it was stored; the next pull starts again from ${report.lastAddedLast ?? 'the beginning'}): ${imported.errors
      .slice(0, 3)
      .map((e) => `${e.objectId ?? ''} ${e.path}: ${e.message}`.trim())
      .join('; ')}`;
    return false;
  }
  report.created += imported.created;
  report.updated += imported.updated;
  report.unchanged += imported.unchanged;
  report.repaired += imported.repaired;
  report.quarantined += imported.quarantined;
  return true;
}

async function push(options: PushOptions): Promise<PushReport> {
  const apiRoot = normaliseApiRoot(options.apiRoot);
  const remote = taxiiRemote(apiRoot, { ...options.remote, auth: options.auth });
  const { body: info } = await remote.getJson('');
  const maxBytes = typeof info.max_content_length === 'number' && info.max_content_length > 0 ? info.max_content_length : 10 * 1024 * 1024;
  const parts = envelopes(options.objects, Math.floor(maxBytes * 0.9));
  const report: PushReport = { apiRoot, collection: options.collection, envelopes: parts.length, total: 0, success: 0, failure: 0, pending: 0, statuses: [] };
  for (const [i, objects] of parts.entries()) {
    options.onProgress?.(`envelope ${i + 1} of ${parts.length}: ${objects.length} objects`);
    let status = await remote.postEnvelope(options.collection, objects);
    const deadline = Date.now() + (options.waitMs ?? 60_000);
    while (status.status !== 'complete' && typeof status.id === 'string' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      status = await remote.status(status.id);
    }
    report.statuses.push(status);
    report.total += Number(status.total_count ?? objects.length);
    report.success += Number(status.success_count ?? 0);
    report.failure += Number(status.failure_count ?? 0);
    report.pending += Number(status.pending_count ?? 0);
  }
  return report;
}

async function register({ graph }: FeedsDeps, input: FeedRegistration, viewer: Viewer): Promise<StoredFeed> {
  requireRole(viewer, 'admin');
  const apiRoot = normaliseApiRoot(input.apiRoot);
  if (input.collection.trim() === '') throw new ValidationError('collection: the id of the remote collection is required');
  if (!Number.isInteger(input.intervalMinutes) || input.intervalMinutes < 1) throw new ValidationError('interval: a whole number of minutes, at least 1');
  return graph.write((tx) =>
    saveFeed(tx, {
      id: feedId(apiRoot, input.collection),
      url: apiRoot,
      collection: input.collection,
      intervalMinutes: input.intervalMinutes,
      auth: JSON.stringify(input.auth),
    }),
  );
}

async function unregister({ graph }: FeedsDeps, apiRoot: string, collection: string, viewer: Viewer): Promise<boolean> {
  requireRole(viewer, 'admin');
  return graph.write((tx) => deleteFeed(tx, feedId(apiRoot, collection)));
}

async function list({ graph }: FeedsDeps, viewer: Viewer): Promise<StoredFeed[]> {
  requireRole(viewer, 'analyst');
  return graph.read((tx) => listFeeds(tx));
}

async function runDue(deps: FeedsDeps, viewer: Viewer, now = new Date()): Promise<PullReport[]> {
  const { graph, running } = deps;
  const feeds = await graph.read((tx) => listFeeds(tx));
  const out: PullReport[] = [];
  for (const feed of feeds) {
    if (feed.intervalMinutes === null || running.has(feed.id)) continue;
    const last = feed.lastRunAt ? Date.parse(feed.lastRunAt) : 0;
    if (now.getTime() - last < feed.intervalMinutes * 60_000) continue;
    let auth: RemoteAuth;
    try {
      auth = authFromRef(feed.auth ? (JSON.parse(feed.auth) as FeedAuthRef) : null);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await graph.write((tx) =>
        saveFeed(tx, { id: feed.id, url: feed.url, collection: feed.collection, lastRunAt: now.toISOString(), lastResult: JSON.stringify({ error: message }) }),
      );
      continue;
    }
    out.push(await pull(deps, { apiRoot: feed.url, collection: feed.collection, auth, viewer }));
  }
  return out;
}
