/** Small numeric helpers shared by the Bayesian view and the pooling of judgements. */
import type { RatingCombination } from './types';

/**
 * Makes a coherent distribution from partial, possibly incoherent probabilities (aligned by
 * index; `undefined` = not given): clamp given values to [0, 1]; give the missing entries an
 * equal share of whatever mass the given ones leave (none if they already reach 1); normalise
 * to sum 1. If everything is 0, the result is uniform.
 */
export function coherentiseValues(values: ReadonlyArray<number | undefined>): number[] {
  if (values.length === 0) return [];
  const clamped = values.map((v) => (v === undefined ? undefined : Math.min(1, Math.max(0, v))));
  const given = sum(clamped.map((v) => v ?? 0));
  const missing = clamped.filter((v) => v === undefined).length;
  const share = missing > 0 ? Math.max(0, 1 - given) / missing : 0;
  const filled = clamped.map((v) => v ?? share);
  const total = sum(filled);
  if (total === 0) return filled.map(() => 1 / filled.length);
  return filled.map((v) => v / total);
}

/** Probabilities from unnormalised log-weights (softmax); -Infinity entries get 0. */
export function normaliseLog(logWeights: readonly number[]): number[] {
  const max = Math.max(...logWeights);
  if (!Number.isFinite(max)) return logWeights.map(() => 1 / logWeights.length);
  const weights = logWeights.map((x) => Math.exp(x - max));
  const total = sum(weights);
  return weights.map((w) => w / total);
}

/** Left-to-right sum (callers pass values in a canonical order, so results are reproducible). */
export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : sum(values) / values.length;
}

/**
 * One cell's values (analysts' log-likelihoods or penalties, in canonical order) as one number:
 * their mean, or with `strictest` the lowest (the most inconsistent reading counts).
 */
export function combineCell(values: readonly number[], rule: RatingCombination): number {
  return rule === 'strictest' ? Math.min(...values) : mean(values);
}

/** Code-unit string order: locale-independent, so results do not depend on the host. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
