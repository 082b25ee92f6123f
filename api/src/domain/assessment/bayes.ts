import { inView, type AnalystFilter, type PreparedEvidence } from './case';
import { RATINGS, type AssessmentConfig } from './types';

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
 * Several analysts' ratings of a cell combine by `ratingCombination`: the mean of their
 * log-likelihoods and penalties, or the lowest. A blank cell (nobody rated it) is missing, not neutral: it takes the mean of the item's rated
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
  /** Analysts whose rating of the cell counts. */
  raters: number[];
}

/** Per-rating tables of one configuration (indexed by RATING_INDEX). */
interface Tables {
  log: Float64Array;
  penalty: Float64Array;
}
const TABLES = new WeakMap<AssessmentConfig, Tables>();
const STEP = Float64Array.from(RATINGS.map((r) => STEPS[r]));

function tables(config: AssessmentConfig): Tables {
  let t = TABLES.get(config);
  if (!t) {
    t = {
      log: Float64Array.from(RATINGS.map((r) => Math.log(config.likelihood[r]))),
      penalty: Float64Array.from(RATINGS.map((r) => config.achPenalty[r])),
    };
    TABLES.set(config, t);
  }
  return t;
}

/** The terms of one item for `n` hypotheses, counting the ratings of the analysts `view` admits. */
const NONE: number[] = [];

/**
 * The terms of one item for `n` hypotheses, counting the ratings of the analysts `view` admits.
 * Without `detail`, only what scoring needs (`likelihood`, `cellPenalty`, `spread` and `raters`
 * are left empty): the per-analyst views and lead checks skip those allocations.
 */
export function itemTerms(e: PreparedEvidence, config: AssessmentConfig, n: number, view: AnalystFilter = {}, detail = true): ItemTerms {
  const { log: LOG, penalty: PEN } = tables(config);
  const strictest = config.ratingCombination === 'strictest';
  const r = e.reliability;
  const neutral = (1 - r) * config.likelihood.N;
  const logLik = new Array<number>(n).fill(0);
  const penalty = new Array<number>(n).fill(0);
  const likelihood = detail ? new Array<number>(n).fill(0) : NONE;
  const cellPen = detail ? new Array<number>(n).fill(0) : NONE;
  const spread = detail ? new Array<number>(n).fill(0) : NONE;
  const blank = new Array<boolean>(n).fill(true);
  const raters = detail ? new Array<number>(n).fill(0) : NONE;
  let ratedCount = 0;
  let logSum = 0;
  let penSum = 0;
  let rawLogSum = 0;
  let rawPenSum = 0;
  const length = e.ratingH.length;
  let j = 0;
  while (j < length) {
    const h = e.ratingH[j]!;
    let count = 0;
    let logAcc = 0;
    let penAcc = 0;
    let logMin = Number.POSITIVE_INFINITY;
    let penMin = Number.POSITIVE_INFINITY;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (; j < length && e.ratingH[j] === h; j += 1) {
      if (!inView(view, e.ratingA[j]!)) continue;
      const code = e.ratingR[j]!;
      const l = LOG[code]!;
      const p = PEN[code]!;
      const step = STEP[code]!;
      count += 1;
      logAcc += l;
      penAcc += p;
      if (l < logMin) logMin = l;
      if (p < penMin) penMin = p;
      if (step < lo) lo = step;
      if (step > hi) hi = step;
    }
    if (count === 0) continue;
    const rawLog = strictest ? logMin : logAcc / count;
    const rawPen = strictest ? penMin : penAcc / count;
    blank[h] = false;
    const lik = Math.exp(rawLog);
    if (detail) {
      raters[h] = count;
      likelihood[h] = lik;
      cellPen[h] = rawPen;
      spread[h] = hi - lo;
    }
    logLik[h] = Math.log(r * lik + neutral);
    penalty[h] = r * rawPen;
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
      if (detail) {
        likelihood[h] = Math.exp(rawLogSum / ratedCount);
        cellPen[h] = rawPenSum / ratedCount;
      }
    }
  }
  return { logLik, penalty, rated: ratedCount > 0, blank, raters, likelihood, cellPenalty: cellPen, spread };
}
