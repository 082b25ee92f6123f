/** Candidate-actor operations of the web explorer (schema/graphql/candidates.graphql). */
import { operation } from './client';

export type CandidateChannel = 'TECHNIQUE' | 'SOFTWARE' | 'INFRASTRUCTURE' | 'VICTIMOLOGY' | 'TIME';

export interface CandidateRow {
  actor: { id: string; type: string; name: string };
  rank: number;
  score: number;
  probability: number;
  carriedBy: CandidateChannel | null;
  shared: { object: { id: string; name: string | null; externalId: string | null }; channel: CandidateChannel; weight: number; match: 'EXACT' | 'FAMILY'; actorsWithItem: number }[];
  missing: { object: { id: string; name: string | null; externalId: string | null }; weight: number }[];
}

export interface CandidateActorsData {
  incidentId: string;
  unknownProbability: number;
  standsOut: boolean;
  explanation: string[];
  actorsConsidered: number;
  candidates: CandidateRow[];
}

export const CANDIDATE_ACTORS = operation<{ candidateActors: CandidateActorsData }, { incidentId: string; first?: number }>(
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

export const CANDIDATE_LAYER = operation<{ candidateActors: { navigatorLayer: unknown } }, { incidentId: string; actorId?: string | null }>(
  'WebCandidateLayer',
  `query WebCandidateLayer($incidentId: ID!, $actorId: ID) {
    candidateActors(incidentId: $incidentId, first: 1) { navigatorLayer(actorId: $actorId) }
  }`,
);

export const CREATE_CANDIDATE_HYPOTHESES = operation<{ createCandidateHypotheses: { hypotheses: { id: string; name: string }[] } }, { incidentId: string; actorIds: string[] }>(
  'WebCreateCandidateHypotheses',
  `mutation WebCreateCandidateHypotheses($incidentId: ID!, $actorIds: [ID!]!) {
    createCandidateHypotheses(incidentId: $incidentId, actorIds: $actorIds) { hypotheses { id name } }
  }`,
);
