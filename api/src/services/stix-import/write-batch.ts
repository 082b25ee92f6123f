/**
 * Writing one batch: classify the prepared objects against the graph, apply the write-side TLP
 * rules (docs/api.md, "Write-side rules"), decide created / updated / unchanged, write. Also the
 * quarantine records. Every writer (writer.ts) writes its batches through `prepareAndWrite`.
 */
import { randomUUID } from 'node:crypto';
import { mapStixObject, markingRefsOf, tlpRankOf } from '../../graph/stix.mapping';
import { TLP_LEVELS, TLP_MARKING_IDS, UNKNOWN_MARKING_RANK, tlpRank } from '../../../../schema/graph/kinds';
import type { Issue } from '../../errors';
import type { Tx } from '../../graph/driver';
import {
  addQuarantined,
  classify,
  markingRanks,
  writeBatch,
  type QuarantineRow,
  type Stored,
  type WriteBatch,
} from '../../graph/stix.repository';
import { hasRole } from '../viewer';
import { NOT_WRITABLE } from './types';
import {
  REFUSED,
  addStats,
  error,
  mergeBatch,
  progress,
  type BatchResult,
  type ImportSession,
  type Prepared,
} from './session';

type RankLookup = (id: string) => number | undefined;

async function rankLookup(s: ImportSession, tx: Tx, batch: Prepared[]): Promise<RankLookup> {
  const unknown = new Set<string>();
  for (const p of batch) {
    for (const m of markingRefsOf(p.obj)) {
      if (TLP_MARKING_IDS[m] === undefined && !s.bundleMarkings.has(m)) unknown.add(m);
    }
  }
  // Only markings the caller may rely on (see MARKING_RANKS); any other counts as unknown (RED).
  const stored = await markingRanks(tx, [...unknown], s.options.viewer.id);
  return (id) => {
    const tlp = TLP_MARKING_IDS[id];
    if (tlp !== undefined) return tlpRank(tlp);
    return s.bundleMarkings.get(id) ?? stored.get(id);
  };
}

/** One batch being decided: what it writes, counts, defers and refuses. */
interface BatchPlan {
  result: BatchResult;
  write: WriteBatch;
  /** Strict mode: write-side refusals (the input is refused). */
  refusals: Issue[];
  refusedHere: Set<string>;
  stagedWrite: boolean;
  lookup: RankLookup;
  add: (p: Prepared) => void;
}

function newPlan(s: ImportSession, lookup: RankLookup, stagedWrite: boolean): BatchPlan {
  const write: WriteBatch = { objects: [], absent: new Set(), archive: [], clearEdges: [], history: [] };
  const owner = hasRole(s.options.viewer, 'admin') ? null : s.options.viewer.id;
  const add = (p: Prepared) => {
    const mapped = mapStixObject(p.obj, lookup, p.raw, p.hash);
    if (p.obj.type === 'marking-definition') mapped.node.props.marking_owner = owner;
    if (p.repairs) {
      mapped.node.props.raw_original = p.original ?? null;
      mapped.node.props.repairs = JSON.stringify(p.repairs.map((r) => ({ path: r.path, message: r.message, fix: r.fix })));
    }
    write.objects.push(mapped);
  };
  return {
    result: { local: { created: 0, updated: 0, unchanged: 0 }, localWarnings: [], later: [], refused: [] },
    write,
    refusals: [],
    refusedHere: new Set(),
    stagedWrite,
    lookup,
    add,
  };
}

/**
 * Decide, for each prepared object, what to do given the stored state, and write. In a staged
 * batch, objects touching visible nodes are set aside for the flip. Returns what the batch did
 * (merged into the session by `mergeBatch`).
 */
export async function prepareAndWrite(
  s: ImportSession,
  tx: Tx,
  batch: Prepared[],
  older: Prepared[],
  stagedWrite: boolean,
): Promise<BatchResult> {
  s.options.signal?.throwIfAborted(); // inside the transaction: thrown here, it rolls back
  const stored = await classify(
    tx,
    s.ctx.importId,
    batch.map((p) => ({ id: p.id, modified: p.modified, hash: p.hash })),
  );
  const lookup = await rankLookup(s, tx, [...batch, ...older]);
  const plan = newPlan(s, lookup, stagedWrite);
  for (const p of batch) planObject(s, plan, p, stored.get(p.id));
  if (plan.refusals.length > 0) {
    plan.refusals.forEach((issue) => error(s, issue));
    throw REFUSED; // inside the transaction: everything it wrote is rolled back
  }
  for (const p of older) {
    if (s.refusedIds.has(p.id) || plan.refusedHere.has(p.id)) continue; // never under a refused id
    plan.write.history.push({ id: p.id, modified: p.modified ?? '', raw: p.raw, tlp_rank: tlpRankOf(p.obj, lookup) });
  }
  addStats(s, await writeBatch(tx, plan.write, { ...s.ctx, staged: stagedWrite }));
  return plan.result;
}

