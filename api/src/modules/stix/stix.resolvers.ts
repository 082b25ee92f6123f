/** importStixBundle and exportStixBundle: check arguments, call the STIX services, shape output. */
import { UnauthenticatedError } from '../../errors';
import type { ConflictPolicy } from '../../services/stix-import.service';
import type { Viewer } from '../../services/viewer';
import type { AppContext } from '../context';

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
      const report = await ctx.services.stixImport.importBundle(args.bundle, {
        viewer,
        onConflict: POLICIES[args.onConflict ?? 'REJECT'] ?? 'reject',
        source: 'graphql',
      });
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
