import type { PreparedCase, PreparedEvidence } from './case';
import { combineCell, normaliseLog, sum } from './probability';
import type { AssessmentConfig, Rating } from './types';

/**
 * Posterior per hypothesis (aligned with `c.hypotheses`), summing to 1:
 *   log P(h | E) = log prior(h) + Σ_e w_e · ℓ(e, h) + const,
 * where w_e is the evidence's effective weight (a tempering exponent on its likelihood) and
 * ℓ(e, h) the mean over analysts of log likelihood[rating] (a geometric mean of likelihoods).
 */
export function posteriors(c: PreparedCase, config: AssessmentConfig): number[] {
  const logWeights = c.hypotheses.map((_, h) => {
    const evidenceTerm = sum(c.evidence.map((e) => e.weight * cellLogLikelihood(e.cells[h] ?? [], config)));
    return Math.log(c.priors[h] ?? 0) + evidenceTerm;
  });
  return normaliseLog(logWeights);
}

/**
 * Log-likelihood of one cell: its analysts' log-likelihoods combined by
 * `config.ratingCombination` (mean, or the lowest); the missing rating's when nobody rated it.
 */
export function cellLogLikelihood(cell: readonly Rating[], config: AssessmentConfig): number {
  const ratings = cell.length > 0 ? cell : [config.missingRating];
  return combineCell(ratings.map((r) => Math.log(config.likelihood[r])), config.ratingCombination);
}

/**
 * How far one evidence item can move the odds between its best- and worst-supported
 * hypotheses: (max − min over hypotheses of ℓ(e, h)); multiply by the weight for the
 * contribution actually made.
 */
export function ratingSpread(e: PreparedEvidence, config: AssessmentConfig): number {
  if (e.cells.length === 0) return 0;
  const logs = e.cells.map((cell) => cellLogLikelihood(cell, config));
  return Math.max(...logs) - Math.min(...logs);
}
