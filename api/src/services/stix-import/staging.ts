/**
 * Staged imports (inputs bigger than one transaction): the staged writer (an import marker,
 * batches written as invisible `:Staged` nodes with a heartbeat, the flip), cleanup of what a
 * failed or crashed import left.
 */
import type { Graph } from '../../graph/driver';
import {
  abandonedImports,
  createImportMarker,
  deleteStagedBatch,
  finishImportMarker,
  importHeartbeat,
  unstage,
} from '../../graph/stix.repository';
import type { Logger } from '../../logger';
import { IMPORT_DEFAULTS } from './types';
import { mergeBatch, progress, type ImportSession, type Prepared } from './session';
import type { ImportWriter } from './writer';
import { prepareAndWrite, writeAside } from './write-batch';

/** Deletes the staged nodes of imports whose heartbeat stopped (crashed runs); returns their ids. */
export async function cleanAbandoned(graph: Graph, logger: Logger, exceptImportId = '', staleBefore?: string): Promise<string[]> {
  const abandoned = await graph.read((tx) => abandonedImports(tx, exceptImportId, staleBefore), {
    metadata: { phase: 'abandoned-imports' },
  });
  for (const old of abandoned) {
    logger.info({ abandoned: old }, 'deleting staged leftovers of an unfinished import');
    for (;;) {
      const deleted = await graph.write((tx) => deleteStagedBatch(tx, old), { metadata: { importId: old, phase: 'cleanup' } });
      if (deleted === 0) break;
    }
    await graph.write((tx) => finishImportMarker(tx, old, 'failed'));
  }
  return abandoned;
}

async function writeStagedBatch(s: ImportSession, batch: Prepared[]): Promise<void> {
  s.stats.transactions += 1;
  const result = await s.graph.write(async (tx) => {
    await importHeartbeat(tx, s.ctx.importId);
    return prepareAndWrite(s, tx, batch, [], true);
  }, {
    metadata: { importId: s.ctx.importId, phase: 'staged-batch' },
    timeoutMs: IMPORT_DEFAULTS.transactionTimeoutMs,
  });
  mergeBatch(s, result);
}

/** Deletes this import's staged nodes, batch by batch. */
async function cleanupStaged(s: ImportSession): Promise<void> {
  const importId = s.ctx.importId;
  for (;;) {
    s.stats.transactions += 1;
    const deleted = await s.graph.write((tx) => deleteStagedBatch(tx, importId), {
      metadata: { importId, phase: 'cleanup' },
    });
    if (deleted === 0) break;
  }
}

/** Writes full staged batches of the pending objects (`force`: also the last, partial one). */
async function flushPending(s: ImportSession, force: boolean): Promise<void> {
  while (s.pending.size >= s.batchSize || (force && s.pending.size > 0)) {
    const batch: Prepared[] = [];
    for (const [id, p] of s.pending) {
      batch.push(p);
      s.pending.delete(id);
      if (batch.length >= s.batchSize) break;
    }
    await writeStagedBatch(s, batch);
    progress(s, 'write');
  }
}

/**
 * Staged writer, from the moment the input turned out bigger than one transaction: an import
 * marker (and the leftovers of crashed imports deleted), full batches staged as they fill up, then
 * the last batches and the flip (deferred objects, history, quarantine) in one transaction.
 */
export async function stagedWriter(s: ImportSession): Promise<ImportWriter> {
  const partial = s.input.envelope();
  const bundleId = typeof partial?.id === 'string' ? partial.id : null;
  s.staged = true;
  s.stats.transactions += 1;
  await s.graph.write((tx) => createImportMarker(tx, s.ctx, bundleId, s.source), {
    metadata: { importId: s.ctx.importId, phase: 'marker' },
  });
  // Leftovers of crashed imports (heartbeat stopped), whatever their bundle: never one in flight.
  await cleanAbandoned(s.graph, s.logger, s.ctx.importId);
  return {
    kind: 'staged',
    around: (_s, work) => work(),
    async write(s) {
      await flushPending(s, false);
      return 'next';
    },
    async commit(s) {
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
    },
    async abort(s, refused) {
      await cleanupStaged(s);
      // A failed import's marker is left to the next staged import (its heartbeat stops).
      if (refused) await s.graph.write((tx) => finishImportMarker(tx, s.ctx.importId, 'failed'));
    },
  };
}
