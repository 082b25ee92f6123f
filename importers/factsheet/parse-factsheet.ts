/**
 * Fact sheet text (YAML or JSON) → validated `FactSheet`, with every problem located at
 * `line:column` in the file. Never throws on bad data except from `parseFactSheet`, which throws
 * one `FactSheetError` carrying the whole list.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { FactSheetSchema, type FactSheet } from './factsheet.schema';
import { checkFactSheetRules } from './factsheet.rules';
import {
  formatPath, issueAt, parseWithPositions, pointerToSegments, sortIssues,
  type PathSegment, type PositionedDocument, type SourceIssue,
} from './source-positions';

export type FactSheetIssue = SourceIssue;

export class FactSheetError extends Error {
  readonly code = 'FACT_SHEET_INVALID';
  constructor(
    readonly file: string,
    readonly issues: readonly FactSheetIssue[],
  ) {
    super(
      `${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n` +
        issues.map((i) => `  ${i.file}:${i.line}:${i.column} ${i.path || '(document)'}: ${i.message}`).join('\n'),
    );
    this.name = 'FactSheetError';
  }
}

export type FactSheetResult = { ok: true; sheet: FactSheet } | { ok: false; issues: FactSheetIssue[] };

// ajv-formats ships CommonJS with `exports.default`; under ESM interop the default import may be the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule);

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
    addFormats(ajv, ['uri']);
    ajv.addKeyword({ keyword: 'xMessage', schemaType: 'string' });
    compiled = ajv.compile(FactSheetSchema);
  }
  return compiled;
}

/**
 * Bounds on one sheet, so a hostile one costs at most linear work (issue 14 #5). The reference
 * case is 19 KB and ~1 500 values; these leave two orders of magnitude of room.
 */
export const FACT_SHEET_LIMITS = {
  /** Largest sheet, in UTF-16 code units of the text (≈ bytes for ASCII YAML). */
  maxChars: 2 * 1024 * 1024,
  /** Most values and keys in the document. */
  maxNodes: 100_000,
  /** Most problems reported (each is located by a walk of the document); the rest are counted. */
  maxIssues: 100,
} as const;

/** Validates the text and returns either the sheet or every problem found (at most `maxIssues`). */
export function validateFactSheet(text: string, file = '<fact-sheet>'): FactSheetResult {
  if (text.length > FACT_SHEET_LIMITS.maxChars) {
    const message = `the sheet is ${text.length} characters long; at most ${FACT_SHEET_LIMITS.maxChars} are accepted`;
    return { ok: false, issues: [{ file, path: '', line: 1, column: 1, message }] };
  }
  const positioned = parseWithPositions(text, file, { maxNodes: FACT_SHEET_LIMITS.maxNodes });
  if (positioned.syntaxIssues.length > 0) return { ok: false, issues: positioned.syntaxIssues };
  if (positioned.data === null || positioned.data === undefined) {
    return { ok: false, issues: [{ file, path: '', line: 1, column: 1, message: 'the document is empty' }] };
  }
  const validate = validator();
  const issues: FactSheetIssue[] = [];
  let unreported = 0;
  if (!validate(positioned.data)) {
    const errors = validate.errors ?? [];
    unreported += Math.max(0, errors.length - FACT_SHEET_LIMITS.maxIssues);
    issues.push(...schemaIssues(errors.slice(0, FACT_SHEET_LIMITS.maxIssues), positioned, file));
  }
  const rules = issues.length < FACT_SHEET_LIMITS.maxIssues ? checkFactSheetRules(positioned.data) : [];
  const room = Math.max(0, FACT_SHEET_LIMITS.maxIssues - issues.length);
  unreported += Math.max(0, rules.length - room);
  for (const rule of rules.slice(0, room)) {
    issues.push(issueAt(positioned, file, rule.segments, rule.message, rule.at));
  }
  if (issues.length > 0) {
    const shown = dedupe(sortIssues(issues));
    if (unreported > 0) shown.push({ file, path: '', line: 1, column: 1, message: `${unreported} more problems not shown` });
    return { ok: false, issues: shown };
  }
  return { ok: true, sheet: positioned.data as FactSheet };
}

/** Parses and validates; throws `FactSheetError` with all problems when the sheet is invalid. */
export function parseFactSheet(text: string, file = '<fact-sheet>'): FactSheet {
  const result = validateFactSheet(text, file);
  if (!result.ok) throw new FactSheetError(file, result.issues);
  return result.sheet;
}

function schemaIssues(errors: ErrorObject[], positioned: PositionedDocument, file: string): FactSheetIssue[] {
  const out: FactSheetIssue[] = [];
  for (const error of errors) {
    const segments = pointerToSegments(error.instancePath);
    switch (error.keyword) {
      case 'required': {
        const missing = String((error.params as { missingProperty: string }).missingProperty);
        const { line, column } = issueAt(positioned, file, segments, '');
        out.push({ file, path: formatPath([...segments, missing]), line, column, message: `missing required property "${missing}"` });
        break;
      }
      case 'additionalProperties': {
        const extra = String((error.params as { additionalProperty: string }).additionalProperty);
        out.push(issueAt(positioned, file, [...segments, extra], `unknown property "${extra}"`, 'key'));
        break;
      }
      default:
        out.push(issueAt(positioned, file, segments, messageFor(error)));
    }
  }
  return out;
}

function messageFor(error: ErrorObject): string {
  const custom = (error.parentSchema as { xMessage?: unknown } | undefined)?.xMessage;
  if ((error.keyword === 'pattern' || error.keyword === 'format') && typeof custom === 'string') return custom;
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
    return `must be one of: ${allowed.map((v) => String(v)).join(', ')}`;
  }
  if (error.keyword === 'const') {
    return `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
  }
  return error.message ?? `fails ${error.keyword}`;
}

/** The same message at the same place once (e.g. pattern and format on one URL). */
function dedupe(issues: FactSheetIssue[]): FactSheetIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.line}:${i.column}:${i.path}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type { PathSegment };
