/**
 * importStixBundle, importStixFile and exportStixBundle: check arguments, call the STIX services,
 * shape output.
 */
import { NotFoundError, ValidationError } from '../../errors';
import type { QuarantinedRecord } from '../../services/quarantine.service';
import type { ConflictPolicy, ImportReport } from '../../services/stix-import.service';
import { EXPORT_LIMITS } from '../../services/stix-export.service';
import { requireRole } from '../../services/viewer';
import { requireViewer } from '../auth/require-viewer';
import type { AppContext } from '../context';
import type { MutationImportStixBundleArgs, MutationRetryQuarantinedArgs, QueryExportStixBundleArgs, QueryQuarantinedObjectArgs, QueryQuarantinedObjectsArgs } from '../../../../schema/graphql/generated/resolvers';

const POLICIES: Record<string, ConflictPolicy> = {
  REJECT: 'reject',
  KEEP_FIRST: 'keep-first',
  KEEP_LAST: 'keep-last',
};


/** A part of a multipart request, as graphql-yoga hands it over (a WHATWG File). */
interface UploadedFile {
  name: string;
  size: number;
  stream(): ReadableStream<Uint8Array>;
}

function isUploadedFile(value: unknown): value is UploadedFile {
  const v = value as Partial<UploadedFile> | null;
  return typeof v === 'object' && v !== null && typeof v.stream === 'function' && typeof v.size === 'number';
}

/** The file name as given by the client, made safe to record as the import's source. */
function uploadSource(file: UploadedFile): string {
  // eslint-disable-next-line no-control-regex
  const name = String(file.name ?? '').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
  return `upload:${name || 'unnamed'}`;
}

/**
 * The chunks of a WHATWG stream. Read through its reader: the server's streams are whatwg-node
 * ponyfills, which `Readable.fromWeb` refuses. Stopped early (the import refused the input), the
 * rest of the upload is cancelled.
 */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

export const stixResolvers = {
  ImportReport: {
    durationMs: (report: ImportReport) => report.stats.durationMs,
  },
  QuarantinedObject: {
    raw: (record: QuarantinedRecord) => {
      if (record.raw === undefined) return null;
      try {
        return JSON.parse(record.raw) as unknown;
      } catch {
        return record.raw;
      }
    },
    reasons: (record: QuarantinedRecord) => record.reasons.map((r) => ({ objectId: record.objectId, path: r.path, message: r.message })),
  },
  Mutation: {
    retryQuarantined: async (
      _: unknown,
      args: MutationRetryQuarantinedArgs,
      ctx: AppContext,
    ) => {
      const viewer = requireViewer(ctx);
      return ctx.services.quarantine.retry(
        { ids: args.ids ?? null, importId: args.importId ?? null },
        { viewer, strict: args.strict === true, dryRun: args.dryRun === true },
      );
    },
    importStixBundle: async (
      _: unknown,
      args: MutationImportStixBundleArgs,
      ctx: AppContext,
    ) => {
      const viewer = requireViewer(ctx);
      // Progress goes to the importProgress subscription from the service, as for every import.
      return ctx.services.stixImport.importBundle(args.bundle, {
        viewer,
        onConflict: POLICIES[args.onConflict ?? 'REJECT'] ?? 'reject',
        dryRun: args.dryRun === true,
        strict: args.strict === true,
        source: 'graphql',
      });
    },
    importStixFile: async (
      _: unknown,
      args: { file: unknown; onConflict?: string | null; dryRun?: boolean | null; strict?: boolean | null },
      ctx: AppContext,
    ) => {
      const viewer = requireViewer(ctx);
      // Before anything is read.
      requireRole(viewer, 'analyst');
      const file = args.file;
      if (!isUploadedFile(file)) {
        throw new ValidationError(
          'importStixFile: argument "file" must be a file sent as a multipart/form-data part (GraphQL multipart request), not a JSON value.',
          [{ objectId: null, path: 'file', message: 'must be an uploaded file' }],
        );
      }
      // Streamed into the import as it arrives: gzip is recognised from its first bytes.
      return ctx.services.stixImport.importFile({ bytes: chunksOf(file.stream()), size: file.size }, {
        viewer,
        onConflict: POLICIES[args.onConflict ?? 'REJECT'] ?? 'reject',
        dryRun: args.dryRun === true,
        strict: args.strict === true,
        source: uploadSource(file),
      });
    },
  },
  Query: {
    quarantinedObjects: async (
      _: unknown,
      args: QueryQuarantinedObjectsArgs,
      ctx: AppContext,
    ) => {
      const viewer = requireViewer(ctx);
      const page = await ctx.services.quarantine.list({ viewer, importId: args.importId ?? null, after: args.after ?? null, limit: args.limit ?? 100 });
      // The list carries no raw JSON; ask quarantinedObject for one record's.
      return page;
    },
    quarantinedObject: async (_: unknown, args: QueryQuarantinedObjectArgs, ctx: AppContext) => {
      const viewer = requireViewer(ctx);
      try {
        return await ctx.services.quarantine.show(args.id, { viewer });
      } catch (e) {
        if (e instanceof NotFoundError) return null;
        throw e;
      }
    },
    exportStixBundle: async (
      _: unknown,
      args: QueryExportStixBundleArgs,
      ctx: AppContext,
    ) => {
      const viewer = requireViewer(ctx);
      return ctx.services.stixExport.exportBundle({
        ids: args.ids ?? null,
        depth: args.depth ?? null,
        incidentId: args.incidentId ?? null,
        viewer,
        // One request must not hold the server's memory or event loop (issue 14 #8).
        limits: EXPORT_LIMITS,
        originals: args.originals === true,
      });
    },
  },
};
