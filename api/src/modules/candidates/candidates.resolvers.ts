/**
 * Candidate actors (schema/graphql/candidates.graphql): check the caller, call the candidate
 * service, shape its records (channels and matches as the SDL's upper-case enum names).
 */
import type { CandidateActorsResult } from './candidates.model';
import { toCandidateActors } from './candidates.model';
import { requireViewer } from '../auth/require-viewer';
import type { AppContext } from '../context';
import type { CandidateActorsNavigatorLayerArgs, MutationCreateCandidateHypothesesArgs, QueryCandidateActorsArgs } from '../../../../schema/graphql/generated/resolvers';

type Ctx = Pick<AppContext, 'services' | 'viewer'>;

export const candidatesResolvers = {
  Query: {
    candidateActors: async (_: unknown, args: QueryCandidateActorsArgs, ctx: Ctx) => {
      const viewer = requireViewer(ctx);
      const result = await ctx.services.candidates.rank(args.incidentId, viewer, { first: args.first ?? null, asOf: args.asOf ?? null });
      return toCandidateActors(result);
    },
  },
  CandidateActors: {
    navigatorLayer: (parent: CandidateActorsResult, args: CandidateActorsNavigatorLayerArgs, ctx: Ctx) =>
      ctx.services.candidates.layerOf(parent.result, args.actorId ?? null),
  },
  Mutation: {
    createCandidateHypotheses: (_: unknown, args: MutationCreateCandidateHypothesesArgs, ctx: Ctx) =>
      ctx.services.candidates.createHypotheses({ incidentId: args.incidentId, actorIds: args.actorIds, asOf: args.asOf ?? null }, requireViewer(ctx)),
  },
};
