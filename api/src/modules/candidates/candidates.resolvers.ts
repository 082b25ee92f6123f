/**
 * Candidate actors (schema/graphql/candidates.graphql): check the caller, call the candidate
 * service, shape its records (channels and matches as the SDL's upper-case enum names).
 */
import type { CandidateActorsResult } from './candidates.model';
import { toCandidateActors } from './candidates.model';
import { requireViewer } from '../auth/require-viewer';
import type { AppContext } from '../context';

type Ctx = Pick<AppContext, 'services' | 'viewer'>;

export const candidatesResolvers = {
  Query: {
    candidateActors: async (_: unknown, args: { incidentId: string; first?: number | null; asOf?: string | null }, ctx: Ctx) => {
      const viewer = requireViewer(ctx);
      const result = await ctx.services.candidates.rank(args.incidentId, viewer, { first: args.first ?? null, asOf: args.asOf ?? null });
      return toCandidateActors(result);
    },
  },
  CandidateActors: {
    navigatorLayer: (parent: CandidateActorsResult, args: { actorId?: string | null }, ctx: Ctx) =>
      ctx.services.candidates.layerOf(parent.result, args.actorId ?? null),
  },
  Mutation: {
    createCandidateHypotheses: (_: unknown, args: { incidentId: string; actorIds: string[]; asOf?: string | null }, ctx: Ctx) =>
      ctx.services.candidates.createHypotheses({ incidentId: args.incidentId, actorIds: args.actorIds, asOf: args.asOf ?? null }, requireViewer(ctx)),
  },
};
