/** exportStixPage: everything a viewer may see, one bounded page at a time (issue 14 #8). */
import { requireViewer } from '../auth/require-viewer';
import type { AppContext } from '../context';

export const exportResolvers = {
  Query: {
    exportStixPage: (_: unknown, args: { after?: string | null; first?: number | null }, ctx: AppContext) =>
      ctx.services.stixExport.exportPage({ viewer: requireViewer(ctx), after: args.after ?? null, first: args.first ?? null }),
  },
};
