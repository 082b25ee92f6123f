import { estimativeLabel, stixConfidence } from './labels';
import { rankDescending } from './engine';
import { coherentiseValues, compareIds, mean, normaliseLog, sum } from './probability';
import { knownBy, toInstant } from './time';
import type {
  AnalystJudgement,
  AssessmentConfig,
  DisagreementEntry,
  PooledResult,
  PoolingRule,
  ProbabilityEntry,
} from './types';

/** One analyst's coherent distribution, aligned with a sorted list of hypothesis ids. */
export interface AnalystDistribution {
  analyst: string;
  probabilities: number[];
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
 * Each analyst's latest judgement per hypothesis known at `asOf` (undated judgements always
 * count and lose to dated ones), coherentised; analysts sorted by name.
 */
export function analystDistributions(
  judgements: readonly AnalystJudgement[],
  hypothesisIds: readonly string[],
  asOf?: number,
): AnalystDistribution[] {
  const at = (j: AnalystJudgement) => (j.at === undefined ? Number.NEGATIVE_INFINITY : toInstant(j.at));
  const latest = new Map<string, Map<string, AnalystJudgement>>();
  for (const j of judgements) {
    if (!knownBy(j.at, asOf)) continue;
    const own = latest.get(j.analyst) ?? new Map<string, AnalystJudgement>();
    const current = own.get(j.hypothesisId);
    if (!current || at(j) > at(current)) own.set(j.hypothesisId, j);
    latest.set(j.analyst, own);
  }
  return [...latest.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([analyst, own]) => {
      const given = Object.fromEntries([...own.values()].map((j) => [j.hypothesisId, j.probability]));
      return { analyst, probabilities: coherentise(hypothesisIds, given).map((e) => e.probability) };
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

/** Pooled view of the analysts' distributions, ordered by rank; null without any analyst. */
export function pooledResult(
  hypothesisIds: readonly string[],
  analysts: readonly AnalystDistribution[],
  config: AssessmentConfig,
): PooledResult | null {
  if (analysts.length === 0) return null;
  const pooled = poolDistributions(config.pooling, analysts.map((a) => a.probabilities), config.logPoolFloor);
  const ranks = rankDescending(pooled);
  const hypotheses = hypothesisIds
    .map((hypothesisId, i) => {
      const probability = pooled[i] ?? 0;
      return {
        hypothesisId,
        probability,
        rank: ranks[i] ?? 0,
        label: estimativeLabel(probability, config),
        confidence: stixConfidence(probability),
      };
    })
    .sort((a, b) => a.rank - b.rank);
  return { rule: config.pooling, analysts: analysts.map((a) => a.analyst), hypotheses };
}

/**
 * Per hypothesis, how far the analysts' coherentised probabilities are apart: spread
 * (max − min) and population standard deviation, biggest spread first (then std-dev, then
 * id). Empty with fewer than two analysts.
 */
export function disagreementReport(
  hypothesisIds: readonly string[],
  analysts: readonly AnalystDistribution[],
): DisagreementEntry[] {
  if (analysts.length < 2) return [];
  return hypothesisIds
    .map((hypothesisId, h) => disagreementFor(hypothesisId, analysts, h))
    .sort((a, b) => b.spread - a.spread || b.stdDev - a.stdDev || compareIds(a.hypothesisId, b.hypothesisId));
}

function disagreementFor(hypothesisId: string, analysts: readonly AnalystDistribution[], h: number): DisagreementEntry {
  const values = analysts.map((a) => ({ analyst: a.analyst, probability: a.probabilities[h] ?? 0 }));
  // Analysts are sorted by name, so on equal probabilities the first name is reported.
  const lowest = values.reduce((lo, v) => (v.probability < lo.probability ? v : lo));
  const highest = values.reduce((hi, v) => (v.probability > hi.probability ? v : hi));
  const average = mean(values.map((v) => v.probability));
  const variance = sum(values.map((v) => (v.probability - average) ** 2)) / values.length;
  return { hypothesisId, spread: highest.probability - lowest.probability, stdDev: Math.sqrt(variance), lowest, highest };
}
