/**
 * STIX objects in the graph: the write side of imports (classify, archive, upsert, edges, staging)
 * and the read side of exports. Every function takes a transaction so an import is one unit of
 * work; rows come from stix.mapping.ts and go in as parameters only.
 */
import { randomUUID } from 'node:crypto';
import neo4j from 'neo4j-driver';
import type { NodeLabel } from '../../../schema/graph/kinds';
import type { MappedObject, NodeProps, NodeRow, RelationshipEdgeRow } from './stix.mapping';
import type { Tx } from './driver';
import {
  ABANDONED_IMPORTS,
  ADD_QUARANTINED,
  COUNT_QUARANTINED,
  DELETE_QUARANTINED,
  LIST_QUARANTINED,
  QUARANTINED_BY_IDS,
  QUARANTINED_OF_IMPORT,
  ADD_HISTORY,
  ARCHIVE_CURRENT,
  CLASSIFY,
  COUNT_GRAPH,
  CREATE_IMPORT_MARKER,
  DELETE_REF_EDGES,
  DELETE_RELATIONSHIP_EDGES,
  DELETE_STAGED_BATCH,
  EXPORT_ALL_PAGE,
  EXPORT_BY_IDS,
  FINISH_IMPORT_MARKER,
  IMPORT_HEARTBEAT,
  MARKING_RANKS,
  NEIGHBOURS,
  CREATE_NODES,
  CREATE_NODES_STAGED,
  PLACEHOLDERS,
  PLACEHOLDERS_STAGED,
  REF_EDGES,
  RELATIONSHIP_EDGES,
  UNSTAGE,
  UPSERT_NODES,
  UPSERT_NODES_STAGED,
} from './stix.queries';

/** Rows per UNWIND query (measured with bench/import.ts; see docs/graph-model.md). */
export const ROWS_PER_QUERY = 5_000;

/** Write queries sent ahead of their results inside one transaction (see writeBatch). */
const IN_FLIGHT = 3;

/**
 * 'staged': written by this import; 'foreign': staged by another import still alive (heartbeat);
 * 'abandoned': staged by an import whose heartbeat stopped.
 */
export type StoredState = 'placeholder' | 'staged' | 'foreign' | 'abandoned' | 'current';

/** A staged import whose heartbeat is older than this is abandoned (a staged batch never takes longer). */
export const STAGED_ALIVE_MS = 30 * 60_000;

const aliveSince = () => new Date(Date.now() - STAGED_ALIVE_MS).toISOString();

/** This process, as recorded on the staged imports it starts. */
export const PROCESS_ID = randomUUID();
/** Staged imports this process is running now (the others it started are dead). */
const RUNNING_IMPORTS = new Set<string>();

/** Marks a staged import of this process as running until the returned function is called. */
export function importInFlight(importId: string): () => void {
  RUNNING_IMPORTS.add(importId);
  return () => RUNNING_IMPORTS.delete(importId);
}

const liveness = () => ({ processId: PROCESS_ID, inFlight: [...RUNNING_IMPORTS] });

export interface Stored {
  state: StoredState;
  /** incoming `modified` compared with the stored one: 1 newer, 0 equal (or absent), -1 older. */
  cmp: -1 | 0 | 1;
  /** stored raw is byte-identical to the incoming one */
  same: boolean;
  revoked: boolean;
  /** tlp_rank of the stored node (0 for a placeholder): compared with the writer's clearance. */
  rank: number;
}

export interface ImportContext {
  importId: string;
  importedBy: string;
  /** ISO timestamp shared by everything written by one import. */
  importedAt: string;
  /** Write nodes and placeholders with the Staged label (invisible until unstage). */
  staged: boolean;
  /**
   * The writer's clearance rank, stored on what this write creates (`writer_rank` on nodes and
   * edges): a ref to an object ranked above it was written blind (visibility.ts, namedBlindly).
   */
  writerRank: number;
}

export interface HistoryRow {
  id: string;
  modified: string;
  raw: string;
  tlp_rank: number;
}

export interface WriteBatch {
  /** Objects to create or replace (new, placeholder, abandoned, or newer than stored). */
  objects: MappedObject[];
  /** Ids among `objects` known to be absent from the graph (written with CREATE, not MERGE). */
  absent: Set<string>;
  /** Ids whose current version moves to history first. */
  archive: string[];
  /** Ids whose old outgoing edges must go first (updates and abandoned staged nodes). */
  clearEdges: string[];
  /** Older versions seen in the same bundle. */
  history: HistoryRow[];
}

