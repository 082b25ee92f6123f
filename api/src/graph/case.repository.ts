/**
 * Attribution cases in the graph: load an incident with its hypotheses, evidence and candidate
 * actors for a viewer (one round trip), list incidents, and keep the audit trail. Every function
 * takes a transaction; rows are plain values (mappers.ts) and STIX objects come back parsed from
 * their stored `raw`.
 */
import neo4j from 'neo4j-driver';
import type { Graph, Tx } from './driver';
import type { Plain, Row } from './mappers';
import {
  ANY_INCIDENT,
  AUDIT_LOG,
  CASE_MIGRATIONS,
  LIST_INCIDENTS,
  LOAD_CASE,
  LOCK_FOR_UPDATE,
  LOCK_INCIDENT,
  OBJECTS_BY_IDS,
  WRITE_AUDIT,
} from './case.queries';

export type StixJson = Record<string, unknown>;

export interface StoredObject {
  raw: StixJson;
  tlpRank: number;
}

export interface StoredActor {
  id: string;
  type: string;
  name: string;
  tlpRank: number;
}

export interface StoredCase {
  incident: { id: string; name: string; raw: StixJson; tlpRank: number };
  hypotheses: StoredObject[];
  evidence: StoredObject[];
  candidates: StoredActor[];
}

export interface IncidentListing {
  id: string;
  name: string;
  raw: StixJson;
  tlpRank: number;
  hypotheses: StoredObject[];
}

export interface StoredRef {
  id: string;
  type: string;
  name: string;
  raw: StixJson;
  tlpRank: number;
}

export interface AuditRecord {
  id: string;
  actor: string;
  actorId: string;
  action: string;
  objectId: string;
  objectType: string;
  incidentId: string | null;
  /** The object before the change, as JSON text; null for a creation. */
  before: string | null;
  /** The object after the change, as JSON text. */
  after: string | null;
  at: string;
}

export interface NewAuditEntry extends AuditRecord {
  /** Rank of the object before the change (the entry takes the higher of before and after). */
  tlpRank: number;
}

function parse(raw: Plain | undefined): StixJson {
  return JSON.parse(String(raw)) as StixJson;
}

/** A COLLECT subquery's list of maps. */
function items(value: Plain | undefined): Row[] {
  return Array.isArray(value) ? (value as Row[]) : [];
}

function stored(item: Row): StoredObject {
  return { raw: parse(item.raw), tlpRank: Number(item.tlpRank ?? 0) };
}

/** Applies the audit-trail indexes (idempotent; schema changes one per transaction). */
export async function applyCaseMigrations(graph: Graph): Promise<void> {
  for (const migration of CASE_MIGRATIONS) {
    await graph.write((tx) => tx.run(migration), { metadata: { migration: migration.name } });
  }
}

export async function loadCase(tx: Tx, incidentId: string, maxRank: number): Promise<StoredCase | null> {
  const [row] = await tx.run(LOAD_CASE, { incidentId, maxRank: neo4j.int(maxRank) });
  if (!row) return null;
  return {
    incident: { id: String(row.id), name: String(row.name ?? ''), raw: parse(row.raw), tlpRank: Number(row.tlpRank ?? 0) },
    hypotheses: items(row.hypotheses).map(stored),
    evidence: items(row.evidence).map(stored),
    candidates: items(row.candidates).map((a) => {
      return { id: String(a.id), type: String(a.type), name: String(a.name ?? a.id), tlpRank: Number(a.tlpRank ?? 0) };
    }),
  };
}

export async function listIncidents(tx: Tx, maxRank: number, limit: number): Promise<IncidentListing[]> {
  const rows = await tx.run(LIST_INCIDENTS, { maxRank: neo4j.int(maxRank), limit: neo4j.int(limit) });
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name ?? ''),
    raw: parse(row.raw),
    tlpRank: Number(row.tlpRank ?? 0),
    hypotheses: items(row.hypotheses).map(stored),
  }));
}

export async function anyIncident(tx: Tx): Promise<boolean> {
  const [row] = await tx.run(ANY_INCIDENT);
  return row?.any === true;
}

export async function objectsByIds(tx: Tx, ids: readonly string[], maxRank: number): Promise<Map<string, StoredRef>> {
  const out = new Map<string, StoredRef>();
  if (ids.length === 0) return out;
  for (const row of await tx.run(OBJECTS_BY_IDS, { ids: [...new Set(ids)], maxRank: neo4j.int(maxRank) })) {
    out.set(String(row.id), {
      id: String(row.id),
      type: String(row.type),
      name: String(row.name ?? row.id),
      raw: parse(row.raw),
      tlpRank: Number(row.tlpRank ?? 0),
    });
  }
  return out;
}

export interface LockedObject extends StoredRef {
  /** False when `expectedModified` was given and the stored version has another `modified`. */
  expectedHolds: boolean;
}

/**
 * Locks an object (its incident first) for the rest of the write transaction and reads it (null
 * when it does not exist or the viewer may not see it); with `expectedModified`, also says whether
 * it is still that version. Must be the first thing a mutation does in its transaction.
 */
export async function lockForUpdate(
  tx: Tx,
  id: string,
  maxRank: number,
  expectedModified: string | null,
): Promise<LockedObject | null> {
  const [row] = await tx.run(LOCK_FOR_UPDATE, { id, maxRank: neo4j.int(maxRank), expected: expectedModified });
  if (!row) return null;
  return {
    id: String(row.id),
    type: String(row.type),
    name: String(row.name ?? row.id),
    raw: parse(row.raw),
    tlpRank: Number(row.tlpRank ?? 0),
    expectedHolds: row.expectedHolds === true,
  };
}

/** Locks an incident for the rest of the write transaction (a creation's first step). */
export async function lockIncident(tx: Tx, incidentId: string): Promise<void> {
  await tx.run(LOCK_INCIDENT, { id: incidentId });
}

export async function writeAuditEntry(tx: Tx, entry: NewAuditEntry): Promise<void> {
  await tx.run(WRITE_AUDIT, {
    id: entry.id,
    actor: entry.actor,
    actorId: entry.actorId,
    action: entry.action,
    objectId: entry.objectId,
    objectType: entry.objectType,
    incidentId: entry.incidentId,
    before: entry.before,
    after: entry.after,
    at: entry.at,
    tlpRank: neo4j.int(entry.tlpRank),
  });
}

export async function auditLog(tx: Tx, objectId: string, maxRank: number, limit: number): Promise<AuditRecord[]> {
  const rows = await tx.run(AUDIT_LOG, { objectId, maxRank: neo4j.int(maxRank), limit: neo4j.int(limit) });
  return rows.map((r) => ({
    id: String(r.id),
    actor: String(r.actor),
    actorId: String(r.actorId),
    action: String(r.action),
    objectId: String(r.objectId),
    objectType: String(r.objectType),
    incidentId: r.incidentId === null || r.incidentId === undefined ? null : String(r.incidentId),
    before: typeof r.before === 'string' ? r.before : null,
    after: typeof r.after === 'string' ? r.after : null,
    at: String(r.at),
  }));
}
