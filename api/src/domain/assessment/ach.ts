import type { PreparedCase } from './case';
import { combineCell, sum } from './probability';
import type { AssessmentConfig, Rating } from './types';

/**
 * Heuer's ACH score per hypothesis (aligned with `c.hypotheses`): the sum over evidence of
 * effective weight × penalty of the rating. With the default penalties only inconsistency
 * counts (I = -1, II = -2; CC, C, N = 0), so the score is <= 0 and the hypothesis closest to 0
 * is the least refuted. Several analysts' ratings of one cell are averaged.
 */
export function achScores(c: PreparedCase, config: AssessmentConfig): number[] {
  return c.hypotheses.map((_, h) => sum(c.evidence.map((e) => e.weight * cellPenalty(e.cells[h] ?? [], config))));
}

/**
 * Penalty of one cell: its analysts' penalties combined by `config.ratingCombination` (mean, or
 * the lowest); the missing-rating penalty when nobody rated it.
 */
export function cellPenalty(cell: readonly Rating[], config: AssessmentConfig): number {
  const ratings = cell.length > 0 ? cell : [config.missingRating];
  return combineCell(ratings.map((r) => config.achPenalty[r]), config.ratingCombination);
}
