/** Instants are compared as epoch milliseconds; strings are ISO 8601 (a bare date is 00:00 UTC). */

/** Parsed instants, so the same timestamp string (often shared by many ratings) parses once. */
const CACHE = new Map<string, number>();
const CACHE_LIMIT = 100_000;

/** Epoch ms of an ISO 8601 string, or NaN when it does not parse. */
export function toInstant(iso: string): number {
  if (typeof iso !== 'string') return Number.NaN;
  const cached = CACHE.get(iso);
  if (cached !== undefined) return cached;
  const value = iso.trim() !== '' ? Date.parse(iso) : Number.NaN;
  if (CACHE.size >= CACHE_LIMIT) CACHE.clear();
  CACHE.set(iso, value);
  return value;
}

/** True when `iso` is absent or not after `asOf` (no `asOf`: everything counts). */
export function knownBy(iso: string | undefined, asOf: number | undefined): boolean {
  return iso === undefined || asOf === undefined || toInstant(iso) <= asOf;
}
