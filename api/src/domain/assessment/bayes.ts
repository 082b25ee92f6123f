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
  logLik: Float64Array;
  penalty: Float64Array;
  rated: boolean;
  /** 1 where the cell is blank. */
  blank: Uint8Array;
  /** Combined likelihood per cell before the mixture (blank: geometric mean of the rated ones). */
  likelihood: Float64Array;
  /** Combined penalty per cell before reliability (blank: mean of the rated ones). */
  cellPenalty: Float64Array;
  /** Rating steps max − min among the cell's raters. */
  spread: Float64Array;
  /** Analysts whose rating of the cell counts. */
  raters: Float64Array;
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
const NONE = new Float64Array(0);

/**
 * The terms of one item for `n` hypotheses, counting the ratings of the analysts `view` admits.
 * Without `detail`, only what scoring needs (`likelihood`, `cellPenalty`, `spread` and `raters`
 * are left empty): the per-analyst views and lead checks skip those allocations.
 */
export function itemTerms(e: PreparedEvidence, config: AssessmentConfig, n: number, view: AnalystFilter = {}, detail = true): ItemTerms {
  const { log: LOG, penalty: PEN } = tables(config);
  const strictest = config.ratingCombination === 'strictest';
  const t = new TermsBuilder(n, e.reliability, config.likelihood.N, detail);
  if (view.only !== undefined) {
    // One analyst: at most one rating per cell, read from the per-analyst index.
    const a = view.only;
    const from = a >= 0 && a + 1 < e.analystStart.length ? e.analystStart[a]! : 0;
    const to = a >= 0 && a + 1 < e.analystStart.length ? e.analystStart[a + 1]! : 0;
    for (let k = from; k < to; k += 1) {
      const j = e.byAnalyst[k]!;
      const code = e.ratingR[j]!;
      t.record(e.ratingH[j]!, 1, LOG[code]!, PEN[code]!, 0);
    }
  } else {
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
      t.record(h, count, strictest ? logMin : logAcc / count, strictest ? penMin : penAcc / count, hi - lo);
    }
  }
  return t.finish();
}

/** Accumulates one item's cells; `finish` fills the blanks with the mean of the rated cells. */
class TermsBuilder {
  readonly logLik: Float64Array;
  readonly penalty: Float64Array;
  readonly likelihood: Float64Array;
  readonly cellPen: Float64Array;
  readonly spread: Float64Array;
  readonly raters: Float64Array;
  readonly blank: Uint8Array;
  private ratedCount = 0;
  private logSum = 0;
  private penSum = 0;
  private rawLogSum = 0;
  private rawPenSum = 0;
  private readonly neutral: number;

  constructor(
    private readonly n: number,
    private readonly r: number,
    neutralLikelihood: number,
    private readonly detail: boolean,
  ) {
    this.neutral = (1 - r) * neutralLikelihood;
    this.logLik = new Float64Array(n);
    this.penalty = new Float64Array(n);
    this.blank = new Uint8Array(n).fill(1);
    this.likelihood = detail ? new Float64Array(n) : NONE;
    this.cellPen = detail ? new Float64Array(n) : NONE;
    this.spread = detail ? new Float64Array(n) : NONE;
    this.raters = detail ? new Float64Array(n) : NONE;
  }

  /** One rated cell: its combined log-likelihood and penalty before the mixture. */
  record(h: number, count: number, rawLog: number, rawPen: number, stepSpread: number): void {
    this.blank[h] = 0;
    const lik = Math.exp(rawLog);
    if (this.detail) {
      this.raters[h] = count;
      this.likelihood[h] = lik;
      this.cellPen[h] = rawPen;
      this.spread[h] = stepSpread;
    }
    const logLik = Math.log(this.r * lik + this.neutral);
    const penalty = this.r * rawPen;
    this.logLik[h] = logLik;
    this.penalty[h] = penalty;
    this.ratedCount += 1;
    this.logSum += logLik;
    this.penSum += penalty;
    this.rawLogSum += rawLog;
    this.rawPenSum += rawPen;
  }

  finish(): ItemTerms {
    const k = this.ratedCount;
    if (k > 0 && k < this.n) {
      for (let h = 0; h < this.n; h += 1) {
        if (!this.blank[h]) continue;
        this.logLik[h] = this.logSum / k;
        this.penalty[h] = this.penSum / k;
        if (this.detail) {
          this.likelihood[h] = Math.exp(this.rawLogSum / k);
          this.cellPen[h] = this.rawPenSum / k;
        }
      }
    }
    return {
      logLik: this.logLik,
      penalty: this.penalty,
      rated: k > 0,
      blank: this.blank,
      raters: this.raters,
      likelihood: this.likelihood,
      cellPenalty: this.cellPen,
      spread: this.spread,
    };
  }
}
