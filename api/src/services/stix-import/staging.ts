/**
 * Staged imports (inputs bigger than one transaction): an import marker, batches written as
 * invisible `:Staged` nodes with a heartbeat, cleanup of what a failed or crashed import left.
 */
import type { Graph } from '../../graph/driver';
import {
  abandonedImports,
  createImportMarker,
  deleteStagedBatch,
  finishImportMarker,
  importHeartbeat,
} from '../../graph/stix.repository';
import type { Logger } from '../../logger';
import { IMPORT_DEFAULTS } from './types';
import { mergeBatch, progress, type ImportSession, type Prepared } from './session';
import { prepareAndWrite } from './write-batch';

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
export async function cleanupStaged(s: ImportSession): Promise<void> {
  const importId = s.ctx.importId;
  for (;;) {
    s.stats.transactions += 1;
    const deleted = await s.graph.write((tx) => deleteStagedBatch(tx, importId), {
      metadata: { importId, phase: 'cleanup' },
    });
    if (deleted === 0) break;
  }
}

/** The input turned out bigger than one transaction: from now on it is written staged. */
export async function startStaging(s: ImportSession, bundleId: string | null): Promise<void> {
  s.staged = true;
  s.stats.transactions += 1;
  await s.graph.write((tx) => createImportMarker(tx, s.ctx, bundleId, s.source), {
    metadata: { importId: s.ctx.importId, phase: 'marker' },
  });
  // Leftovers of crashed imports (heartbeat stopped), whatever their bundle: never one in flight.
  await cleanAbandoned(s.graph, s.logger, s.ctx.importId);
}

/** Writes full staged batches of the pending objects (`force`: also the last, partial one). */
export async function flushPending(s: ImportSession, force: boolean): Promise<void> {
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
