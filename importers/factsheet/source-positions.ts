/**
 * Parse YAML (or JSON, which the YAML parser reads too) keeping node positions, and map a data
 * path back to `line:column` in the text. Shared by the fact-sheet and credential importers.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export type PathSegment = string | number;

/** One problem in an input file, located precisely. Lines and columns are 1-based. */
export interface SourceIssue {
  file: string;
  /** Data path, e.g. `hypotheses[1].prior`; empty for the document itself. */
  path: string;
  line: number;
  column: number;
  message: string;
}

export interface PositionedDocument {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain data (undefined when the text had syntax errors). */
  data: unknown;
  /** YAML/JSON syntax errors, already located. */
  syntaxIssues: SourceIssue[];
}

/** Most YAML nodes (scalars, maps, sequences, keys) one document may hold, by default. */
export const DEFAULT_MAX_NODES = 100_000;

/**
 * Parses one document in time linear in its size. The YAML library's own duplicate-key check
 * (`uniqueKeys`) compares each key with every earlier key of its map, which made a map of N
 * keys cost N² (issue 14 #5: 20 000 keys took 7 s); duplicates are found here instead, in one
 * walk with a set per map, which also counts the nodes and stops at `maxNodes`.
 */
export function parseWithPositions(text: string, file: string, options: { maxNodes?: number } = {}): PositionedDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
  const syntaxIssues: SourceIssue[] = doc.errors.map((error) => {
    const at = lineCounter.linePos(error.pos[0]);
    return { file, path: '', line: at.line, column: at.col, message: error.message.split('\n')[0] ?? error.message };
  });
  if (syntaxIssues.length === 0) syntaxIssues.push(...structureIssues(doc, lineCounter, file, options.maxNodes ?? DEFAULT_MAX_NODES));
  const data = syntaxIssues.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
  return { doc, lineCounter, data, syntaxIssues };
}

/** Duplicate keys and the node cap, in one walk over the document (no recursion). */
function structureIssues(doc: Document.Parsed, lineCounter: LineCounter, file: string, maxNodes: number): SourceIssue[] {
  const issues: SourceIssue[] = [];
  const at = (node: unknown, message: string): SourceIssue => {
    const pos = lineCounter.linePos(isNodeWithRange(node) ? (node.range?.[0] ?? 0) : 0);
    return { file, path: '', line: Math.max(pos.line, 1), column: Math.max(pos.col, 1), message };
  };
  const stack: unknown[] = [doc.contents];
  let nodes = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    nodes += 1;
    if (nodes > maxNodes) {
      issues.push(at(doc.contents, `the document holds more than ${maxNodes} values and keys; split it or trim it`));
      break;
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? `${typeof pair.key.value}:${String(pair.key.value)}` : undefined;
        if (key !== undefined) {
          if (seen.has(key)) issues.push(at(pair.key, 'Map keys must be unique'));
          seen.add(key);
        }
        stack.push(pair.value);
        if (!isScalar(pair.key)) stack.push(pair.key);
        else nodes += 1;
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
    if (issues.length >= 100) break;
  }
  return issues;
}

/** `['hypotheses', 1, 'prior']` → `hypotheses[1].prior`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** JSON Pointer (`/hypotheses/1/prior`) → segments; digit-only segments become indexes. */
export function pointerToSegments(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/**
 * Position of the node at `segments`. With `at: 'key'` the last segment's key is located (for
 * "unknown property" errors). When the path does not exist in the text (a missing property), the
 * deepest existing ancestor is located instead.
 */
export function locate(
  positioned: Pick<PositionedDocument, 'doc' | 'lineCounter'>,
  segments: readonly PathSegment[],
  at: 'value' | 'key' = 'value',
): { line: number; column: number } {
  const { doc, lineCounter } = positioned;
  let node: unknown = doc.contents;
  let best: Node | null = isNodeWithRange(node) ? node : null;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === String(segment));
      if (!pair) break;
      if (last && at === 'key' && isNodeWithRange(pair.key)) {
        best = pair.key;
        break;
      }
      node = pair.value;
      if (isNodeWithRange(node)) best = node;
      else if (isNodeWithRange(pair.key)) best = pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (isNodeWithRange(node)) best = node;
      else break;
    } else break;
  }
  const offset = best?.range?.[0] ?? 0;
  const pos = lineCounter.linePos(offset);
  return { line: Math.max(pos.line, 1), column: Math.max(pos.col, 1) };
}

function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

function isNodeWithRange(node: unknown): node is Node {
  return typeof node === 'object' && node !== null && Array.isArray((node as Node).range);
}

/** Builds issues located in one positioned document. */
export function issueAt(
  positioned: Pick<PositionedDocument, 'doc' | 'lineCounter'>,
  file: string,
  segments: readonly PathSegment[],
  message: string,
  at: 'value' | 'key' = 'value',
): SourceIssue {
  const { line, column } = locate(positioned, segments, at);
  return { file, path: formatPath(segments), line, column, message };
}

/** Sort issues by position, then path, so reports read top to bottom. */
export function sortIssues<T extends SourceIssue>(issues: T[]): T[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}
