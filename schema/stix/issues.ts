/** The one shape every validation problem is reported in. */
export interface ValidationIssue {
  /** The `id` of the STIX object the problem is in, when it has a string id; otherwise null. */
  objectId: string | null;
  /** Where in the input: `objects[12].external_references[0].url` style ('' for the root). */
  path: string;
  message: string;
}

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
