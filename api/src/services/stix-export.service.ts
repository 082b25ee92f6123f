/**
 * STIX export: a valid STIX 2.1 bundle of the objects a viewer may see — chosen ids, an incident,
 * or everything — with their neighbourhood to a depth, the marking-definitions that mark them and
 * the extension-definitions they use. Objects come back exactly as imported (`raw`), so
 * import → export is lossless. Placeholders (refs never imported) and staged objects are not
 * objects yet and are never exported.
 */
import { randomUUID } from 'node:crypto';
import { extensionDefinitionIds, markingRefsOf, type JsonObject } from '../graph/stix.mapping';
import { NotFoundError, ValidationError } from '../errors';
import type { Graph, Tx } from '../graph/driver';
import { neighbourIds, rawByIds, rawPage } from '../graph/stix.repository';
import type { Logger } from '../logger';
import type { Viewer } from './viewer';

export interface ExportOptions {
  ids?: string[] | null;
  /** Neighbourhood depth around the chosen objects (default 0 for ids, 2 for an incident). */
  depth?: number | null;
  incidentId?: string | null;
  viewer: Viewer;
  /**
   * Refuse (ValidationError naming the limit) an export that would hold more objects or more
   * bytes of STIX JSON than this; absent: no limit (the command line). The GraphQL API passes
   * EXPORT_LIMITS: one request must not hold the server's memory or event loop (issue 14 #8).
   */
  limits?: ExportLimits | null;
  /** Repaired objects (tolerant imports, docs/import-policy.md) as they came instead of repaired. */
  originals?: boolean;
}

export interface ExportLimits {
  maxObjects: number;
  maxBytes: number;
}

/** Limits of one export through GraphQL (`exportStixBundle`); bigger: `exportStixPage` pages. */
export const EXPORT_LIMITS: ExportLimits = { maxObjects: 10_000, maxBytes: 16 * 1024 * 1024 };
/** Largest page of `exportPage`. */
export const MAX_EXPORT_PAGE = 2_000;
/** Exports running at once in this process; more wait their turn (bounds memory under aliases). */
export const EXPORT_SLOTS = 2;

export interface ExportPage {
  /** The page's objects, with the markings and extension-definitions they rely on. */
  bundle: StixBundle;
  /** Cursor of the last object of the page (pass it as `after` for the next page). */
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: JsonObject[];
}

export interface StixExportService {
  exportBundle(options: ExportOptions): Promise<StixBundle>;
  /**
   * One page of "everything the viewer may see", in id order: at most `first` objects (1 to
   * MAX_EXPORT_PAGE) with ids after `after`, plus the markings and extension-definitions they use.
   */
  exportPage(options: { viewer: Viewer; after?: string | null; first?: number | null }): Promise<ExportPage>;
}

export const MAX_EXPORT_DEPTH = 5;
const PAGE = 5_000;

/** Lets other requests (`/healthz` …) run between pages of a long export. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `value` when it is an integer in [min, max]; a ValidationError naming `path` otherwise. */
function integerIn(path: string, value: number, min: number, max: number): number {
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  const message = `must be an integer from ${min} to ${max}`;
  throw new ValidationError(`${path} ${message}`, [{ objectId: null, path, message }]);
}

function tooLarge(limits: ExportLimits, what: string): ValidationError {
  const message =
    `the export would hold more than ${what}; export fewer objects (ids, incidentId, a smaller depth), ` +
    `page through everything with exportStixPage, or use \`attribution-graph export\``;
  return new ValidationError(`exportStixBundle: ${message}`, [{ objectId: null, path: '', message }]);
}

