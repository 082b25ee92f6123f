/**
 * Narrowing helpers for parsed JSON (and values of the same shape read back from the graph).
 *
 * Each helper reads a value defensively: the wrong type gives `null` (or an empty list), never an
 * exception. Where two call sites need different semantics, each has its own name (`num` keeps
 * any number, `finiteNum` drops NaN and ±Infinity). This module imports nothing and stays
 * browser-safe.
 */

/**
 * A plain object (not null, not an array). The type parameter names the record type the caller
 * reads the object as (default: `Record<string, unknown>`); nothing beyond "plain object" is checked.
 */
export function isRecord<T extends object = Record<string, unknown>>(v: unknown): v is T {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The string, or null for anything else. */
export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** The number (any number, NaN and ±Infinity included), or null for anything else. */
export function num(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

/** The finite number, or null for anything else (NaN and ±Infinity included). */
export function finiteNum(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The boolean, or null for anything else. */
export function bool(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}

/** The string items of an array (other items skipped); [] when it is not an array. */
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The plain-object items of an array (other items skipped); [] when it is not an array. The type
 * parameter is as for `isRecord`.
 */
export function records<T extends object = Record<string, unknown>>(v: unknown): T[] {
  return Array.isArray(v) ? v.filter((x): x is T => isRecord(x)) : [];
}
