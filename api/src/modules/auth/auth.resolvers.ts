/** viewer, apiTokens, createApiToken, revokeApiToken. Roles are checked by the auth service. */
import type { TlpLevel } from '../../../../schema/graph/kinds';
import type { TokenRecord } from '../../services/auth.service';
import type { Role } from '../../services/viewer';
import type { AppContext } from '../context';
import { requireViewer } from './require-viewer';

const apiToken = (t: TokenRecord) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  clearance: t.clearance,
  created: t.created,
  createdBy: t.createdBy,
  revokedAt: t.revokedAt,
});

export const authResolvers = {
  Query: {
    viewer: (_: unknown, __: unknown, ctx: AppContext) => {
      const viewer = requireViewer(ctx);
      return { id: viewer.id, name: viewer.name, role: viewer.role, clearance: viewer.clearance };
    },
    apiTokens: async (_: unknown, args: { includeRevoked?: boolean | null }, ctx: AppContext) => {
      const tokens = await ctx.services.auth.listTokens({
        viewer: requireViewer(ctx),
        includeRevoked: args.includeRevoked === true,
      });
      return tokens.map(apiToken);
    },
  },
  Mutation: {
    createApiToken: async (
      _: unknown,
      args: { input: { name: string; role: Role; clearance: TlpLevel } },
      ctx: AppContext,
    ) => {
      const issued = await ctx.services.auth.createToken(args.input, { viewer: requireViewer(ctx) });
      return { token: issued.token, apiToken: apiToken(issued.record) };
    },
    revokeApiToken: async (_: unknown, args: { id: string }, ctx: AppContext) =>
      apiToken(await ctx.services.auth.revokeToken(args.id, { viewer: requireViewer(ctx) })),
  },
};