/** At most `slots` holders at once; the others wait in order. */
function semaphore(slots: number) {
  let free = slots;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

function order(o: JsonObject): number {
  if (o.type === 'marking-definition') return 0;
  if (o.type === 'extension-definition') return 1;
  if (o.type === 'identity') return 2;
  return 3;
}

export function createStixExportService(deps: { graph: Graph; logger: Logger }): StixExportService {
  const { graph } = deps;

  const slot = semaphore(EXPORT_SLOTS);

  async function collect(tx: Tx, options: ExportOptions, maxRank: number): Promise<Map<string, string>> {
    const chosen = new Map<string, string>();
    const limits = options.limits ?? null;
    let bytes = 0;
    const add = (id: string, raw: string) => {
      if (chosen.has(id)) return;
      chosen.set(id, raw);
      bytes += raw.length;
      if (limits && chosen.size > limits.maxObjects) throw tooLarge(limits, `${limits.maxObjects} objects`);
      if (limits && bytes > limits.maxBytes) throw tooLarge(limits, `${limits.maxBytes} bytes of STIX JSON`);
    };
    const seeds = [...(options.ids ?? [])];
    if (options.incidentId) seeds.push(options.incidentId);
    if (seeds.length === 0) {
      let after = '';
      const pageSize = limits ? Math.min(PAGE, limits.maxObjects + 1) : PAGE;
      for (;;) {
        const page = await rawPage(tx, after, pageSize, maxRank, options.originals === true);
        for (const row of page) add(row.id, row.raw);
        if (page.length < pageSize) break;
        after = page[page.length - 1]!.id;
        await yieldToEventLoop();
      }
      return chosen;
    }
    const depth = options.depth ?? (options.incidentId ? 2 : 0);
    for (const [id, raw] of await rawByIds(tx, seeds, maxRank, options.originals === true)) add(id, raw);
    if (options.incidentId && !chosen.has(options.incidentId)) {
      throw new NotFoundError(`No incident ${options.incidentId} that you may see.`);
    }
    let frontier = [...chosen.keys()];
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next = (await neighbourIds(tx, frontier, maxRank)).filter((id) => !chosen.has(id));
      for (const [id, raw] of await rawByIds(tx, next, maxRank, options.originals === true)) add(id, raw);
      frontier = next;
      await yieldToEventLoop();
    }
    return chosen;
  }

  /** Parses the chosen objects and adds the markings and extension-definitions they rely on. */
  async function withDefinitions(tx: Tx, chosen: Map<string, string>, maxRank: number): Promise<JsonObject[]> {
    const parsed = new Map<string, JsonObject>();
    let n = 0;
    for (const [id, raw] of chosen) {
      parsed.set(id, JSON.parse(raw) as JsonObject);
      if (++n % PAGE === 0) await yieldToEventLoop();
    }
    // Markings and extension-definitions the exported objects rely on (twice: markings are marked too).
    for (let pass = 0; pass < 2; pass++) {
      const wanted = new Set<string>();
      for (const o of parsed.values()) {
        for (const m of markingRefsOf(o)) if (!parsed.has(m)) wanted.add(m);
        for (const e of extensionDefinitionIds(o)) if (!parsed.has(e)) wanted.add(e);
      }
      if (wanted.size === 0) break;
      for (const [id, raw] of await rawByIds(tx, [...wanted], maxRank)) parsed.set(id, JSON.parse(raw) as JsonObject);
    }
    return [...parsed.values()];
  }

  const sorted = (objects: JsonObject[]) => objects.sort((a, b) => order(a) - order(b) || String(a.id).localeCompare(String(b.id)));

  return {
    async exportBundle(options) {
      integerIn('depth', options.depth ?? 0, 0, MAX_EXPORT_DEPTH);
      const maxRank = options.viewer.clearanceRank;
      const objects = await slot(() =>
        graph.read(async (tx) => withDefinitions(tx, await collect(tx, options, maxRank), maxRank), { metadata: { op: 'stix-export' } }),
      );
      return { type: 'bundle', id: `bundle--${randomUUID()}`, objects: sorted(objects) };
    },

    async exportPage(options) {
      const first = integerIn('first', options.first ?? 1_000, 1, MAX_EXPORT_PAGE);
      const maxRank = options.viewer.clearanceRank;
      const { objects, endCursor, hasNextPage } = await slot(() =>
        graph.read(
          async (tx) => {
            const rows = await rawPage(tx, options.after ?? '', first + 1, maxRank);
            const page = rows.slice(0, first);
            const objects = await withDefinitions(tx, new Map(page.map((r) => [r.id, r.raw])), maxRank);
            return { objects, endCursor: page.at(-1)?.id ?? null, hasNextPage: rows.length > first };
          },
          { metadata: { op: 'stix-export-page' } },
        ),
      );
      return { bundle: { type: 'bundle', id: `bundle--${randomUUID()}`, objects: sorted(objects) }, endCursor, hasNextPage };
    },
  };
}
