/**
 * Infostealer log records (CSV with a header, or JSON lines) → validated `CredentialRecord`s,
 * every problem located at `line:column`. Passwords and cookies are refused outright: the
 * importer records that an account was exposed, never the secret.
 */
import { parseSheetDate, type Fidelity } from '../factsheet/sheet-dates';
import type { SourceIssue } from '../factsheet/source-positions';

export const CREDENTIAL_FIELDS = ['account', 'domain', 'stealer_family', 'captured_at', 'source'] as const;
export type CredentialField = (typeof CREDENTIAL_FIELDS)[number];

/** Columns that would carry secrets: rejected, whatever their content. */
const SECRET_FIELDS = new Set(['password', 'pass', 'passwd', 'pwd', 'secret', 'cookie', 'cookies', 'token', 'hash']);

export interface CredentialRecord {
  /** The login as captured (e-mail address or user name), trimmed. */
  account: string;
  /** The domain the credential was captured for, lower-cased. */
  domain: string;
  stealer_family: string;
  /** STIX timestamp of the capture. */
  captured_at: string;
  captured_at_fidelity: Fidelity;
  source: string;
  /** Where the record is in the input (1-based). */
  line: number;
}

export interface CredentialIssue extends SourceIssue {
  field?: string;
}

export type CredentialFormat = 'csv' | 'jsonl';

export class CredentialsError extends Error {
  readonly code = 'CREDENTIALS_INVALID';
  constructor(
    readonly file: string,
    readonly issues: readonly CredentialIssue[],
  ) {
    super(
      `${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n` +
        issues.map((i) => `  ${i.file}:${i.line}:${i.column} ${i.path || '(file)'}: ${i.message}`).join('\n'),
    );
    this.name = 'CredentialsError';
  }
}

export type CredentialParseResult =
  | { ok: true; records: CredentialRecord[] }
  | { ok: false; issues: CredentialIssue[] };

/** `csv` unless the file name ends in `.jsonl`/`.ndjson`. */
export function credentialFormatFor(file: string): CredentialFormat {
  return /\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv';
}

export function validateCredentialRecords(
  text: string,
  file = '<credentials>',
  format: CredentialFormat = credentialFormatFor(file),
): CredentialParseResult {
  const result = format === 'jsonl' ? readJsonLines(text, file) : readCsv(text, file);
  const issues = [...result.issues];
  const records: CredentialRecord[] = [];
  result.rows.forEach((row, index) => {
    const rowIssues: CredentialIssue[] = [];
    const record = checkRow(row, index, file, rowIssues);
    issues.push(...rowIssues);
    if (record && rowIssues.length === 0) records.push(record);
  });
  if (issues.length > 0) {
    issues.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, issues };
  }
  return { ok: true, records };
}

/** Parses and validates; throws `CredentialsError` listing every problem. */
export function parseCredentialRecords(text: string, file = '<credentials>', format?: CredentialFormat): CredentialRecord[] {
  const result = validateCredentialRecords(text, file, format ?? credentialFormatFor(file));
  if (!result.ok) throw new CredentialsError(file, result.issues);
  return result.records;
}

// ── rows with positions ─────────────────────────────────────────────────────────────────────

interface Cell {
  value: unknown;
  line: number;
  column: number;
}
interface Row {
  line: number;
  column: number;
  cells: Map<string, Cell>;
}

const LOGIN_MAX = 320;
const HOSTNAME_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

function checkRow(row: Row, index: number, file: string, issues: CredentialIssue[]): CredentialRecord | undefined {
  const at = (field: string, message: string) => {
    const cell = row.cells.get(field);
    issues.push({
      file,
      path: `records[${index}].${field}`,
      field,
      line: cell?.line ?? row.line,
      column: cell?.column ?? row.column,
      message,
    });
  };
  const text = (field: CredentialField): string | undefined => {
    const cell = row.cells.get(field);
    if (cell === undefined || cell.value === null || cell.value === undefined || cell.value === '') {
      at(field, `missing ${field}`);
      return undefined;
    }
    if (typeof cell.value !== 'string') {
      at(field, `${field} must be a string`);
      return undefined;
    }
    return cell.value.trim();
  };
  const account = text('account');
  const domainRaw = text('domain');
  const family = text('stealer_family');
  const capturedRaw = text('captured_at');
  const source = text('source');

  if (account !== undefined && (account.length > LOGIN_MAX || /\s/.test(account))) {
    at('account', 'account must be a login without spaces (at most 320 characters)');
  }
  const domain = domainRaw?.toLowerCase().replace(/\.$/, '');
  if (domain !== undefined && !HOSTNAME_RE.test(domain)) at('domain', `"${domainRaw}" is not a domain name`);
  const captured = capturedRaw === undefined ? null : parseSheetDate(capturedRaw);
  if (capturedRaw !== undefined && captured === null) {
    at('captured_at', `"${capturedRaw}" is not a date (YYYY-MM-DD) or timestamp with a zone (YYYY-MM-DDTHH:MM:SSZ)`);
  }
  if (account === undefined || domain === undefined || family === undefined || !captured || source === undefined) {
    return undefined;
  }
  return {
    account,
    domain,
    stealer_family: family,
    captured_at: captured.timestamp,
    captured_at_fidelity: captured.fidelity,
    source,
    line: row.line,
  };
}

