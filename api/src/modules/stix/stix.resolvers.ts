/**
 * importStixBundle, importStixFile and exportStixBundle: check arguments, call the STIX services,
 * shape output.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { NotFoundError, ValidationError } from '../../errors';
import type { QuarantinedRecord } from '../../services/quarantine.service';
import type { ConflictPolicy, ImportOptions, ImportReport } from '../../services/stix-import.service';
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
 * ponyfills, which `Readable.fromWeb` refuses.
 */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Whether the file starts with the gzip magic bytes 1f 8b. */
async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Imports an uploaded file through the service function the CLI uses for files
 * (`stixImport.importFile`): the upload is copied to a private temporary file named `.json` or
 * `.json.gz` after its content, so gzip and streaming work exactly as for `attribution-graph
 * import`. The temporary folder is removed whatever happens.
 */
async function importUploadedFile(ctx: AppContext, file: UploadedFile, options: ImportOptions): Promise<ImportReport> {
  const dir = await mkdtemp(join(tmpdir(), 'ag-upload-'));
  try {
    const received = join(dir, 'upload');
    await pipeline(chunksOf(file.stream()), createWriteStream(received, { mode: 0o600 }));
    const path = join(dir, (await isGzip(received)) ? 'bundle.json.gz' : 'bundle.json');
    await rename(received, path);
    return await ctx.services.stixImport.importFile(path, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
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
      // Before anything is written to disk.
      requireRole(viewer, 'analyst');
      const file = args.file;
      if (!isUploadedFile(file)) {
        throw new ValidationError(
          'importStixFile: argument "file" must be a file sent as a multipart/form-data part (GraphQL multipart request), not a JSON value.',
          [{ objectId: null, path: 'file', message: 'must be an uploaded file' }],
        );
      }
      return importUploadedFile(ctx, file, {
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
