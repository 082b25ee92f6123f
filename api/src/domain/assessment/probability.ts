/** Small numeric helpers shared by the Bayesian view and the pooling of judgements. */
import type { RatingCombination } from './types';

/**
 * Makes a coherent distribution from partial, possibly incoherent probabilities (aligned by
 * index; `undefined` = not given): clamp given values to [0, 1]; give the missing entries an
 * equal share of whatever mass the given ones leave (none if they already reach 1); normalise
 * to sum 1. If everything is 0, the result is uniform. Callers floor the result (`applyFloor`).
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

/**
 * Raises every entry of a distribution (summing to 1) to at least `floor`, taking the mass from
 * the others in proportion to their size, so the result still sums to 1 and keeps their order.
 * With n·floor >= 1 the result is uniform.
 */
export function applyFloor(values: readonly number[], floor: number): number[] {
  const n = values.length;
  if (n === 0) return [];
  if (n * floor >= 1) return values.map(() => 1 / n);
  const fixed = new Array<boolean>(n).fill(false);
  for (let round = 0; round < n; round += 1) {
    let freeMass = 0;
    let fixedCount = 0;
    for (let i = 0; i < n; i += 1) {
      if (fixed[i]) fixedCount += 1;
      else freeMass += values[i]!;
    }
    const scale = freeMass > 0 ? (1 - fixedCount * floor) / freeMass : 0;
    let changed = false;
    for (let i = 0; i < n; i += 1) {
      if (!fixed[i] && values[i]! * scale < floor) {
        fixed[i] = true;
        changed = true;
      }
    }
    if (!changed) return values.map((v, i) => (fixed[i] ? floor : v * scale));
  }
  return values.map(() => 1 / n);
}

/**
 * Euclidean projection of `values` onto { p : p_i >= 0, Σ p_i = total } (Duchi et al. 2008,
 * "Efficient projections onto the l1-ball"): the least-squares coherent probabilities
 * (Karvetski et al. 2013, coherentisation by minimal squared change).
 */
export function projectOntoSimplex(values: readonly number[], total = 1): number[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => b - a);
  let cumulative = 0;
  let theta = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    cumulative += sorted[i]!;
    const candidate = (cumulative - total) / (i + 1);
    if (sorted[i]! - candidate > 0) theta = candidate;
  }
  return values.map((v) => Math.max(0, v - theta));
}

/** Probabilities from unnormalised log-weights (softmax); -Infinity entries get 0. */
export function normaliseLog(logWeights: readonly number[]): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of logWeights) if (x > max) max = x;
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

/** Jensen–Shannon divergence of two distributions, base 2 (0 … 1). */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  const kl = (a: readonly number[], m: readonly number[]) =>
    sum(a.map((x, i) => (x > 0 ? x * Math.log2(x / (m[i] ?? 1)) : 0)));
  const m = p.map((x, i) => (x + (q[i] ?? 0)) / 2);
  return Math.max(0, Math.min(1, (kl(p, m) + kl(q, m)) / 2));
}

/** Code-unit string order: locale-independent, so results do not depend on the host. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
