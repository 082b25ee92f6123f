/** viewer, apiTokens, createApiToken, revokeApiToken. Roles are checked by the auth service. */
import type { MutationCreateApiTokenArgs, MutationRevokeApiTokenArgs, QueryApiTokensArgs } from '../../../../schema/graphql/generated/resolvers';
import type { TokenRecord } from '../../services/auth.service';
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
    apiTokens: async (_: unknown, args: QueryApiTokensArgs, ctx: AppContext) => {
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
      args: MutationCreateApiTokenArgs,
      ctx: AppContext,
    ) => {
      const issued = await ctx.services.auth.createToken(args.input, { viewer: requireViewer(ctx) });
      return { token: issued.token, apiToken: apiToken(issued.record) };
    },
    revokeApiToken: async (_: unknown, args: MutationRevokeApiTokenArgs, ctx: AppContext) =>
      apiToken(await ctx.services.auth.revokeToken(args.id, { viewer: requireViewer(ctx) })),
  },
};