function headerIssues(fields: Array<{ name: string; column: number }>, line: number, file: string): CredentialIssue[] {
  const issues: CredentialIssue[] = [];
  const names = new Set<string>();
  for (const { name, column } of fields) {
    if (SECRET_FIELDS.has(name)) {
      issues.push({ file, path: name, field: name, line, column, message: `column "${name}" would import secrets: remove it before import` });
    } else if (!(CREDENTIAL_FIELDS as readonly string[]).includes(name)) {
      issues.push({ file, path: name, field: name, line, column, message: `unknown column "${name}" (expected ${CREDENTIAL_FIELDS.join(', ')})` });
    } else if (names.has(name)) {
      issues.push({ file, path: name, field: name, line, column, message: `duplicate column "${name}"` });
    }
    names.add(name);
  }
  for (const required of CREDENTIAL_FIELDS) {
    if (!names.has(required)) issues.push({ file, path: required, field: required, line, column: 1, message: `missing column "${required}"` });
  }
  return issues;
}

// ── CSV (RFC 4180: quotes, doubled quotes, quoted newlines; `#` lines are comments) ────────

interface RawCell {
  text: string;
  line: number;
  column: number;
}

function splitCsv(text: string, file: string, issues: CredentialIssue[]): Array<{ line: number; cells: RawCell[] }> {
  const rows: Array<{ line: number; cells: RawCell[] }> = [];
  let i = 0;
  let line = 1;
  let column = 1;
  const input = text.replace(/^\uFEFF/, '');
  while (i < input.length) {
    // Blank and comment lines.
    if (column === 1 && (input[i] === '\n' || input[i] === '\r' || input[i] === '#')) {
      while (i < input.length && input[i] !== '\n') i++;
      i++;
      line++;
      continue;
    }
    const rowLine = line;
    const cells: RawCell[] = [];
    for (;;) {
      const cellLine = line;
      const cellColumn = column;
      let value = '';
      if (input[i] === '"') {
        i++;
        column++;
        let closed = false;
        while (i < input.length) {
          const ch = input[i]!;
          if (ch === '"') {
            if (input[i + 1] === '"') {
              value += '"';
              i += 2;
              column += 2;
              continue;
            }
            i++;
            column++;
            closed = true;
            break;
          }
          if (ch === '\n') {
            line++;
            column = 1;
          } else column++;
          value += ch;
          i++;
        }
        if (!closed) {
          issues.push({ file, path: '', line: cellLine, column: cellColumn, message: 'unterminated quoted field' });
        }
        if (i < input.length && input[i] !== ',' && input[i] !== '\n' && input[i] !== '\r') {
          issues.push({ file, path: '', line, column, message: 'unexpected character after a closing quote' });
          while (i < input.length && input[i] !== ',' && input[i] !== '\n') {
            i++;
            column++;
          }
        }
      } else {
        while (i < input.length && input[i] !== ',' && input[i] !== '\n' && input[i] !== '\r') {
          value += input[i];
          i++;
          column++;
        }
      }
      cells.push({ text: value, line: cellLine, column: cellColumn });
      if (input[i] === ',') {
        i++;
        column++;
        continue;
      }
      if (input[i] === '\r') i++;
      if (input[i] === '\n') i++;
      line++;
      column = 1;
      break;
    }
    rows.push({ line: rowLine, cells });
  }
  return rows;
}

function readCsv(text: string, file: string): { rows: Row[]; issues: CredentialIssue[] } {
  const issues: CredentialIssue[] = [];
  const raw = splitCsv(text, file, issues);
  const header = raw.shift();
  if (!header) {
    issues.push({ file, path: '', line: 1, column: 1, message: 'no header line (expected ' + CREDENTIAL_FIELDS.join(',') + ')' });
    return { rows: [], issues };
  }
  const fields = header.cells.map((c) => ({ name: c.text.trim().toLowerCase(), column: c.column }));
  const badHeader = headerIssues(fields, header.line, file);
  issues.push(...badHeader);
  if (badHeader.length > 0) return { rows: [], issues };
  const rows: Row[] = [];
  for (const r of raw) {
    if (r.cells.length !== fields.length) {
      issues.push({ file, path: '', line: r.line, column: 1, message: `expected ${fields.length} fields, found ${r.cells.length}` });
      continue;
    }
    const cells = new Map<string, Cell>();
    r.cells.forEach((c, k) => cells.set(fields[k]!.name, { value: c.text, line: c.line, column: c.column }));
    rows.push({ line: r.line, column: 1, cells });
  }
  return { rows, issues };
}

// ── JSON lines ──────────────────────────────────────────────────────────────────────────────

function readJsonLines(text: string, file: string): { rows: Row[]; issues: CredentialIssue[] } {
  const issues: CredentialIssue[] = [];
  const rows: Row[] = [];
  text.replace(/^\uFEFF/, '').split('\n').forEach((rawLine, k) => {
    const line = k + 1;
    const lineText = rawLine.replace(/\r$/, '');
    if (lineText.trim() === '' || lineText.trimStart().startsWith('#')) return;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (error) {
      const position = /position (\d+)/.exec(String((error as Error).message));
      issues.push({ file, path: '', line, column: position ? Number(position[1]) + 1 : 1, message: `invalid JSON: ${(error as Error).message}` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ file, path: '', line, column: 1, message: 'each line must be a JSON object' });
      return;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    const keyColumn = (key: string) => {
      const found = lineText.indexOf(JSON.stringify(key));
      return found >= 0 ? found + 1 : 1;
    };
    const badKeys = headerIssues(entries.map(([name]) => ({ name: name.toLowerCase(), column: keyColumn(name) })), line, file)
      .filter((issue) => !issue.message.startsWith('missing column'));
    issues.push(...badKeys);
    if (badKeys.length > 0) return;
    const cells = new Map<string, Cell>();
    for (const [key, cellValue] of entries) cells.set(key.toLowerCase(), { value: cellValue, line, column: keyColumn(key) });
    rows.push({ line, column: 1, cells });
  });
  return { rows, issues };
}
