/** importStixBundle and exportStixBundle: check arguments, call the STIX services, shape output. */
import { UnauthenticatedError } from '../../errors';
import type { ConflictPolicy } from '../../services/stix-import.service';
import type { Viewer } from '../../services/viewer';
import type { AppContext } from '../context';
import type { ImportProgressEvent } from '../../services/events';
import { UNKNOWN_MARKING_RANK } from '../../../../schema/graph/kinds';

const POLICIES: Record<string, ConflictPolicy> = {
  REJECT: 'reject',
  KEEP_FIRST: 'keep-first',
  KEEP_LAST: 'keep-last',
};

function viewerOf(ctx: AppContext): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError('Sign in with an API token to use STIX import and export.');
  return ctx.viewer;
}

export const stixResolvers = {
  Mutation: {
    importStixBundle: async (
      _: unknown,
      args: { bundle: unknown; onConflict?: string | null },
      ctx: AppContext,
    ) => {
      const viewer = viewerOf(ctx);
      // Progress goes to the importProgress subscription of this viewer (and admins). The TLP of
      // the input is unknown while it is read, so events count as RED for clearance purposes.
      const announce = (importId: string, phase: ImportProgressEvent['phase'], done: number, total: number | null) =>
        ctx.services.events.publish('importProgress', {
          importId,
          viewerId: viewer.id,
          tlpRank: UNKNOWN_MARKING_RANK,
          phase,
          done,
          total,
          at: new Date().toISOString(),
        });
      const report = await ctx.services.stixImport.importBundle(args.bundle, {
        viewer,
        onConflict: POLICIES[args.onConflict ?? 'REJECT'] ?? 'reject',
        source: 'graphql',
        onProgress: (p) => announce(p.importId, p.phase, p.done, p.total),
      });
      announce(report.importId, report.errors.length > 0 ? 'failed' : 'done', report.objects, report.objects);
      return report;
    },
  },
  Query: {
    exportStixBundle: async (
      _: unknown,
      args: { ids?: string[] | null; depth?: number | null; incidentId?: string | null },
      ctx: AppContext,
    ) => {
      const viewer = viewerOf(ctx);
      return ctx.services.stixExport.exportBundle({
        ids: args.ids ?? null,
        depth: args.depth ?? null,
        incidentId: args.incidentId ?? null,
        viewer,
      });
    },
  },
};
