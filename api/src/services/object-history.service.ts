/**
 * Version history of a STIX object as a viewer may see it (the import keeps every older version,
 * docs/graph-model.md "History"): the current version, then the older ones at or below the
 * viewer's clearance, newest first, each with the top-level properties that changed since the
 * version listed before it. Differences are only taken between versions the viewer may see, so a
 * hidden version leaks nothing, not even what it changed.
 */
import { TLP_LEVELS, type TlpLevel } from '../../../schema/graph/kinds';
import { ValidationError } from '../errors';
import type { Graph } from '../graph/driver';
import { objectHistory, type VersionRecord } from '../graph/history.repository';
import { isIdentifier } from '../graph/stix.mapping';
import type { Viewer } from './viewer';

export const HISTORY_LIMITS = Object.freeze({ defaultVersions: 100, maxVersions: 500, maxIdLength: 500 });

export interface ObjectVersion {
  modified: string | null;
  current: boolean;
  tlp: TlpLevel;
  importId: string | null;
  importedBy: string | null;
  importedAt: string | null;
  /** Properties added, removed or changed since the next older version listed; null for the oldest. */
  changed: string[] | null;
  raw: Record<string, unknown> | null;
}

export interface ObjectHistory {
  id: string;
  versions: ObjectVersion[];
}

function parseRaw(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** JSON with object keys sorted, so two equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Top-level properties whose value differs between two versions (`modified` left out), sorted. */
export function changedProperties(newer: Record<string, unknown> | null, older: Record<string, unknown> | null): string[] {
  const a = newer ?? {};
  const b = older ?? {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete('modified');
  return [...keys].filter((k) => !(k in a) || !(k in b) || canonical(a[k]) !== canonical(b[k])).sort();
}

function checkArgs(id: string, limit: number | null | undefined): number {
  const issues = [];
  if (typeof id !== 'string' || id.length > HISTORY_LIMITS.maxIdLength || !isIdentifier(id)) {
    issues.push({ objectId: null, path: 'id', message: 'must be a STIX identifier (type--uuid)' });
  }
  if (limit != null && (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_LIMITS.maxVersions)) {
    issues.push({ objectId: null, path: 'limit', message: `must be an integer from 1 to ${HISTORY_LIMITS.maxVersions}` });
  }
  if (issues.length > 0) throw new ValidationError(`objectHistory: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
  return limit ?? HISTORY_LIMITS.defaultVersions;
}

export interface ObjectHistoryService {
  /** Null when the object does not exist or the viewer may not see it. */
  read(id: string, viewer: Viewer, limit?: number | null): Promise<ObjectHistory | null>;
}

export function createObjectHistoryService(deps: { graph: Graph }): ObjectHistoryService {
  return { read: (id, viewer, limit) => readObjectHistory(deps.graph, id, viewer, limit) };
}

async function readObjectHistory(
  graph: Graph,
  id: string,
  viewer: Viewer,
  limit?: number | null,
): Promise<ObjectHistory | null> {
  const max = checkArgs(id, limit);
  const record = await graph.read((tx) => objectHistory(tx, id, viewer.clearanceRank, max), { metadata: { op: 'object-history' } });
  if (!record) return null;
  const stored: { record: VersionRecord; current: boolean }[] = [
    { record: record.current, current: true },
    ...record.older.map((r) => ({ record: r, current: false })),
  ].slice(0, max);
  const raws = stored.map((s) => parseRaw(s.record.raw));
  return {
    id: record.id,
    versions: stored.map((s, i) => ({
      modified: s.record.modified,
      current: s.current,
      tlp: TLP_LEVELS[s.record.tlpRank] ?? 'RED',
      importId: s.record.importId,
      importedBy: s.record.importedBy,
      importedAt: s.record.importedAt,
      changed: i + 1 < stored.length ? changedProperties(raws[i]!, raws[i + 1]!) : null,
      // Null when the object names something hidden from the viewer, as GraphQL `raw` and TAXII.
      raw: record.shareable ? raws[i]! : null,
    })),
  };
}
