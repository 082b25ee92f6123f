/**
 * Structural safety checks that run before any schema validation, so that neither ajv nor the
 * importer ever walks hostile input: prototype-polluting keys, absurd nesting, giant strings,
 * arrays and keys. Pure, iterative (no recursion, so deep input cannot blow the stack).
 */
import { joinPath, objectIdOf, type Issue } from './issues';
import { isRecord } from '../json';

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
  /** The path is built only when a problem is reported (keeps the walk allocation-light). */
  parent: Frame | null;
  key: string | number | null;
  depth: number;
  objectId: string | null;
  /** A problem found with this entry's key, reported when the frame is reached (document order). */
  issue?: string;
}

function pathOf(frame: Frame, root: string): string {
  const keys: (string | number)[] = [];
  for (let f: Frame | null = frame; f !== null && f.key !== null; f = f.parent) keys.push(f.key);
  let path = root;
  for (let i = keys.length - 1; i >= 0; i--) path = joinPath(path, keys[i]!);
  return path;
}

/**
 * Every safety problem in `input`. `path` prefixes the paths (e.g. `objects[3]`); `objectId`
 * names the object the input belongs to. Within a bundle (`{ objects: [...] }`) each element of
 * `objects` reports its own id.
 */
export function checkSafety(
  input: unknown,
  options: { path?: string; objectId?: string | null; limits?: Partial<SafetyLimits> } = {},
): Issue[] {
  const limits = { ...DEFAULT_SAFETY_LIMITS, ...options.limits };
  const root = options.path ?? '';
  const issues: Issue[] = [];
  const report = (frame: Frame, message: string) =>
    issues.push({ objectId: frame.objectId, path: pathOf(frame, root), message });
  const rootFrame: Frame = {
    value: input,
    parent: null,
    key: null,
    depth: 1,
    objectId: options.objectId !== undefined ? options.objectId : objectIdOf(input),
  };
  const stack: Frame[] = [rootFrame];
  const bundleObjects = isRecord(input) && input.type === 'bundle' ? input.objects : undefined;

  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value, depth, objectId } = frame;
    if (frame.issue !== undefined) {
      report(frame, frame.issue);
      continue;
    }
    if (typeof value === 'string') {
      if (value.length > limits.maxStringLength) {
        report(frame, `string is ${value.length} characters long; the limit is ${limits.maxStringLength}`);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limits.maxDepth) {
      report(frame, `nesting deeper than ${limits.maxDepth} levels`);
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayLength) {
        report(frame, `array has ${value.length} items; the limit is ${limits.maxArrayLength}`);
        continue;
      }
      const isBundleObjects = value === bundleObjects;
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        stack.push({
          value: item,
          parent: frame,
          key: i,
          depth: depth + 1,
          objectId: isBundleObjects ? objectIdOf(item) : objectId,
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
          parent: frame,
          key: key.length > 40 ? `${key.slice(0, 40)}…` : key,
          depth,
          objectId,
          issue: `property name is ${key.length} characters long; the limit is ${limits.maxKeyLength}`,
        });
      } else if (FORBIDDEN_KEYS.has(key)) {
        stack.push({ value: undefined, parent: frame, key, depth, objectId, issue: `forbidden property name "${key}"` });
      } else {
        stack.push({ value: (value as Record<string, unknown>)[key], parent: frame, key, depth: depth + 1, objectId });
      }
    }
  }
  return issues;
}
