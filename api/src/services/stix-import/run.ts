/**
 * One import from an opened input to its report: a session is created with its writer (chosen in
 * writer.ts), read (read.ts: every accepted object goes to the writer), then committed by the
 * writer; refused inputs and failures go through the writer's `abort`. The eager writer's
 * transaction failing for another reason than the input restarts the import with the single
 * writer (the input is in memory, so it can be read again; no other writer reads twice).
 */
import { StixInputError, type StixInput } from '../../../../importers/stix/parse';
import type { Graph } from '../../graph/driver';
import type { Logger } from '../../logger';
import type { ImportOptions, ImportReport } from './types';
import { REFUSED, buildReport, createSession, failureReason, progress, type ImportSession } from './session';
import { consume } from './read';
import { chooseWriter } from './writer';

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
  const s = createSession(deps, input, options, importId, chooseWriter(input, options, allowEager));
  try {
    // The first writer's unit of work (the staged writer may take over while reading).
    await s.writer.around(s, async () => {
      await consume(s);
      await s.eagerChain; // eager batches still being written may refuse the input
      if (s.errors.length > 0) throw REFUSED;
      await s.writer.commit(s);
    });
  } catch (e) {
    if (e === REFUSED) {
      await s.writer.abort(s, true);
      return refusedReport(s);
    }
    await s.writer.abort(s, false).catch(() => {});
    if (s.writer.kind === 'eager' && !(e instanceof StixInputError) && !s.options.signal?.aborted) return retrySingle(deps, s, e);
    throw e;
  }
  return committed(s);
}

/**
 * The eager transaction was rolled back for another reason than the input: nothing is stored. The
 * single writer (validate all, then one managed, retried transaction) takes it from the start.
 */
async function retrySingle(deps: RunDeps, s: ImportSession, e: unknown): Promise<ImportReport> {
  s.logger.warn({ importId: s.ctx.importId, err: e }, 'eager import transaction failed; retrying on the classic path');
  const retried = await runImport(deps, s.input, s.options, s.ctx.importId, false);
  retried.warnings.unshift({
    objectId: null,
    path: '',
    message: `written in one pass after validation: the faster write-while-validating pass was rolled back (${failureReason(e)}); nothing from it was kept`,
  });
  return retried;
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
