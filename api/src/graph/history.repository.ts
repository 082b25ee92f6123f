/** Version history reads: plain records out, the viewer's clearance rank in. */
import { UNKNOWN_MARKING_RANK } from '../../../schema/graph/kinds';
import type { Tx } from './driver';
import type { Plain } from './mappers';
import { OBJECT_HISTORY, VERSIONS_OF } from './history.queries';
import { str } from '../../../schema/json';

/** One stored version: `raw` still the stored JSON text, instants as ISO strings. */
export interface VersionRecord {
  modified: string | null;
  raw: string | null;
  tlpRank: number;
  importId: string | null;
  importedBy: string | null;
  importedAt: string | null;
}

export interface HistoryRecord {
  id: string;
  current: VersionRecord;
  /** Older versions the viewer may see, newest first. */
  older: VersionRecord[];
  /** Whether the versions' JSON may be served to the viewer (it names nothing hidden from them). */
  shareable: boolean;
}


function toVersion(value: Plain | undefined): VersionRecord {
  const v = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  return {
    modified: str(v.modified),
    raw: str(v.raw),
    tlpRank: typeof v.tlpRank === 'number' ? v.tlpRank : UNKNOWN_MARKING_RANK,
    importId: str(v.importId),
    importedBy: str(v.importedBy),
    importedAt: str(v.importedAt),
  };
}

/** Null when the object is absent or not visible at `maxRank`. */
export async function objectHistory(tx: Tx, id: string, maxRank: number, limit: number): Promise<HistoryRecord | null> {
  const rows = await tx.run(OBJECT_HISTORY, { id, maxRank, limit, unknownRank: UNKNOWN_MARKING_RANK });
  const row = rows[0];
  if (!row) return null;
  const older = Array.isArray(row.older) ? row.older.map(toVersion) : [];
  return { id: String(row.id), current: toVersion(row.current), older, shareable: row.shareable === true };
}

/** An older version of an object: when it was made and its stored JSON text. */
export interface OlderVersion {
  modified: string | null;
  raw: string | null;
}

/** Older versions (visible at `maxRank`, oldest first) of each visible object among `ids`. */
export async function olderVersions(tx: Tx, ids: readonly string[], maxRank: number): Promise<Map<string, OlderVersion[]>> {
  const out = new Map<string, OlderVersion[]>();
  if (ids.length === 0) return out;
  const rows = await tx.run(VERSIONS_OF, { ids: [...ids], maxRank, unknownRank: UNKNOWN_MARKING_RANK });
  for (const row of rows) {
    const older = Array.isArray(row.older) ? row.older : [];
    out.set(
      String(row.id),
      older.flatMap((v) => (v && typeof v === 'object' && !Array.isArray(v) ? [{ modified: str(v.modified), raw: str(v.raw) }] : [])),
    );
  }
  return out;
}
