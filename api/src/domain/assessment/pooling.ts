import { estimativeLabel } from './labels';
import { displayedConfidence, rankDescending } from './engine';
import { applyFloor, coherentiseValues, compareIds, mean, normaliseLog, projectOntoSimplex, sum } from './probability';
import { knownBy, toInstant } from './time';
import type {
  AnalystJudgement,
  AssessmentConfig,
  Coherentisation,
  DisagreementEntry,
  PooledResult,
  PoolingRule,
  ProbabilityEntry,
} from './types';

/** One analyst's judgement made coherent, aligned with a sorted list of hypothesis ids. */
export interface AnalystDistribution {
  analyst: string;
  /**
   * Per hypothesis: the coherent value of what the analyst said, given or implied (the mass their
   * numbers leave, shared over the hypotheses they did not judge); null when they were silent
   * and their numbers leave nothing over: silence is missing, not 0.
   */
  values: Array<number | null>;
  /** A full distribution for display: the missing entries at `judgementFloor`, all floored. */
  probabilities: number[];
  /** Euclidean distance from the given numbers to the nearest coherent ones (least squares). */
  incoherence: number;
}

/**
 * Coherentises one analyst's probabilities over `hypothesisIds`: clamp to [0, 1], spread the
 * mass left over evenly on hypotheses without a judgement, normalise to sum 1 (all zero:
 * uniform). Returns entries in the order of `hypothesisIds`.
 */
export function coherentise(
  hypothesisIds: readonly string[],
  probabilities: Readonly<Record<string, number>>,
): ProbabilityEntry[] {
  const values = coherentiseValues(hypothesisIds.map((id) => probabilities[id]));
  return hypothesisIds.map((hypothesisId, i) => ({ hypothesisId, probability: values[i] ?? 0 }));
}

/**
 * Makes one analyst's partial judgement coherent (docs/assessment.md, "Judgements"):
 *  1. given values are clamped to [0, 1];
 *  2. if they sum to less than 1, the rest is shared over the hypotheses not judged (implied);
 *     otherwise those stay missing and keep `judgementFloor` each in reserve;
 *  3. the present values are brought to the mass they must sum to, proportionally or by
 *     least squares (Euclidean projection onto the simplex, Karvetski et al. 2013).
 */
export function coherentJudgement(
  given: ReadonlyArray<number | undefined>,
  method: Coherentisation,
  floor: number,
): { values: Array<number | null>; probabilities: number[]; incoherence: number } {
  const clamped = given.map((v) => (v === undefined ? undefined : Math.min(1, Math.max(0, v))));
  const total = sum(clamped.map((v) => v ?? 0));
  const missing = clamped.filter((v) => v === undefined).length;
  const implied = missing > 0 && total < 1 ? (1 - total) / missing : null;
  const present = clamped.map((v) => (v === undefined ? implied : v));
  const silent = present.filter((v) => v === null).length;
  const target = 1 - silent * floor;
  const indices = present.flatMap((v, i) => (v === null ? [] : [i]));
  const raw = indices.map((i) => present[i]!);
  const coherent = method === 'least-squares' ? projectOntoSimplex(raw, target) : proportional(raw, target);
  const values: Array<number | null> = present.map(() => null);
  indices.forEach((i, k) => {
    values[i] = coherent[k]!;
  });
  const probabilities = applyFloor(values.map((v) => v ?? floor), floor);
  const nearest = projectOntoSimplex(raw, target);
  const incoherence = Math.sqrt(
    sum(indices.map((i, k) => (given[i] === undefined ? 0 : ((given[i] ?? 0) - nearest[k]!) ** 2))),
  );
  return { values, probabilities, incoherence };
}

function proportional(values: readonly number[], target: number): number[] {
  const total = sum(values);
  if (total === 0) return values.map(() => target / Math.max(1, values.length));
  return values.map((v) => (v / total) * target);
}

/**
 * Each analyst's latest judgement per hypothesis known at `asOf` (undated judgements always
 * count and lose to dated ones), made coherent; analysts sorted by name.
 */
export function analystDistributions(
  judgements: readonly AnalystJudgement[],
  hypothesisIds: readonly string[],
  asOf: number | undefined,
  config: Pick<AssessmentConfig, 'coherentisation' | 'judgementFloor'>,
): AnalystDistribution[] {
  const at = (j: AnalystJudgement) => (j.at === undefined ? Number.NEGATIVE_INFINITY : toInstant(j.at));
  const known = new Set(hypothesisIds);
  const latest = new Map<string, Map<string, AnalystJudgement>>();
  for (const j of judgements) {
    if (!knownBy(j.at, asOf) || !known.has(j.hypothesisId)) continue;
    const own = latest.get(j.analyst) ?? new Map<string, AnalystJudgement>();
    const current = own.get(j.hypothesisId);
    if (!current || at(j) > at(current)) own.set(j.hypothesisId, j);
    latest.set(j.analyst, own);
  }
  return [...latest.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([analyst, own]) => {
      const given = hypothesisIds.map((id) => own.get(id)?.probability);
      return { analyst, ...coherentJudgement(given, config.coherentisation, config.judgementFloor) };
    });
}

