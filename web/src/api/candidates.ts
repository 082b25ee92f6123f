/** Candidate-actor operations of the web explorer (schema/graphql/candidates.graphql). */
import { operation } from './client';
import type {
  WebCandidateActorsQuery, WebCandidateActorsQueryVariables, WebCandidateLayerQuery, WebCandidateLayerQueryVariables,
  WebCreateCandidateHypothesesMutation, WebCreateCandidateHypothesesMutationVariables,
} from './generated/operations';

export type { CandidateChannel } from './generated/operations';

export type CandidateActorsData = WebCandidateActorsQuery['candidateActors'];
export type CandidateRow = CandidateActorsData['candidates'][number];

export const CANDIDATE_ACTORS = operation<WebCandidateActorsQuery, WebCandidateActorsQueryVariables>(
  'WebCandidateActors',
  `query WebCandidateActors($incidentId: ID!, $first: Int) {
    candidateActors(incidentId: $incidentId, first: $first) {
      incidentId unknownProbability standsOut explanation actorsConsidered
      candidates {
        actor { id type name } rank score probability carriedBy
        shared { object { id name externalId } channel weight match actorsWithItem }
        missing { object { id name externalId } weight }
      }
    }
  }`,
);

export const CANDIDATE_LAYER = operation<WebCandidateLayerQuery, WebCandidateLayerQueryVariables>(
  'WebCandidateLayer',
  `query WebCandidateLayer($incidentId: ID!, $actorId: ID) {
    candidateActors(incidentId: $incidentId, first: 1) { navigatorLayer(actorId: $actorId) }
  }`,
);

export const CREATE_CANDIDATE_HYPOTHESES = operation<WebCreateCandidateHypothesesMutation, WebCreateCandidateHypothesesMutationVariables>(
  'WebCreateCandidateHypotheses',
  `mutation WebCreateCandidateHypotheses($incidentId: ID!, $actorIds: [ID!]!) {
    createCandidateHypotheses(incidentId: $incidentId, actorIds: $actorIds) { hypotheses { id name } }
  }`,
);
