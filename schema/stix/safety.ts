/**
 * Structural safety checks that run before any schema validation, so that neither ajv nor the
 * importer ever walks hostile input: prototype-polluting keys, absurd nesting, giant strings,
 * arrays and keys. Pure, iterative (no recursion, so deep input cannot blow the stack).
 */
import { joinPath, objectIdOf, type ValidationIssue } from './issues';

export interface SafetyLimits {
  /** Deepest nesting of objects/arrays (root object = depth 1). */
  maxDepth: number;
  /** Longest string value, in UTF-16 code units. */
  maxStringLength: number;
  /** Longest array. */
  maxArrayLength: number;
  /** Longest property name / dictionary key. */
  maxKeyLength: number;
}

/**
 * Defaults. STIX property names and dictionary keys are at most 250 characters (spec §2.6, §3.1);
 * 1 MiB of text fits any description or pattern we have seen (the largest ATT&CK string is ~20 kB)
 * while an `artifact.payload_bin` above that belongs in a file store, not the graph; ATT&CK
 * enterprise has ~25 k objects, so 100 000 array items leaves room for big bundles; 64 levels is
 * far beyond any real STIX nesting (extensions → dictionary → list → object is about 6).
 */
export const DEFAULT_SAFETY_LIMITS: Readonly<SafetyLimits> = Object.freeze({
  maxDepth: 64,
  maxStringLength: 1024 * 1024,
  maxArrayLength: 100_000,
  maxKeyLength: 250,
});

export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

interface Frame {
  value: unknown;
  path: string;
  depth: number;
  objectId: string | null;
  /** A problem found with this entry's key, reported when the frame is reached (document order). */
  issue?: string;
}

/**
 * Every safety problem in `input`. `path` prefixes the paths (e.g. `objects[3]`); `objectId`
 * names the object the input belongs to. Within a bundle (`{ objects: [...] }`) each element of
 * `objects` reports its own id.
 */
export function checkSafety(
  input: unknown,
  options: { path?: string; objectId?: string | null; limits?: Partial<SafetyLimits> } = {},
): ValidationIssue[] {
  const limits = { ...DEFAULT_SAFETY_LIMITS, ...options.limits };
  const issues: ValidationIssue[] = [];
  const stack: Frame[] = [
    { value: input, path: options.path ?? '', depth: 1, objectId: options.objectId ?? objectIdOf(input) },
  ];
  const isBundle = isRecord(input) && input.type === 'bundle';

  while (stack.length > 0) {
    const { value, path, depth, objectId, issue } = stack.pop()!;
    if (issue !== undefined) {
      issues.push({ objectId, path, message: issue });
      continue;
    }
    if (typeof value === 'string') {
      if (value.length > limits.maxStringLength) {
        issues.push({
          objectId,
          path,
          message: `string is ${value.length} characters long; the limit is ${limits.maxStringLength}`,
        });
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limits.maxDepth) {
      issues.push({ objectId, path, message: `nesting deeper than ${limits.maxDepth} levels` });
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayLength) {
        issues.push({
          objectId,
          path,
          message: `array has ${value.length} items; the limit is ${limits.maxArrayLength}`,
        });
        continue;
      }
      const inBundleObjects = isBundle && depth === 2 && path.endsWith('objects');
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        stack.push({
          value: item,
          path: joinPath(path, i),
          depth: depth + 1,
          objectId: inBundleObjects ? objectIdOf(item) : objectId,
        });
      }
      continue;
    }
    const keys = Object.keys(value);
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k]!;
      if (key.length > limits.maxKeyLength) {
        stack.push({
          value: undefined,
          path: joinPath(path, key.length > 40 ? `${key.slice(0, 40)}…` : key),
          depth,
          objectId,
          issue: `property name is ${key.length} characters long; the limit is ${limits.maxKeyLength}`,
        });
      } else if (FORBIDDEN_KEYS.has(key)) {
        stack.push({ value: undefined, path: joinPath(path, key), depth, objectId, issue: `forbidden property name "${key}"` });
      } else {
        stack.push({
          value: (value as Record<string, unknown>)[key],
          path: joinPath(path, key),
          depth: depth + 1,
          objectId,
        });
      }
    }
  }
  return issues;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
