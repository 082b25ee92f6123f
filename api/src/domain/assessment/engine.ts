import { achScores, cellPenalty } from './ach';
import { posteriors, ratingSpread } from './bayes';
import type { PreparedCase, PreparedEvidence } from './case';
import { admiraltyCredibilityName, estimativeLabel, stixConfidence, stixConfidenceLevel } from './labels';
import type { AssessmentConfig, AssessmentMethod, EvidenceResult, HypothesisResult } from './types';

/** Scores of one prepared case, aligned with `c.hypotheses`. */
export interface Evaluation {
  scores: number[] | null;
  posteriors: number[] | null;
  achRanks: number[] | null;
  ranks: number[];
  /** Id of the rank-1 hypothesis; null when there is none. */
  leader: string | null;
}

export function evaluate(c: PreparedCase, config: AssessmentConfig, method: AssessmentMethod): Evaluation {
  const scores = method === 'BAYES' ? null : achScores(c, config);
  const probabilities = method === 'ACH' ? null : posteriors(c, config);
  const achRanks = scores && rankDescending(scores);
  const ranks = probabilities ? rankDescending(probabilities) : (achRanks ?? []);
  const leaderIndex = ranks.indexOf(1);
  return { scores, posteriors: probabilities, achRanks, ranks, leader: c.hypotheses[leaderIndex]?.id ?? null };
}

/**
 * Rank 1 for the largest value. Hypotheses are sorted by id, so ties (exactly equal values)
 * go to the smaller id: the sort is stable on index order.
 */
export function rankDescending(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0));
  const ranks = new Array<number>(values.length).fill(0);
  order.forEach((index, position) => {
    ranks[index] = position + 1;
  });
  return ranks;
}

/** Hypothesis results ordered by rank. */
export function hypothesisResults(c: PreparedCase, ev: Evaluation, config: AssessmentConfig): HypothesisResult[] {
  const results = c.hypotheses.map((h, i): HypothesisResult => {
    const posterior = ev.posteriors?.[i] ?? null;
    const confidence = posterior === null ? null : stixConfidence(posterior);
    return {
      hypothesisId: h.id,
      name: h.name,
      status: h.status,
      score: ev.scores?.[i] ?? null,
      achRank: ev.achRanks?.[i] ?? null,
      posterior,
      rank: ev.ranks[i] ?? 0,
      label: posterior === null ? null : estimativeLabel(posterior, config),
      confidence,
      confidenceLevel: confidence === null ? null : stixConfidenceLevel(confidence, config),
      admiraltyCredibility: confidence === null ? null : admiraltyCredibilityName(confidence, config),
    };
  });
  return results.sort((a, b) => a.rank - b.rank);
}

/**
 * Diagnosticity of one item: effective weight × spread of its combined log-likelihoods.
 * Non-diagnostic: neither its likelihoods nor its ACH penalties differ between hypotheses.
 */
export function evidenceResult(e: PreparedEvidence, config: AssessmentConfig): EvidenceResult {
  const spread = ratingSpread(e, config);
  const penalties = e.cells.map((cell) => cellPenalty(cell, config));
  const penaltySpread = penalties.length === 0 ? 0 : Math.max(...penalties) - Math.min(...penalties);
  return {
    evidenceId: e.id,
    effectiveWeight: e.weight,
    diagnosticity: e.weight * spread,
    nonDiagnostic: spread <= config.epsilon && penaltySpread <= config.epsilon,
  };
}