/** One object of a batch: refused, rewritten (eager), or decided against its stored state. */
function planObject(s: ImportSession, plan: BatchPlan, p: Prepared, st: Stored | undefined): void {
  const path = `objects[${p.index}]`;
  // Write-side TLP (docs/api.md, "Write-side rules"), before anything that compares with the
  // stored object, so that a hidden id gets one answer whatever its version or content.
  const refusal = writeRefusal(s, p, st, plan.lookup);
  if (refusal !== null) {
    const issue = { objectId: p.id, path, message: refusal };
    if (s.strict) plan.refusals.push(issue);
    else plan.result.refused.push({ p, issue });
    plan.refusedHere.add(p.id);
    if (s.eager) s.outcomes.set(p.id, 'refused');
    return;
  }
  if (p.rewrite) {
    // Eager mode: replaces what this transaction wrote for the id; counted at its first write.
    if (p.rewrite === 'version') plan.write.archive.push(p.id);
    plan.write.clearEdges.push(p.id);
    plan.add(p);
    return;
  }
  const local = plan.result.local;
  const counted = { created: local.created, updated: local.updated };
  decide(plan, p, st, path);
  if (s.eager) {
    s.outcomes.set(
      p.id,
      local.created > counted.created ? 'created' : local.updated > counted.updated ? 'updated' : 'unchanged',
    );
  }
}

/** Created, updated, unchanged or deferred to the flip, given the stored state of the id. */
function decide(plan: BatchPlan, p: Prepared, st: Stored | undefined, path: string): void {
  const { local, localWarnings, later } = plan.result;
  const { write, add, stagedWrite } = plan;
  if (st === undefined) {
    local.created += 1;
    write.absent.add(p.id);
    add(p);
  } else if (st.state === 'staged') {
    // Written by an earlier batch of this import (a later duplicate won): overwrite.
    write.clearEdges.push(p.id);
    add(p);
  } else if (st.state === 'abandoned') {
    local.created += 1;
    write.clearEdges.push(p.id);
    add(p);
  } else if (st.state === 'foreign' && !stagedWrite) {
    // Staged by another import still in flight: written visible at our commit, under our
    // import id (its flip and its cleanup only touch nodes still staged under its own id).
    local.created += 1;
    write.clearEdges.push(p.id);
    add(p);
  } else if (stagedWrite) {
    later.push(p);
  } else if (st.state === 'placeholder') {
    local.created += 1;
    add(p);
  } else if (st.cmp > 0 && st.revoked) {
    local.unchanged += 1;
    localWarnings.push({
      objectId: p.id,
      path,
      message: 'the stored version is revoked; a revoked object cannot get newer versions, so this one was not stored',
    });
  } else if (st.cmp > 0) {
    local.updated += 1;
    write.archive.push(p.id);
    write.clearEdges.push(p.id);
    add(p);
  } else {
    local.unchanged += 1;
    if (st.cmp === 0 && !st.same) {
      localWarnings.push({
        objectId: p.id,
        path,
        message:
          'differs from the stored object with the same "modified"; the stored version was kept (a new version needs a newer "modified")',
      });
    }
  }
}

/**
 * Why the caller may not write this object, or null. Two rules: nobody writes an object they
 * could not read once stored (its markings above their clearance), and nobody writes over a
 * stored object above their clearance (create-over, update, revoke, re-mark). The second answer
 * is one fixed message: it does not depend on the hidden object's version, content or state.
 */
function writeRefusal(s: ImportSession, p: Prepared, st: Stored | undefined, lookup: RankLookup): string | null {
  const clearance = s.options.viewer.clearanceRank;
  const rank = tlpRankOf(p.obj, lookup);
  if (rank > clearance) {
    return `marked ${TLP_LEVELS[rank] ?? 'RED'} (or with a marking you have not defined), above your clearance ${s.options.viewer.clearance}: you could not read it once stored, so you cannot write it`;
  }
  if (st !== undefined && st.state !== 'placeholder' && st.state !== 'staged' && st.rank > clearance) {
    return NOT_WRITABLE;
  }
  return null;
}

/** Writes the quarantine records (tolerant mode), with the final transaction of the import. */
export async function writeAside(s: ImportSession, tx: Tx, extra: { p: Prepared; issue: Issue }[]): Promise<void> {
  const pending = [...s.aside];
  for (const { p, issue } of extra) {
    pending.push({ index: p.index, objectId: p.id, type: String(p.obj.type), raw: p.original ?? p.raw, obj: p.obj, reasons: [issue], onRead: false });
  }
  if (pending.length === 0) return;
  const lookup = await rankLookup(s, tx, pending.flatMap((a) => (a.obj ? [{ obj: a.obj } as Prepared] : [])));
  const rows: QuarantineRow[] = pending.map((a) => ({
    id: randomUUID(),
    object_id: a.objectId,
    type: a.type,
    path: `objects[${a.index}]`,
    raw: a.raw,
    reasons: JSON.stringify(a.reasons.map((r) => ({ path: r.path, message: r.message }))),
    // Not an object, or markings that cannot be read: only readers cleared for all see it.
    tlp_rank: a.obj ? tlpRankOf(a.obj, lookup) : UNKNOWN_MARKING_RANK,
  }));
  await addQuarantined(tx, rows, { ...s.ctx, importedById: s.options.viewer.id, source: s.source });
}
