/** exportStixPage: everything a viewer may see, one bounded page at a time (issue 14 #8). */
import { requireViewer } from '../auth/require-viewer';
import type { AppContext } from '../context';
import type { QueryExportStixPageArgs } from '../../../../schema/graphql/generated/resolvers';

export const exportResolvers = {
  Query: {
    exportStixPage: (_: unknown, args: QueryExportStixPageArgs, ctx: AppContext) =>
      ctx.services.stixExport.exportPage({ viewer: requireViewer(ctx), after: args.after ?? null, first: args.first ?? null }),
  },
};
