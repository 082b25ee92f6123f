import type { CellRating, PreparedEvidence } from './case';
import { combineCell } from './probability';
import type { AssessmentConfig } from './types';

/** Rating steps used for the spread of a cell's ratings (II −2 … CC +2). */
const STEPS = { CC: 2, C: 1, N: 0, I: -1, II: -2 } as const;

/**
 * What one evidence item says about each hypothesis (aligned with the case's hypotheses):
 *  - `logLik[h]`: log P(report | h) under the reliability mixture
 *        P(report | h) = r · L(e | h) + (1 − r) · L(N),
 *    where L(e | h) combines the analysts' likelihoods of the cell (mean of logs, or the lowest)
 *    and r is the item's reliability. A source of reliability r moves the odds at most by
 *    (r·L_max + (1 − r)·L(N)) / (r·L_min + (1 − r)·L(N)).
 *  - `penalty[h]`: r × the combined ACH penalty of the cell.
 * A blank cell (nobody rated it) is missing, not neutral: it takes the mean of the item's rated
 * cells (of `logLik` and of `penalty`), so the item moves an unrated hypothesis exactly as much
 * as the average rated one. An item nobody rated is all zeros and `rated` is false.
 */
export interface ItemTerms {
  logLik: number[];
  penalty: number[];
  rated: boolean;
  blank: boolean[];
  /** Combined likelihood per cell before the mixture (blank: geometric mean of the rated ones). */
  likelihood: number[];
  /** Combined penalty per cell before reliability (blank: mean of the rated ones). */
  cellPenalty: number[];
  /** Rating steps max − min among the cell's raters. */
  spread: number[];
}

export function itemTerms(e: PreparedEvidence, config: AssessmentConfig): ItemTerms {
  const n = e.cells.length;
  const r = e.reliability;
  const neutral = (1 - r) * config.likelihood.N;
  const logLik = new Array<number>(n).fill(0);
  const penalty = new Array<number>(n).fill(0);
  const likelihood = new Array<number>(n).fill(0);
  const cellPen = new Array<number>(n).fill(0);
  const spread = new Array<number>(n).fill(0);
  const blank = new Array<boolean>(n).fill(true);
  let ratedCount = 0;
  let logSum = 0;
  let penSum = 0;
  let rawLogSum = 0;
  let rawPenSum = 0;
  for (let h = 0; h < n; h += 1) {
    const cell = e.cells[h]!;
    if (cell.length === 0) continue;
    blank[h] = false;
    const rawLog = cellLogLikelihood(cell, config);
    const rawPen = cellPenalty(cell, config);
    likelihood[h] = Math.exp(rawLog);
    cellPen[h] = rawPen;
    logLik[h] = Math.log(r * likelihood[h]! + neutral);
    penalty[h] = r * rawPen;
    spread[h] = cellSpread(cell);
    ratedCount += 1;
    logSum += logLik[h]!;
    penSum += penalty[h]!;
    rawLogSum += rawLog;
    rawPenSum += rawPen;
  }
  if (ratedCount > 0 && ratedCount < n) {
    for (let h = 0; h < n; h += 1) {
      if (!blank[h]) continue;
      logLik[h] = logSum / ratedCount;
      penalty[h] = penSum / ratedCount;
      likelihood[h] = Math.exp(rawLogSum / ratedCount);
      cellPen[h] = rawPenSum / ratedCount;
    }
  }
  return { logLik, penalty, rated: ratedCount > 0, blank, likelihood, cellPenalty: cellPen, spread };
}

/** Log-likelihood of one rated cell: its analysts' log-likelihoods combined by `ratingCombination`. */
export function cellLogLikelihood(cell: readonly CellRating[], config: AssessmentConfig): number {
  return combineCell(cell.map((r) => Math.log(config.likelihood[r.rating])), config.ratingCombination);
}

/** ACH penalty of one rated cell: its analysts' penalties combined by `ratingCombination`. */
export function cellPenalty(cell: readonly CellRating[], config: AssessmentConfig): number {
  return combineCell(cell.map((r) => config.achPenalty[r.rating]), config.ratingCombination);
}

function cellSpread(cell: readonly CellRating[]): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const r of cell) {
    const v = STEPS[r.rating];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo;
}