/** Equal-weight linear opinion pool: the arithmetic mean of the distributions. */
export function linearPool(distributions: readonly number[][]): number[] {
  const width = distributions[0]?.length ?? 0;
  return Array.from({ length: width }, (_, h) => mean(distributions.map((d) => d[h] ?? 0)));
}

/**
 * Equal-weight logarithmic (geometric) pool: p(h) ∝ Π_a p_a(h)^(1/n), normalised. Each
 * probability is first raised to at least `floor`, so one analyst's 0 is a strong vote
 * against rather than an absolute veto.
 */
export function logarithmicPool(distributions: readonly number[][], floor: number): number[] {
  const width = distributions[0]?.length ?? 0;
  const logs = Array.from({ length: width }, (_, h) =>
    mean(distributions.map((d) => Math.log(Math.max(floor, d[h] ?? 0)))),
  );
  return normaliseLog(logs);
}

export function poolDistributions(rule: PoolingRule, distributions: readonly number[][], floor: number): number[] {
  return rule === 'linear' ? linearPool(distributions) : logarithmicPool(distributions, floor);
}

/**
 * Pools with missing entries: each hypothesis from the analysts who said something about it
 * (mean, or mean of logs); a hypothesis nobody judged gets an equal share of what the pooled
 * values leave (linear) or the floor (logarithmic); then normalised and floored.
 */
function poolWithMissing(analysts: readonly AnalystDistribution[], config: AssessmentConfig): { values: number[]; counts: number[] } {
  const width = analysts[0]?.values.length ?? 0;
  const counts = Array.from({ length: width }, (_, h) => analysts.filter((a) => a.values[h] !== null).length);
  const column = (h: number) => analysts.flatMap((a) => (a.values[h] === null ? [] : [a.values[h]!]));
  let values: number[];
  if (config.pooling === 'linear') {
    const pooled = Array.from({ length: width }, (_, h) => (counts[h]! > 0 ? mean(column(h)) : null));
    const given = sum(pooled.map((v) => v ?? 0));
    const empty = pooled.filter((v) => v === null).length;
    const share = empty > 0 ? Math.max(config.judgementFloor, (1 - given) / empty) : 0;
    const filled = pooled.map((v) => v ?? share);
    const total = sum(filled);
    values = total > 0 ? filled.map((v) => v / total) : filled.map(() => 1 / width);
  } else {
    const logs = Array.from({ length: width }, (_, h) =>
      counts[h]! > 0
        ? mean(column(h).map((v) => Math.log(Math.max(config.logPoolFloor, v))))
        : Math.log(config.judgementFloor),
    );
    values = normaliseLog(logs);
  }
  return { values: applyFloor(values, config.probabilityFloor), counts };
}

/** Pooled view of the analysts' judgements, ordered by rank; null without any analyst. */
export function pooledResult(
  hypothesisIds: readonly string[],
  analysts: readonly AnalystDistribution[],
  config: AssessmentConfig,
): PooledResult | null {
  if (analysts.length === 0) return null;
  const { values, counts } = poolWithMissing(analysts, config);
  const ranks = rankDescending(values);
  const hypotheses = hypothesisIds
    .map((hypothesisId, i) => {
      const probability = values[i] ?? 0;
      return {
        hypothesisId,
        probability,
        rank: ranks[i] ?? 0,
        label: estimativeLabel(probability, config),
        confidence: displayedConfidence(probability),
        analysts: counts[i] ?? 0,
      };
    })
    .sort((a, b) => a.rank - b.rank || compareIds(a.hypothesisId, b.hypothesisId));
  return {
    rule: config.pooling,
    coherentisation: config.coherentisation,
    analysts: analysts.map((a) => a.analyst),
    hypotheses,
  };
}

/**
 * Per hypothesis that at least two analysts said something about, how far their coherent
 * probabilities are apart: spread (max − min) and population standard deviation, biggest spread
 * first (then std-dev, then id). An analyst silent about a hypothesis is not counted for it.
 */
export function disagreementReport(
  hypothesisIds: readonly string[],
  analysts: readonly AnalystDistribution[],
): DisagreementEntry[] {
  return hypothesisIds
    .flatMap((hypothesisId, h) => {
      const values = analysts.flatMap((a) => (a.values[h] === null ? [] : [{ analyst: a.analyst, probability: a.values[h]! }]));
      return values.length < 2 ? [] : [disagreementFor(hypothesisId, values)];
    })
    .sort((a, b) => b.spread - a.spread || b.stdDev - a.stdDev || compareIds(a.hypothesisId, b.hypothesisId));
}

function disagreementFor(hypothesisId: string, values: Array<{ analyst: string; probability: number }>): DisagreementEntry {
  // Analysts are sorted by name, so on equal probabilities the first name is reported.
  const lowest = values.reduce((lo, v) => (v.probability < lo.probability ? v : lo));
  const highest = values.reduce((hi, v) => (v.probability > hi.probability ? v : hi));
  const average = mean(values.map((v) => v.probability));
  const variance = sum(values.map((v) => (v.probability - average) ** 2)) / values.length;
  return { hypothesisId, spread: highest.probability - lowest.probability, stdDev: Math.sqrt(variance), lowest, highest };
}
