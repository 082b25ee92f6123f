/**
 * STIX import: read → upgrade 2.0 → validate (every problem collected) → deduplicate → classify
 * against the graph → write. All-or-nothing:
 *  - an input with any error writes nothing and returns every error at once;
 *  - a valid input of up to `singleTransactionMaxObjects` objects is written in one transaction
 *    (in-memory inputs: "eager", written batch by batch in that transaction while the rest is
 *    still being validated; rolled back on any error);
 *  - a bigger one is written in batches as `:Staged` nodes behind an import marker, then flipped
 *    visible in one transaction. Readers never see a half import; a crash leaves only invisible
 *    staged nodes, deleted once its heartbeat is older than STAGED_ALIVE_MS.
 * Tolerant mode (`strict: false`): every object ends imported, repaired or quarantined instead
 * (docs/import-policy.md). Write-side TLP rules: docs/api.md.
 * See docs/graph-model.md.
 */
import { randomUUID } from 'node:crypto';
import { inputFromValue, openStixSource, StixInputError, type StixInput } from '../../../importers/stix/parse';
import { UNKNOWN_MARKING_RANK } from '../../../schema/graph/kinds';
import { importInFlight } from '../graph/stix.repository';
import type { ImportProgressEvent } from './events';
import { limitHeapGrowth } from './heap-growth';
import { requireRole } from './viewer';
import { runImport } from './stix-import/run';
import { unreadableReport } from './stix-import/session';
import { cleanAbandoned } from './stix-import/staging';
import type { ImportOptions, ImportReport, StixImportDeps, StixImportService } from './stix-import/types';

export {
  IMPORT_DEFAULTS,
  NOT_WRITABLE,
  type ConflictPolicy,
  type ImportOptions,
  type ImportProgress,
  type ImportRepair,
  type ImportReport,
  type StixImportDeps,
  type StixImportService,
} from './stix-import/types';

export function createStixImportService(deps: StixImportDeps): StixImportService {
  const { graph } = deps;
  const logger = deps.logger.child({ area: 'stix-import' });
  const runDeps = { graph, logger };

  /**
   * One import, whatever its source: opens the input (an input that cannot be read is a refused
   * report, not an exception) and runs it, with progress published on the event bus for the viewer
   * who started it. The TLP of an input is unknown while it is read, so its events count as RED for
   * clearance (the starter and admins see them; see eventVisibleTo).
   */
  async function announced(options: ImportOptions, open: () => StixInput | Promise<StixInput>): Promise<ImportReport> {
    requireRole(options.viewer, 'analyst');
    const importId = randomUUID();
    const publish = (phase: ImportProgressEvent['phase'], done: number, total: number | null) =>
      deps.events?.publish('importProgress', {
        importId,
        viewerId: options.viewer.id,
        tlpRank: UNKNOWN_MARKING_RANK,
        phase,
        done,
        total,
        at: new Date().toISOString(),
      });
    const opts: ImportOptions = {
      ...options,
      onProgress: (p) => {
        options.onProgress?.(p);
        publish(p.phase, p.done, p.total);
      },
    };
    const openAndRun = async (): Promise<ImportReport> => {
      let input: StixInput;
      try {
        input = await open();
      } catch (e) {
        if (!(e instanceof StixInputError)) throw e;
        return unreadableReport(e, importId, opts);
      }
      if (input.count !== null) return runImport(runDeps, input, opts, importId);
      const release = limitHeapGrowth(); // streamed: bounded memory is the point (heap-growth.ts)
      try {
        return await runImport(runDeps, input, opts, importId);
      } finally {
        release();
      }
    };
    let report: ImportReport;
    const done = importInFlight(importId);
    try {
      report = await openAndRun();
    } catch (e) {
      publish('failed', 0, null);
      throw e;
    } finally {
      done();
    }
    publish(report.errors.length > 0 ? 'failed' : 'done', report.objects, report.objects);
    return report;
  }

  return {
    cleanAbandonedImports: (options = {}) =>
      cleanAbandoned(graph, logger, '', options.olderThanMs === undefined ? undefined : new Date(Date.now() - options.olderThanMs).toISOString()),
    async importBundle(input, options) {
      return announced(options, () => inputFromValue(input));
    },
    async importFile(source, options) {
      const name = options.source ?? (typeof source === 'string' ? source : undefined);
      return announced({ ...options, source: name }, () => openStixSource(source, options.readLimits));
    },
  };
}
