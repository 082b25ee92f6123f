/**
 * STIX export: a valid STIX 2.1 bundle of the objects a viewer may see — chosen ids, an incident,
 * or everything — with their neighbourhood to a depth, the marking-definitions that mark them and
 * the extension-definitions they use. Objects come back exactly as imported (`raw`), so
 * import → export is lossless. Placeholders (refs never imported) and staged objects are not
 * objects yet and are never exported.
 */
import { randomUUID } from 'node:crypto';
import { extensionDefinitionIds, markingRefsOf, type JsonObject } from '../../../importers/stix/map';
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
  /** Repaired objects (tolerant imports, docs/import-policy.md) as they came instead of repaired. */
  originals?: boolean;
}

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: JsonObject[];
}

export interface StixExportService {
  exportBundle(options: ExportOptions): Promise<StixBundle>;
}

export const MAX_EXPORT_DEPTH = 5;
const PAGE = 5_000;

function order(o: JsonObject): number {
  if (o.type === 'marking-definition') return 0;
  if (o.type === 'extension-definition') return 1;
  if (o.type === 'identity') return 2;
  return 3;
}

export function createStixExportService(deps: { graph: Graph; logger: Logger }): StixExportService {
  const { graph } = deps;

  async function collect(tx: Tx, options: ExportOptions, maxRank: number): Promise<Map<string, string>> {
    const chosen = new Map<string, string>();
    const seeds = [...(options.ids ?? [])];
    if (options.incidentId) seeds.push(options.incidentId);
    if (seeds.length === 0) {
      let after = '';
      for (;;) {
        const page = await rawPage(tx, after, PAGE, maxRank, options.originals === true);
        for (const row of page) chosen.set(row.id, row.raw);
        if (page.length < PAGE) break;
        after = page[page.length - 1]!.id;
      }
      return chosen;
    }
    const depth = options.depth ?? (options.incidentId ? 2 : 0);
    for (const [id, raw] of await rawByIds(tx, seeds, maxRank, options.originals === true)) chosen.set(id, raw);
    if (options.incidentId && !chosen.has(options.incidentId)) {
      throw new NotFoundError(`No incident ${options.incidentId} that you may see.`);
    }
    let frontier = [...chosen.keys()];
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next = (await neighbourIds(tx, frontier, maxRank)).filter((id) => !chosen.has(id));
      for (const [id, raw] of await rawByIds(tx, next, maxRank, options.originals === true)) chosen.set(id, raw);
      frontier = next;
    }
    return chosen;
  }

  return {
    async exportBundle(options) {
      const depth = options.depth ?? 0;
      if (!Number.isInteger(depth) || depth < 0 || depth > MAX_EXPORT_DEPTH) {
        throw new ValidationError(`depth must be an integer from 0 to ${MAX_EXPORT_DEPTH}`, [
          { objectId: null, path: 'depth', message: `must be an integer from 0 to ${MAX_EXPORT_DEPTH}` },
        ]);
      }
      const maxRank = options.viewer.clearanceRank;
      const objects = await graph.read(async (tx) => {
        const chosen = await collect(tx, options, maxRank);
        const parsed = new Map<string, JsonObject>();
        for (const [id, raw] of chosen) parsed.set(id, JSON.parse(raw) as JsonObject);
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
      });
      objects.sort((a, b) => order(a) - order(b) || String(a.id).localeCompare(String(b.id)));
      return { type: 'bundle', id: `bundle--${randomUUID()}`, objects };
    },
  };
}
