/**
 * The write half of one case mutation, inside the mutation's own write transaction: the new STIX
 * version of the object and its audit entry. The version goes through the same repository
 * functions and mapping as a STIX import (classify → archive the current version as a
 * `:StixVersion` → replace the node → rebuild its ref edges; `imported_by` is the analyst), so a
 * mutated object is stored exactly as if its new version had been imported. Nothing here opens or
 * commits a transaction: if anything fails, the caller's rollback undoes the version and the audit
 * entry together.
 */
import { randomUUID } from 'node:crypto';
import { hashRaw, mapStixObject, markingRefsOf, type JsonObject } from '../graph/stix.mapping';
import { TLP_MARKING_IDS, tlpRank } from '../../../schema/graph/kinds';
import { ConflictError } from '../errors';
import { writeAuditEntry, type StixJson } from '../graph/case.repository';
import type { Tx } from '../graph/driver';
import { classify, markingRanks, writeBatch, type WriteBatch } from '../graph/stix.repository';
import type { Viewer } from './viewer';

export interface VersionWrite {
  /** Audit action, e.g. `rate-evidence`. */
  action: string;
  viewer: Viewer;
  /** The stored object before the change (locked by the caller); null for a creation. */
  before: { raw: StixJson; tlpRank: number } | null;
  /** The new version, already validated, `modified` later than the stored one. */
  after: StixJson;
  incidentId: string;
  /** The instant of the change: audit `at` and the version's `imported_at`. */
  at: string;
}

/** Writes the new version and its audit entry in `tx`; returns the new version's TLP rank. */
export async function writeVersionAndAudit(tx: Tx, w: VersionWrite): Promise<number> {
  const obj = w.after as JsonObject;
  const id = String(obj.id);
  const raw = JSON.stringify(obj);
  const hash = hashRaw(raw);
  const modified = typeof obj.modified === 'string' ? obj.modified : null;
  const importId = randomUUID();

  const custom = markingRefsOf(obj).filter((m) => TLP_MARKING_IDS[m] === undefined);
  const storedRanks = await markingRanks(tx, custom, w.viewer.id);
  const rankOf = (marking: string) => {
    const tlp = TLP_MARKING_IDS[marking];
    return tlp !== undefined ? tlpRank(tlp) : storedRanks.get(marking);
  };
  const mapped = mapStixObject(obj, rankOf, raw, hash);
  const batch: WriteBatch = { objects: [mapped], absent: new Set(), archive: [], clearEdges: [], history: [] };

  const stored = (await classify(tx, importId, [{ id, modified, hash }])).get(id);
  if (w.before === null) {
    // A creation: a fresh id, or an id other objects already pointed at (a placeholder).
    if (stored === undefined) batch.absent.add(id);
    else if (stored.state !== 'placeholder') throw new ConflictError(`${id} already exists; nothing was written.`);
  } else if (stored === undefined || stored.state !== 'current') {
    throw new ConflictError(`${id} is not a stored object any more (it is being imported or was removed); nothing was written.`);
  } else if (stored.revoked) {
    throw new ConflictError(`${id} is revoked: a revoked object cannot get newer versions; nothing was written.`);
  } else if (stored.cmp <= 0) {
    throw new ConflictError(`${id}: the stored version is not older than ${modified}; nothing was written.`);
  } else {
    batch.archive.push(id);
    batch.clearEdges.push(id);
  }
  await writeBatch(tx, batch, { importId, importedBy: w.viewer.name, importedAt: w.at, staged: false, writerRank: w.viewer.clearanceRank });

  await writeAuditEntry(tx, {
    id: randomUUID(),
    actor: w.viewer.name,
    actorId: w.viewer.id,
    action: w.action,
    objectId: id,
    objectType: String(obj.type),
    incidentId: w.incidentId,
    before: w.before ? JSON.stringify(w.before.raw) : null,
    after: raw,
    at: w.at,
    tlpRank: w.before?.tlpRank ?? 0,
  });
  return mapped.node.props.tlp_rank;
}
