/**
 * TAXII 2.1 request parameters (spec §3.4 and §5): `added_after`, `limit`, `next`, `match[id]`,
 * `match[type]`, `match[version]`, `match[spec_version]`, checked into one typed query; and the
 * timestamp forms the spec uses. Pure: the server and its tests share it.
 */
import { ValidationError } from '../errors';

/** Objects (or versions) per page when the client gives no `limit`, and the most it may ask for. */
export const TAXII_DEFAULT_LIMIT = 1_000;
export const TAXII_MAX_LIMIT = 10_000;

/** RFC 3339 in UTC as TAXII and STIX write it (`Z`, optional fraction). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const STIX_ID = /^[a-z0-9][a-z0-9-]*[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const STIX_TYPE = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;

export interface VersionMatch {
  last: boolean;
  first: boolean;
  all: boolean;
  /** Exact versions asked for (timestamps). */
  at: string[];
}

export interface TaxiiQuery {
  /** Exclusive lower bound on date_added: the later of added_after and next; null when neither. */
  after: string | null;
  limit: number;
  ids: string[] | null;
  types: string[] | null;
  version: VersionMatch;
  /** False when match[spec_version] excludes 2.1 (everything stored is STIX 2.1). */
  specVersionMatches: boolean;
}

export function isTaxiiTimestamp(value: string): boolean {
  return TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value.replace(/(\.\d{3})\d+Z$/, '$1Z')));
}

/**
 * A stored timestamp as TAXII writes it: UTC, `Z`, exactly six fraction digits (`date_added`
 * stamps are one microsecond apart, so six digits keep them distinct and ordered as text).
 */
export function taxiiTimestamp(neo4jText: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]00:00)$/.exec(neo4jText);
  if (!m) return neo4jText;
  return `${m[1]}:${m[2] ?? '00'}.${(m[3] ?? '').padEnd(6, '0').slice(0, 6)}Z`;
}

/** A STIX version timestamp (`modified`) with at least millisecond digits, as STIX writes them. */
export function stixTimestamp(neo4jText: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]00:00)$/.exec(neo4jText);
  if (!m) return neo4jText;
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]}:${m[2] ?? '00'}.${fraction.padEnd(3, '0')}Z`;
}

/** The opaque `next` token: where the page ended (its last date_added). */
export function encodeNext(lastAdded: string): string {
  return Buffer.from(`v1:${lastAdded}`, 'utf8').toString('base64url');
}

export function decodeNext(token: string): string {
  let text = '';
  try {
    text = Buffer.from(token, 'base64url').toString('utf8');
  } catch {
    text = '';
  }
  const at = text.startsWith('v1:') ? text.slice(3) : '';
  if (!isTaxiiTimestamp(at)) throw new ValidationError(`next: "${token.slice(0, 80)}" is not a next value this server gave out`);
  return at;
}

function list(params: URLSearchParams, name: string): string[] | null {
  const values = params.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return values.length > 0 ? values : null;
}

/** UTC timestamps compare as text once their fractions have the same length. */
const sortable = (t: string) => {
  const [whole, fraction = ''] = t.slice(0, -1).split('.');
  return `${whole}.${fraction.padEnd(9, '0')}`;
};
const later = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : sortable(a) >= sortable(b) ? a : b);

export interface ParseOptions {
  /** Which parameters the endpoint takes (spec: object-by-id and versions take fewer). */
  allow: ReadonlySet<string>;
  /** match[version] when absent: `last` for objects and manifest, `all` for versions. */
  defaultVersion: 'last' | 'all';
}

export const COLLECTION_PARAMS: ReadonlySet<string> = new Set([
  'added_after',
  'limit',
  'next',
  'match[id]',
  'match[type]',
  'match[version]',
  'match[spec_version]',
]);
export const OBJECT_PARAMS: ReadonlySet<string> = new Set(['added_after', 'limit', 'next', 'match[version]', 'match[spec_version]']);
export const VERSIONS_PARAMS: ReadonlySet<string> = new Set(['added_after', 'limit', 'next', 'match[spec_version]']);

/** Checks the query string of a TAXII GET; every problem in one ValidationError. */
export function parseTaxiiQuery(params: URLSearchParams, options: ParseOptions): TaxiiQuery {
  const problems: string[] = [];
  for (const key of new Set(params.keys())) {
    if (!options.allow.has(key)) problems.push(`${key}: not a parameter of this endpoint (allowed: ${[...options.allow].join(', ')})`);
  }

  let addedAfter: string | null = null;
  const addedAfterText = params.get('added_after');
  if (addedAfterText !== null) {
    if (isTaxiiTimestamp(addedAfterText)) addedAfter = addedAfterText;
    else problems.push(`added_after: "${addedAfterText.slice(0, 60)}" is not a timestamp like 2025-01-31T12:00:00.000000Z`);
  }

  let next: string | null = null;
  const nextText = params.get('next');
  if (nextText !== null && nextText !== '') {
    try {
      next = decodeNext(nextText);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }

  let limit = TAXII_DEFAULT_LIMIT;
  const limitText = params.get('limit');
  if (limitText !== null) {
    const n = Number(limitText);
    if (!/^\d+$/.test(limitText) || n < 1) problems.push(`limit: "${limitText.slice(0, 20)}" is not a positive integer`);
    else limit = Math.min(n, TAXII_MAX_LIMIT);
  }

  const ids = list(params, 'match[id]');
  for (const id of ids ?? []) if (!STIX_ID.test(id)) problems.push(`match[id]: "${id.slice(0, 80)}" is not a STIX identifier`);
  const types = list(params, 'match[type]');
  for (const t of types ?? []) if (!STIX_TYPE.test(t)) problems.push(`match[type]: "${t.slice(0, 80)}" is not a STIX type`);

  const version: VersionMatch = { last: false, first: false, all: false, at: [] };
  const versions = list(params, 'match[version]') ?? [options.defaultVersion];
  for (const v of versions) {
    if (v === 'last' || v === 'first' || v === 'all') version[v] = true;
    else if (isTaxiiTimestamp(v)) version.at.push(v);
    else problems.push(`match[version]: "${v.slice(0, 60)}" is not last, first, all or a timestamp`);
  }

  const specVersions = list(params, 'match[spec_version]');
  for (const s of specVersions ?? []) if (s !== '2.0' && s !== '2.1') problems.push(`match[spec_version]: "${s.slice(0, 20)}" is not 2.0 or 2.1`);

  if (problems.length > 0) throw new ValidationError(problems.join('; '));
  return {
    after: later(addedAfter, next),
    limit,
    ids,
    types,
    version,
    specVersionMatches: specVersions === null || specVersions.includes('2.1'),
  };
}
