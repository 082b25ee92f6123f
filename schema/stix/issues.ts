/**
 * The one shape every problem with input is reported in: STIX validation, import, and the API's
 * `ValidationError` (api/src/errors.ts) all use it.
 */
export interface Issue {
  /**
   * The id of the object at fault (a STIX id, or our own id) when there is one; otherwise null.
   * Validators set it when the object has a string `id`.
   */
  objectId: string | null;
  /** Where in the object or the input: `objects[12].external_references[0].url` style ('' for the root). */
  path: string;
  message: string;
}

/** The name schema/stix's validators have always exported for `Issue`. */
export type ValidationIssue = Issue;

/** Append a property name or array index to a path in `a.b[0].c` style. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** The object's id when it is a string (kept short so a hostile id cannot flood a report). */
export function objectIdOf(obj: unknown): string | null {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return null;
  const id = (obj as Record<string, unknown>).id;
  if (typeof id !== 'string') return null;
  return id.length > 300 ? `${id.slice(0, 300)}…` : id;
}
