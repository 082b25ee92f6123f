import type { AppContext } from '../context';

export const VERSION = '0.1.0';

export const systemResolvers = {
  Query: {
    system: async (_: unknown, __: unknown, ctx: AppContext) => {
      let graphAvailable = true;
      try {
        await ctx.services.graph.verify();
      } catch {
        graphAvailable = false;
      }
      return { version: VERSION, graphAvailable, database: ctx.services.graph.database };
    },
  },
  Mutation: {
    _noop: () => true,
  },
};
