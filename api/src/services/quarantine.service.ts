/**
 * The quarantine (issue 13): input objects a tolerant import kept aside instead of storing them as
 * graph objects, with their raw JSON, source, import id and reasons. Analysts only; every read and
 * retry is filtered by the caller's clearance (a record's `tlp_rank` comes from the markings of the
 * object as it came, RED when they cannot be read), exactly like graph objects.
 */
import { NotFoundError, ValidationError } from '../errors';
import type { Graph } from '../graph/driver';
import {
  countQuarantined,
  deleteQuarantined,
  listQuarantined,
  quarantinedWithRaw,
  type QuarantinedRecord,
} from '../graph/stix.repository';
import type { ImportReport, StixImportService } from './stix-import.service';
import { requireRole, type Viewer } from './viewer';

export type { QuarantinedRecord };

export interface QuarantineSelection {
  /** Record ids (not STIX ids), as `list` gives them. */
  ids?: string[] | null;
  /** Every record of this import. */
  importId?: string | null;
}

export interface QuarantineService {
  list(options: { viewer: Viewer; importId?: string | null; after?: string | null; limit?: number }): Promise<{
    records: QuarantinedRecord[];
    totalCount: number;
  }>;
  /** One record with its raw JSON; NotFoundError when absent or above the caller's clearance. */
  show(id: string, options: { viewer: Viewer }): Promise<QuarantinedRecord>;
  /** The records' objects exactly as they came, in a bundle (non-objects stay as they were). */
  exportBundle(selection: QuarantineSelection, options: { viewer: Viewer }): Promise<{ type: 'bundle'; id: string; objects: unknown[] }>;
  /**
   * Imports the records' objects again (tolerant unless `strict`), as the caller: what imports or is
   * repaired leaves the quarantine, what fails again is quarantined again under the new import.
   * The old records go only after the new import committed (a crash between keeps both: nothing lost).
   */
  retry(selection: QuarantineSelection, options: { viewer: Viewer; strict?: boolean; dryRun?: boolean }): Promise<ImportReport>;
}

export const QUARANTINE_PAGE_MAX = 1_000;

export function createQuarantineService(deps: { graph: Graph; stixImport: StixImportService }): QuarantineService {
  const { graph } = deps;

  async function select(selection: QuarantineSelection, viewer: Viewer): Promise<QuarantinedRecord[]> {
    const ids = selection.ids && selection.ids.length > 0 ? selection.ids : null;
    const importId = selection.importId ?? null;
    if (ids === null && importId === null) {
      throw new ValidationError('Choose quarantined records: their ids, or an import id.', [
        { objectId: null, path: 'ids', message: 'give record ids or an import id' },
      ]);
    }
    return graph.read((tx) => quarantinedWithRaw(tx, { ids, importId, maxRank: viewer.clearanceRank }), {
      metadata: { op: 'quarantine-select' },
    });
  }

  function parsed(record: QuarantinedRecord): unknown {
    try {
      return JSON.parse(record.raw ?? 'null') as unknown;
    } catch {
      return record.raw ?? null;
    }
  }

  return {
    async list({ viewer, importId = null, after = null, limit = 100 }) {
      requireRole(viewer, 'analyst');
      const size = Math.max(1, Math.min(QUARANTINE_PAGE_MAX, Math.trunc(limit)));
      return graph.read(
        async (tx) => ({
          records: await listQuarantined(tx, { importId, after: after ?? '', limit: size, maxRank: viewer.clearanceRank }),
          totalCount: await countQuarantined(tx, importId, viewer.clearanceRank),
        }),
        { metadata: { op: 'quarantine-list' } },
      );
    },

    async show(id, { viewer }) {
      requireRole(viewer, 'analyst');
      const [record] = await select({ ids: [id] }, viewer);
      if (!record) throw new NotFoundError(`No quarantined record ${id}.`);
      return record;
    },

    async exportBundle(selection, { viewer }) {
      requireRole(viewer, 'analyst');
      const records = await select(selection, viewer);
      return { type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects: records.map(parsed) };
    },

    async retry(selection, { viewer, strict = false, dryRun = false }) {
      requireRole(viewer, 'analyst');
      const records = await select(selection, viewer);
      if (records.length === 0) throw new NotFoundError('No quarantined record matches (or none you may see).');
      const report = await deps.stixImport.importBundle(
        { type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects: records.map(parsed) },
        { viewer, strict, dryRun, source: 'quarantine-retry' },
      );
      if (!dryRun && report.errors.length === 0) {
        await graph.write((tx) => deleteQuarantined(tx, records.map((r) => r.id), viewer.clearanceRank), {
          metadata: { op: 'quarantine-retry' },
        });
      }
      return report;
    },
  };
}
