/**
 * Priors as analysts set them in the Hypotheses view. The server takes a prior per hypothesis
 * (0–1) or none ("an equal share of what the other priors leave"); nothing forces them to sum
 * to 1, so the view shows the sum and offers to rebalance them on request.
 */

export interface PriorRow {
  id: string;
  prior: number | null;
}

const DIGITS = 4;

function round(value: number): number {
  return Math.round(value * 10 ** DIGITS) / 10 ** DIGITS;
}

/** Sum of the explicit priors. */
export function priorSum(rows: readonly PriorRow[]): number {
  return rows.reduce((sum, r) => sum + (r.prior ?? 0), 0);
}

/** True when every hypothesis has a prior and they sum to 1 (within rounding). */
export function priorsBalanced(rows: readonly PriorRow[]): boolean {
  return rows.length > 0 && rows.every((r) => r.prior !== null) && Math.abs(priorSum(rows) - 1) < 0.0005;
}

/**
 * Priors summing to `total` (default 1), keeping the analysts' proportions: a hypothesis without
 * a prior counts as the mean of the explicit ones (all equal when none has one; equal shares when
 * the explicit ones are all 0). Rounded to 4 decimals, the rounding remainder going to the
 * largest, so the result sums to `total` exactly at that precision.
 */
export function rebalance(rows: readonly PriorRow[], total = 1): Record<string, number> {
  if (rows.length === 0) return {};
  const explicit = rows.filter((r) => r.prior !== null).map((r) => r.prior!);
  const mean = explicit.length ? explicit.reduce((a, b) => a + b, 0) / explicit.length : 1;
  let raw = rows.map((r) => r.prior ?? mean);
  let sum = raw.reduce((a, b) => a + b, 0);
  if (sum <= 0) {
    raw = rows.map(() => 1);
    sum = rows.length;
  }
  const out = rows.map((r, i) => ({ id: r.id, p: round((raw[i]! / sum) * total) }));
  const drift = round(total - out.reduce((a, b) => a + b.p, 0));
  if (drift !== 0) {
    const largest = out.reduce((a, b) => (b.p > a.p ? b : a));
    largest.p = round(largest.p + drift);
  }
  return Object.fromEntries(out.map((o) => [o.id, o.p]));
}