export interface WriteStats {
  queries: number;
  nodes: number;
  refEdges: number;
  relationshipEdges: number;
  /** Largest UNWIND row count sent in one query (the Neo4j-side batch size). */
  maxRows: number;
}

function chunks<T>(rows: readonly T[], size = ROWS_PER_QUERY): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const g = groups.get(k);
    if (g) g.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

const int = (n: number | null) => (n === null ? null : neo4j.int(n));

/**
 * The properties to store, without the absent ones: `SET n = map` removes every key the map does
 * not carry, so a null and a missing key store the same thing, and the missing one costs nothing
 * to send and decode (about a third of the keys of an ATT&CK object are null).
 */
function present(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in props) {
    const value = props[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

function nodeParam(row: NodeRow) {
  return {
    id: row.id,
    created: row.created,
    modified: row.modified,
    props: present({
      ...row.props,
      tlp_rank: int(row.props.tlp_rank),
      confidence: int(row.props.confidence),
      marking_rank: int(row.props.marking_rank),
    }),
  };
}

function relationshipParam(row: RelationshipEdgeRow) {
  return {
    from: row.from,
    to: row.to,
    props: present({ ...row.props, tlp_rank: int(row.props.tlp_rank), confidence: int(row.props.confidence) }),
  };
}

/** How the stored objects with these ids compare with the incoming versions. */
export async function classify(
  tx: Tx,
  importId: string,
  rows: { id: string; modified: string | null; hash: string }[],
): Promise<Map<string, Stored>> {
  const out = new Map<string, Stored>();
  for (const chunk of chunks(rows)) {
    for (const r of await tx.run(CLASSIFY, { rows: chunk, importId, aliveSince: aliveSince(), ...liveness() })) {
      out.set(String(r.id), {
        state: r.state as StoredState,
        cmp: r.cmp as -1 | 0 | 1,
        same: r.same === true,
        revoked: r.revoked === true,
        rank: Number(r.rank ?? 0),
      });
    }
  }
  return out;
}

/**
 * Ranks of marking-definitions stored in the graph (for markings not in the bundle) that `writerId`
 * (a token id) may rely on: see MARKING_RANKS.
 */
export async function markingRanks(tx: Tx, ids: string[], writerId: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  for (const r of await tx.run(MARKING_RANKS, { ids, writerId })) out.set(String(r.id), Number(r.rank));
  return out;
}

/**
 * Writes one batch: archive → clear old edges → nodes per label → ref edges per type (creating
 * placeholders) → relationship edges per type. Order matters: edges need both ends.
 */
export async function writeBatch(tx: Tx, batch: WriteBatch, ctx: ImportContext): Promise<WriteStats> {
  const stats: WriteStats = { queries: 0, nodes: 0, refEdges: 0, relationshipEdges: 0, maxRows: 0 };
  const common = { importId: ctx.importId, importedBy: ctx.importedBy, importedAt: ctx.importedAt, writerRank: int(ctx.writerRank) };
  // Queries are pipelined: the next one is packed and sent while Neo4j still runs the previous
  // ones (a transaction runs them in order), with at most IN_FLIGHT outstanding to bound memory.
  const inFlight: Promise<unknown>[] = [];
  const run = async (query: Parameters<Tx['run']>[0], params: Record<string, unknown>, rows: number) => {
    stats.queries += 1;
    stats.maxRows = Math.max(stats.maxRows, rows);
    if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
    const sent = tx.run(query, { ...common, ...params });
    sent.catch(() => {}); // observed by the final await; never an unhandled rejection
    inFlight.push(sent);
  };

  for (const ids of chunks(batch.archive)) await run(ARCHIVE_CURRENT, { ids }, ids.length);
  for (const ids of chunks(batch.clearEdges)) {
    await run(DELETE_RELATIONSHIP_EDGES, { ids }, ids.length);
    await run(DELETE_REF_EDGES, { ids }, ids.length);
  }

  const upserts = ctx.staged ? UPSERT_NODES_STAGED : UPSERT_NODES;
  const creates = ctx.staged ? CREATE_NODES_STAGED : CREATE_NODES;
  for (const [key, group] of groupBy(batch.objects, (o) => `${batch.absent.has(o.node.id) ? 'c' : 'u'}${o.node.label}`)) {
    const label = key.slice(1) as NodeLabel;
    const query = (key.startsWith('c') ? creates : upserts).get(label);
    if (!query) throw new Error(`no node query for label ${label}`);
    for (const rows of chunks(group)) {
      await run(query, { rows: rows.map((o) => nodeParam(o.node)) }, rows.length);
      stats.nodes += rows.length;
    }
  }

  // Placeholders for ref targets and relationship ends not written by this batch (MERGE keeps
  // stored ones as they are).
  const written = new Set(batch.objects.map((o) => o.node.id));
  const targets = new Map<string, string>();
  for (const o of batch.objects) {
    for (const r of o.refs) if (!written.has(r.to)) targets.set(r.to, r.toType);
    const rel = o.relationship;
    if (rel && !written.has(rel.from)) targets.set(rel.from, rel.fromType);
    if (rel && !written.has(rel.to)) targets.set(rel.to, rel.toType);
  }
  for (const rows of chunks([...targets].map(([id, type]) => ({ id, type })))) {
    await run(ctx.staged ? PLACEHOLDERS_STAGED : PLACEHOLDERS, { rows }, rows.length);
  }

  for (const [type, group] of groupBy(batch.objects.flatMap((o) => o.refs), (r) => r.type)) {
    const query = REF_EDGES.get(type);
    if (!query) throw new Error(`no ref edge query for ${type}`);
    // Grouped by source object: one row per (source, edge type) with its targets.
    const bySource = [...groupBy(group, (r) => r.from)].map(([from, refs]) => ({
      from,
      refs: refs.map((r) => ({ to: r.to, property: r.property })),
    }));
    for (const rows of chunks(bySource)) {
      await run(query, { rows }, rows.reduce((n, r) => n + r.refs.length, 0));
      stats.refEdges += rows.length;
    }
  }

  const rels = batch.objects.flatMap((o) => (o.relationship ? [o.relationship] : []));
  for (const [type, group] of groupBy(rels, (r) => r.type)) {
    const query = RELATIONSHIP_EDGES.get(type);
    if (!query) throw new Error(`no relationship edge query for ${type}`);
    for (const rows of chunks(group)) {
      await run(query, { rows: rows.map(relationshipParam) }, rows.length);
      stats.relationshipEdges += rows.length;
    }
  }

  for (const rows of chunks(batch.history)) {
    await run(ADD_HISTORY, { rows: rows.map((h) => ({ ...h, tlp_rank: int(h.tlp_rank) })) }, rows.length);
  }
  await Promise.all(inFlight);
  return stats;
}

// ---------------------------------------------------------------------------------------------
// Staging

export async function createImportMarker(
  tx: Tx,
  ctx: ImportContext,
  bundleId: string | null,
  source: string | null,
): Promise<void> {
  await tx.run(CREATE_IMPORT_MARKER, {
    importId: ctx.importId,
    importedBy: ctx.importedBy,
    importedAt: ctx.importedAt,
    bundleId,
    source,
    processId: PROCESS_ID,
  });
}

export async function finishImportMarker(tx: Tx, importId: string, status: 'committed' | 'failed'): Promise<void> {
  await tx.run(FINISH_IMPORT_MARKER, { importId, status });
}

/**
 * Dead staged imports other than `importId`: heartbeat older than STAGED_ALIVE_MS, or started by
 * this process and no longer running in it.
 */
export async function abandonedImports(tx: Tx, importId: string, staleBefore = aliveSince()): Promise<string[]> {
  return (await tx.run(ABANDONED_IMPORTS, { importId, aliveSince: staleBefore, ...liveness() })).map((r) => String(r.id));
}

export async function importHeartbeat(tx: Tx, importId: string): Promise<void> {
  await tx.run(IMPORT_HEARTBEAT, { importId });
}

/** Deletes up to `limit` staged nodes of an import; returns how many went. */
export async function deleteStagedBatch(tx: Tx, importId: string, limit = 10_000): Promise<number> {
  const [row] = await tx.run(DELETE_STAGED_BATCH, { importId, limit: neo4j.int(limit) });
  return Number(row?.deleted ?? 0);
}

export async function unstage(tx: Tx, importId: string): Promise<number> {
  const [row] = await tx.run(UNSTAGE, { importId });
  return Number(row?.flipped ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Export

/** Stored JSON of visible objects; `originals`: repaired ones as they came instead. */
export async function rawByIds(tx: Tx, ids: string[], maxRank: number, originals = false): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const chunk of chunks(ids)) {
    for (const r of await tx.run(EXPORT_BY_IDS, { ids: chunk, maxRank: neo4j.int(maxRank), originals })) {
      out.set(String(r.id), String(r.raw));
    }
  }
  return out;
}

export async function rawPage(
  tx: Tx,
  after: string,
  limit: number,
  maxRank: number,
  originals = false,
): Promise<{ id: string; raw: string }[]> {
  const rows = await tx.run(EXPORT_ALL_PAGE, { after, limit: neo4j.int(limit), maxRank: neo4j.int(maxRank), originals });
  return rows.map((r) => ({ id: String(r.id), raw: String(r.raw) }));
}

export async function neighbourIds(tx: Tx, ids: string[], maxRank: number): Promise<string[]> {
  const out: string[] = [];
  for (const chunk of chunks(ids)) {
    for (const r of await tx.run(NEIGHBOURS, { ids: chunk, maxRank: neo4j.int(maxRank) })) out.push(String(r.id));
  }
  return out;
}

/** Total nodes and edges in the database (tests: "the database is unchanged"). */
export async function countGraph(tx: Tx): Promise<{ nodes: number; edges: number }> {
  const [row] = await tx.run(COUNT_GRAPH);
  return { nodes: Number(row?.nodes ?? 0), edges: Number(row?.edges ?? 0) };
}

/**
 * Runs every write query of an in-memory import once, each with one row of the shape an import
 * sends, through writeBatch itself, so that Neo4j plans and caches them all (start-up warm-up,
 * services/warm-up.ts). Neo4j caches a plan per parameter types: a plan made with an empty list
 * is not reused for a list of rows (measured: the first real call still took 40-75 ms, a cached
 * one 6-11 ms). **It writes**: the caller must roll the transaction back. Stops between groups of
 * queries when `signal` is aborted (throws). Returns how many queries ran.
 */
export async function planImportQueries(tx: Tx, signal?: AbortSignal): Promise<number> {
  const at = '2025-01-01T00:00:00.000Z';
  let serial = 0;
  const newId = () => `x-warm-up--00000000-0000-4000-8000-${(++serial).toString(16).padStart(12, '0')}`;
  const node = (label: NodeLabel): MappedObject => {
    const id = newId();
    const props: NodeProps = {
      id, type: 'x-warm-up', spec_version: '2.1', name: 'warm-up', description: 'warm-up', aliases: ['a'],
      aliases_text: 'a', external_ids: ['T0'], external_ids_text: 'T0', labels: ['l'], confidence: 50,
      revoked: false, created_by_ref: id, marking_refs: [id], tlp_rank: 0, raw: '{}', raw_hash: '-',
      relationship_type: null, source_ref: null, target_ref: null, marking_rank: null,
    };
    return { node: { id, label, created: at, modified: at, props }, refs: [], relationship: null };
  };
  const ctx: ImportContext = { importId: newId(), importedBy: 'warm-up', importedAt: at, staged: false, writerRank: 0 };
  const empty = (): WriteBatch => ({ objects: [], absent: new Set(), archive: [], clearEdges: [], history: [] });
  let queries = 0;
  const write = async (batch: WriteBatch) => {
    signal?.throwIfAborted();
    queries += (await writeBatch(tx, batch, ctx)).queries;
  };

  const first = node('CustomObject');
  await classify(tx, ctx.importId, [{ id: first.node.id, modified: at, hash: '-' }]);
  await markingRanks(tx, [first.node.id], 'warm-up');
  queries += 2;
  await write({ ...empty(), archive: [first.node.id], clearEdges: [first.node.id], history: [{ id: first.node.id, modified: at, raw: '{}', tlp_rank: 0 }] });
  // Nodes of every label, created (absent ids) and merged, a few labels per writeBatch.
  const labels = [...CREATE_NODES.keys()];
  for (let i = 0; i < labels.length; i += 8) {
    const batch = empty();
    for (const label of labels.slice(i, i + 8)) {
      const created = node(label);
      batch.objects.push(created, node(label));
      batch.absent.add(created.node.id);
    }
    await write(batch);
  }
  // Every ref edge type (to a placeholder) and every relationship edge type.
  const source = node('CustomObject');
  source.refs = [...REF_EDGES.keys()].map((type) => ({ type, from: source.node.id, to: newId(), toType: 'x-warm-up', property: 'x_ref' }));
  const edges = [...RELATIONSHIP_EDGES.keys()].map((type): MappedObject => {
    const sro = node('Relationship');
    sro.relationship = {
      type, from: source.node.id, to: first.node.id, fromType: 'x-warm-up', toType: 'x-warm-up',
      props: { id: sro.node.id, relationship_type: 'related-to', tlp_rank: 0, confidence: 50 },
    };
    return sro;
  });
  await write({ ...empty(), objects: [source, ...edges], absent: new Set([source.node.id, ...edges.map((e) => e.node.id)]) });
  return queries;
}

// ---------------------------------------------------------------------------------------------
// Quarantine (issue 13)

export interface QuarantineRow {
  /** Our own id of the record (UUID). */
  id: string;
  /** The STIX id of the object when it had a string one. */
  object_id: string | null;
  type: string | null;
  /** Where it was in the input, e.g. `objects[12]`. */
  path: string;
  /** The JSON as it came (or, for a write refusal, as imported after the 2.0 upgrade). */
  raw: string;
  /** JSON list of `{ path, message }`. */
  reasons: string;
  tlp_rank: number;
}

export interface QuarantinedRecord {
  id: string;
  importId: string;
  objectId: string | null;
  type: string | null;
  path: string;
  reasons: { path: string; message: string }[];
  tlpRank: number;
  source: string | null;
  importedBy: string;
  quarantinedAt: string;
  raw?: string;
}

export async function addQuarantined(
  tx: Tx,
  rows: QuarantineRow[],
  ctx: ImportContext & { importedById: string; source: string | null },
): Promise<void> {
  for (const chunk of chunks(rows, 1_000)) {
    await tx.run(ADD_QUARANTINED, {
      rows: chunk.map((r) => ({ ...r, tlp_rank: neo4j.int(r.tlp_rank) })),
      importId: ctx.importId,
      importedBy: ctx.importedBy,
      importedById: ctx.importedById,
      importedAt: ctx.importedAt,
      source: ctx.source,
    });
  }
}

function quarantinedRecord(r: Record<string, unknown>): QuarantinedRecord {
  let reasons: { path: string; message: string }[] = [];
  try {
    reasons = JSON.parse(String(r.reasons)) as { path: string; message: string }[];
  } catch {
    reasons = [];
  }
  return {
    id: String(r.id),
    importId: String(r.importId),
    objectId: typeof r.objectId === 'string' ? r.objectId : null,
    type: typeof r.type === 'string' ? r.type : null,
    path: String(r.path ?? ''),
    reasons,
    tlpRank: Number(r.tlpRank),
    source: typeof r.source === 'string' ? r.source : null,
    importedBy: String(r.importedBy ?? ''),
    quarantinedAt: String(r.quarantinedAt),
    ...(typeof r.raw === 'string' ? { raw: r.raw } : {}),
  };
}

export async function listQuarantined(
  tx: Tx,
  q: { importId: string | null; after: string; limit: number; maxRank: number },
): Promise<QuarantinedRecord[]> {
  const rows = await tx.run(LIST_QUARANTINED, { ...q, limit: neo4j.int(q.limit), maxRank: neo4j.int(q.maxRank) });
  return rows.map(quarantinedRecord);
}

export async function countQuarantined(tx: Tx, importId: string | null, maxRank: number): Promise<number> {
  const [row] = await tx.run(COUNT_QUARANTINED, { importId, maxRank: neo4j.int(maxRank) });
  return Number(row?.n ?? 0);
}

/** Records with their raw JSON: by record ids, or every record of an import. */
export async function quarantinedWithRaw(
  tx: Tx,
  q: { ids: string[] | null; importId: string | null; maxRank: number },
): Promise<QuarantinedRecord[]> {
  const maxRank = neo4j.int(q.maxRank);
  const rows = q.ids !== null
    ? await tx.run(QUARANTINED_BY_IDS, { ids: q.ids, maxRank })
    : await tx.run(QUARANTINED_OF_IMPORT, { importId: q.importId, maxRank });
  return rows.map(quarantinedRecord);
}

export async function deleteQuarantined(tx: Tx, ids: string[], maxRank: number): Promise<number> {
  let deleted = 0;
  for (const chunk of chunks(ids, 1_000)) {
    const [row] = await tx.run(DELETE_QUARANTINED, { ids: chunk, maxRank: neo4j.int(maxRank) });
    deleted += Number(row?.deleted ?? 0);
  }
  return deleted;
}
