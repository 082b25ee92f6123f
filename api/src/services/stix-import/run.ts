/**
 * One import from an opened input to its report: a session is created, read (read.ts) and written
 * by one of three writers, which all take the session and return the report:
 *  - `writeEager`: in-memory inputs that fit one transaction, written while they are validated;
 *  - `writeSingle`: validated inputs that fit one transaction (a dry run is it, rolled back);
 *  - `writeStaged`: bigger inputs, staged in batches while read, flipped visible at the end.
 */
import { markingRankOf, type JsonObject } from '../../graph/stix.mapping';
import { StixInputError, type StixInput } from '../../../../importers/stix/parse';
import type { Graph, Tx } from '../../graph/driver';
import { finishImportMarker, unstage } from '../../graph/stix.repository';
import type { Logger } from '../../logger';
import { isRecord } from '../../../../schema/json';
import { IMPORT_DEFAULTS, type ImportOptions, type ImportReport } from './types';
import {
  REFUSED,
  buildReport,
  createSession,
  failureReason,
  mergeBatch,
  progress,
  type ImportSession,
} from './session';
import { consume } from './read';
import { cleanupStaged, flushPending } from './staging';
import { prepareAndWrite, writeAside } from './write-batch';

interface RunDeps {
  graph: Graph;
  logger: Logger;
}

export async function runImport(
  deps: RunDeps,
  input: StixInput,
  options: ImportOptions,
  importId: string,
  allowEager = true,
): Promise<ImportReport> {
  const s = createSession(deps, input, options, importId, allowEager);
  if (s.eager) return writeEager(s, deps);
  try {
    await consume(s, null);
  } catch (e) {
    if (e !== REFUSED) throw e; // refused by the write-side rules: reported below
  }
  if (s.errors.length > 0) {
    if (s.staged) {
      await cleanupStaged(s);
      await s.graph.write((tx) => finishImportMarker(tx, s.ctx.importId, 'failed'));
    }
    return refusedReport(s);
  }
  try {
    if (s.staged) await writeStaged(s);
    else await writeSingle(s);
  } catch (e) {
    if (s.staged) await cleanupStaged(s).catch(() => {});
    if (e !== REFUSED) throw e;
    if (s.staged) await s.graph.write((tx) => finishImportMarker(tx, s.ctx.importId, 'failed'));
    return refusedReport(s);
  }
  return committed(s);
}

/**
 * Eager writer: reads and writes in one explicit transaction (rolled back for a dry run). When that
 * transaction fails for another reason than the input, the import restarts on the classic path.
 */
async function writeEager(s: ImportSession, deps: RunDeps): Promise<ImportReport> {
  // Marking-definitions first, so objects written before their marking get its rank.
  for (const item of s.input.objects as Iterable<unknown>) {
    if (isRecord(item) && item.type === 'marking-definition' && typeof item.id === 'string' && !s.bundleMarkings.has(item.id)) {
      s.bundleMarkings.set(item.id, markingRankOf(item as JsonObject));
    }
  }
  try {
    s.stats.transactions += 1;
    await s.graph.writeOnce(
      async (tx) => {
        await consume(s, tx);
        await s.eagerChain;
        if (s.errors.length > 0) throw REFUSED;
        await writeLast(s, tx);
      },
      {
        metadata: { importId: s.ctx.importId, phase: 'single' },
        timeoutMs: IMPORT_DEFAULTS.transactionTimeoutMs,
        rollback: s.dryRun,
      },
    );
  } catch (e) {
    if (e === REFUSED) return refusedReport(s);
    if (e instanceof StixInputError || s.options.signal?.aborted) throw e;
    // Rolled back: nothing is stored. The classic path (validate all, then one managed,
    // retried transaction) takes it from the start.
    s.logger.warn({ importId: s.ctx.importId, err: e }, 'eager import transaction failed; retrying on the classic path');
    const retried = await runImport(deps, s.input, s.options, s.ctx.importId, false);
    retried.warnings.unshift({
      objectId: null,
      path: '',
      message: `written in one pass after validation: the faster write-while-validating pass was rolled back (${failureReason(e)}); nothing from it was kept`,
    });
    return retried;
  }
  return committed(s);
}

/** The last batch of the eager and single writers, with history and quarantine, merged at once. */
async function writeLast(s: ImportSession, tx: Tx): Promise<void> {
  const result = await prepareAndWrite(s, tx, [...s.pending.values()], s.history, false);
  await writeAside(s, tx, result.refused);
  mergeBatch(s, result);
}

/** Single-transaction writer, after validation: a dry run is one attempt, rolled back. */
async function writeSingle(s: ImportSession): Promise<void> {
  const batch = [...s.pending.values()];
  s.stats.transactions += 1;
  const single = { metadata: { importId: s.ctx.importId, phase: 'single' }, timeoutMs: IMPORT_DEFAULTS.transactionTimeoutMs };
  const work = async (tx: Tx) => {
    const r = await prepareAndWrite(s, tx, batch, s.history, false);
    await writeAside(s, tx, r.refused);
    return r;
  };
  // A dry run is one attempt, rolled back; a real one a managed, retried transaction.
  const result = s.dryRun ? await s.graph.writeOnce(work, { ...single, rollback: true }) : await s.graph.write(work, single);
  mergeBatch(s, result);
}

/** Staged writer: the last batches, then the flip (deferred objects, history, quarantine) at once. */
async function writeStaged(s: ImportSession): Promise<void> {
  await flushPending(s, true);
  progress(s, 'commit');
  const rest = s.deferred.splice(0, s.deferred.length);
  s.stats.transactions += 1;
  const result = await s.graph.write(
    async (tx) => {
      const r = await prepareAndWrite(s, tx, rest, s.history, false);
      await writeAside(s, tx, r.refused);
      await unstage(tx, s.ctx.importId);
      await finishImportMarker(tx, s.ctx.importId, 'committed');
      return r;
    },
    { metadata: { importId: s.ctx.importId, phase: 'flip' }, timeoutMs: IMPORT_DEFAULTS.transactionTimeoutMs },
  );
  mergeBatch(s, result);
}

function refusedReport(s: ImportSession): ImportReport {
  s.logger.info({ importId: s.ctx.importId, errors: s.errors.length }, 'STIX import refused');
  return buildReport(s);
}

function committed(s: ImportSession): ImportReport {
  progress(s, 'commit');
  // Objects dropped as exact repeats or older in-bundle versions are unchanged too.
  s.counts.unchanged += s.index + 1 - s.seen.size - s.aside.filter((a) => a.onRead).length;
  const r = buildReport(s);
  s.logger.info(
    { importId: s.ctx.importId, created: r.created, updated: r.updated, unchanged: r.unchanged, ms: r.stats.durationMs },
    s.dryRun ? 'STIX import dry run (rolled back)' : 'STIX import committed',
  );
  return r;
}
