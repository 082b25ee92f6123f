/** Instants are compared as epoch milliseconds; strings are ISO 8601 (a bare date is 00:00 UTC). */

/** Epoch ms of an ISO 8601 string, or NaN when it does not parse. */
export function toInstant(iso: string): number {
  return typeof iso === 'string' && iso.trim() !== '' ? Date.parse(iso) : Number.NaN;
}

/** True when `iso` is absent or not after `asOf` (no `asOf`: everything counts). */
export function knownBy(iso: string | undefined, asOf: number | undefined): boolean {
  return iso === undefined || asOf === undefined || toInstant(iso) <= asOf;
}
