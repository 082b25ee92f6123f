/**
 * Saved views on the server (issue 18): the explorer's canvas (object ids and positions) and the
 * rest of its state (the query string: incident, filters, as-of, layout, tab…) under a short id,
 * so the URL is `?view=<id>` instead of kilobytes, and a colleague can open it.
 *
 * Who sees a view: anyone signed in may save one, of objects they may see (any other id is refused
 * by field). The view takes the rank of the most restrictive object in it and is read only by a
 * viewer cleared for that rank — for anyone else it does not exist. When read, its objects are
 * filtered again (an object re-marked or removed since is left out, and counted in `leftOut`).
 * Views are immutable: saving again makes a new id.
 */
import { randomBytes } from 'node:crypto';
import { isIdentifier } from '../graph/stix.mapping';
import { ValidationError, type Issue } from '../errors';
import type { Graph } from '../graph/driver';
import { CREATE_VIEW, READ_VIEW, VIEW_OBJECT_RANKS } from '../graph/views.queries';
import type { Logger } from '../logger';
import type { Viewer } from './viewer';

export const VIEW_LIMITS = Object.freeze({ maxObjects: 5_000, maxState: 4_000, maxName: 200, maxId: 64 });

export interface SaveViewInput {
  objectIds: readonly string[];
  /** Position per object id (ids not in `objectIds` are refused). */
  positions?: Record<string, { x: number; y: number }> | null;
  /** The explorer's other state, as its query string (without the canvas). */
  state?: string | null;
  name?: string | null;
}

export interface SavedView {
  id: string;
  name: string | null;
  createdBy: string;
  createdAt: string;
  objectIds: string[];
  positions: Record<string, { x: number; y: number }>;
  state: string;
  /** Objects of the view the reader may not see any more (re-marked or removed since it was saved). */
  leftOut: number;
}

export interface ViewsService {
  save(input: SaveViewInput, viewer: Viewer): Promise<SavedView>;
  /** The view, or null when there is none the viewer is cleared for. */
  read(id: string, viewer: Viewer): Promise<SavedView | null>;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function createViewsService(deps: { graph: Graph; logger: Logger }): ViewsService {
  const { graph } = deps;

  async function read(id: string, viewer: Viewer): Promise<SavedView | null> {
    if (typeof id !== 'string' || id.length === 0 || id.length > VIEW_LIMITS.maxId) return null;
    const [row] = await graph.read((tx) => tx.run(READ_VIEW, { id, maxRank: viewer.clearanceRank }), { metadata: { op: 'view-read' } });
    if (!row) return null;
    const objectIds = (row.objectIds as string[]).map(String);
    const visible = new Set(objectIds);
    let stored: Record<string, { x: number; y: number }> = {};
    try {
      stored = JSON.parse(String(row.positions ?? '{}')) as typeof stored;
    } catch {
      stored = {};
    }
    const positions = Object.fromEntries(Object.entries(stored).filter(([key]) => visible.has(key)));
    return {
      id: String(row.id),
      name: typeof row.name === 'string' ? row.name : null,
      createdBy: String(row.createdBy),
      createdAt: String(row.createdAt),
      objectIds,
      positions,
      state: String(row.state ?? ''),
      leftOut: Number(row.saved) - objectIds.length,
    };
  }

  return {
    async save(input, viewer) {
      const issues: Issue[] = [];
      const add = (path: string, message: string) => issues.push({ objectId: null, path, message });
      const ids = Array.isArray(input.objectIds) ? input.objectIds : [];
      if (!Array.isArray(input.objectIds)) add('objectIds', 'is required: the ids on the canvas');
      if (ids.length > VIEW_LIMITS.maxObjects) add('objectIds', `at most ${VIEW_LIMITS.maxObjects} objects in a saved view (got ${ids.length})`);
      ids.slice(0, VIEW_LIMITS.maxObjects).forEach((id, i) => {
        if (typeof id !== 'string' || !isIdentifier(id)) add(`objectIds[${i}]`, 'must be a STIX identifier (type--uuid)');
      });
      const unique = [...new Set(ids)];
      const positions = input.positions ?? {};
      if (typeof positions !== 'object' || Array.isArray(positions)) add('positions', 'must map object ids to {x, y}');
      else {
        const known = new Set(unique);
        for (const [key, p] of Object.entries(positions)) {
          if (!known.has(key)) add(`positions.${key.slice(0, 100)}`, 'is not one of objectIds');
          else if (!p || !finite(p.x) || !finite(p.y)) add(`positions.${key}`, 'must be {x, y} with finite numbers');
        }
      }
      const state = input.state ?? '';
      if (typeof state !== 'string' || state.length > VIEW_LIMITS.maxState) add('state', `must be a query string of at most ${VIEW_LIMITS.maxState} characters`);
      const name = input.name?.trim() || null;
      if (name && name.length > VIEW_LIMITS.maxName) add('name', `at most ${VIEW_LIMITS.maxName} characters`);
      if (issues.length) throw new ValidationError(`Cannot save the view: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);

      // Only objects the saver may see; the view takes the rank of the most restrictive one.
      const rows = await graph.read((tx) => tx.run(VIEW_OBJECT_RANKS, { ids: unique, maxRank: viewer.clearanceRank }), { metadata: { op: 'view-ranks' } });
      const ranks = new Map(rows.map((r) => [String(r.id), Number(r.rank)]));
      ids.forEach((id, i) => {
        if (!ranks.has(id)) add(`objectIds[${i}]`, `no object ${JSON.stringify(String(id).slice(0, 100))} that you may see`);
      });
      if (issues.length) throw new ValidationError(`Cannot save the view: ${issues.length} object(s) you may not see`, issues);
      const tlpRank = Math.max(0, ...ranks.values());
      const id = randomBytes(9).toString('base64url');
      const at = new Date().toISOString();
      await graph.write(
        (tx) => tx.run(CREATE_VIEW, {
          id, name, createdBy: viewer.name, createdById: viewer.id, at,
          objectIds: unique, positions: JSON.stringify(positions), state, tlpRank,
        }),
        { metadata: { op: 'view-save' } },
      );
      deps.logger.info({ viewId: id, objects: unique.length, by: viewer.id }, 'view saved');
      // What was just written, every object checked visible to the saver above: no read back.
      return { id, name, createdBy: viewer.name, createdAt: at, objectIds: unique, positions: positions as SavedView['positions'], state, leftOut: 0 };
    },
    read,
  };
}
