/**
 * Safe, deterministic repairs of defects real STIX producers publish (issue 13). Pure: the input
 * is never mutated; the same object always gets the same repairs. The import service calls this
 * only for an object that failed validation, re-validates the result, and imports it as
 * "repaired" (with the original JSON kept beside it) only when it is then valid; otherwise the
 * object is quarantined. Every repair is listed with its path, what was wrong and what was done.
 *
 * What is repaired, and how (docs/import-policy.md has the table with the producer habits):
 *  - timestamps without a time zone (taken as UTC), with a space instead of `T`, with a numeric
 *    offset (converted to UTC), or, for `created`/`modified`, without milliseconds (`.000` added);
 *  - `modified` earlier than `created`: `created` becomes `modified` (the version, which decides
 *    what is newer, is kept);
 *  - an SDO/SRO without `created` and/or `modified`: each takes the other, else the object's own
 *    first timestamp (`first_observed`, `valid_from`, `published`, `first_seen`); without any, no
 *    repair;
 *  - a single-valued vocabulary property given as a one-element list (`identity_class: ["unknown"]`);
 *  - an `external_references[].url` with characters a URI cannot hold (spaces, `|`, quotes, non-ASCII,
 *    stray `%`): they are percent-encoded (UTF-8); a URL without a scheme is not repaired;
 *  - a `created_by_ref` that is not an identifier (`identity--not-available`): removed.
 * Never repaired: markings (removing or changing one could lower an object's TLP), ids, types,
 * binary content (invalid base64), anything unsafe (sizes, nesting): those are quarantined or
 * refused.
 */
import { compareTimestamps } from './cross-field';
import { joinPath } from './issues';
import { isRecord } from '../json';

export interface Repair {
  /** JSON path of the repaired property, with the caller's prefix (e.g. `objects[3].modified`). */
  path: string;
  /** What was wrong. */
  message: string;
  /** What was done about it. */
  fix: string;
}

type Json = Record<string, unknown>;

const TIMESTAMP_PROPERTIES = [
  'created', 'modified', 'first_seen', 'last_seen', 'valid_from', 'valid_until', 'published',
  'first_observed', 'last_observed', 'start_time', 'stop_time', 'analysis_started', 'analysis_ended',
  'submitted', 'expiration',
] as const;

const LOOSE_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:?\d{2})?$/;
const STRICT_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const STRICT_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,}Z$/;

/** The RFC 3339 UTC form of a loosely written timestamp, or null when it is not one. */
export function normalizeTimestamp(value: string, millis: boolean): string | null {
  const m = LOOSE_TIMESTAMP.exec(value);
  if (!m) return null;
  const [, date, time, fractionRaw, zone] = m as unknown as [string, string, string, string | undefined, string | undefined];
  let base = `${date}T${time}`;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    const at = Date.parse(`${base}Z`);
    if (Number.isNaN(at)) return null;
    base = new Date(at - offsetMinutes * 60_000).toISOString().slice(0, 19);
  } else if (Number.isNaN(Date.parse(`${base}Z`))) {
    return null;
  }
  let fraction = fractionRaw ?? '';
  if (millis && fraction.length < 4) fraction = (fraction === '' ? '.' : fraction).padEnd(4, '0');
  return `${base}${fraction}Z`;
}

/** Cyber-observables (no created/modified required) and objects that are not SDOs/SROs. */
const NO_TIMESTAMPS = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file',
  'ipv4-addr', 'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url',
  'user-account', 'windows-registry-key', 'x509-certificate', 'bundle', 'language-content',
]);

/** Single-valued open vocabularies and enumerations (STIX 2.1 §10) a producer may send as a list. */
const SINGLE_VALUED_VOCABULARIES = [
  'identity_class', 'primary_motivation', 'resource_level', 'sophistication', 'opinion',
  'pattern_type', 'result', 'context',
] as const;

/** What the `uri` format accepts (ajv-formats, fast mode): a scheme, then no whitespace. */
const URI_WITH_SCHEME = /^[a-z][a-z0-9+\-.]*:/i;
const URI_FAST = /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/)?[^\s]*$/i;
/** Characters a URI may carry as they are (RFC 3986 reserved + unreserved, and `%` of an escape). */
const URI_CHAR = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]/;

function percentEncodeUrl(url: string): string {
  let out = '';
  for (let i = 0; i < url.length; ) {
    const cp = url.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(url.slice(i + 1, i + 3))) out += ch;
    else if (URI_CHAR.test(ch)) out += ch;
    else out += encodeURIComponent(ch === '%' ? '%' : ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    i += ch.length;
  }
  return out;
}

const IDENTIFIER = /^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/**
 * Applies every repair that fits `obj` (a STIX 2.1 object, after the 2.0 upgrade). Returns the
 * repaired copy and the list of repairs (empty: nothing to repair, `object` is `obj`).
 */
export function repairStixObject(obj: unknown, path = ''): { object: unknown; repairs: Repair[] } {
  if (!isRecord(obj)) return { object: obj, repairs: [] };
  const out: Json = { ...obj };
  const repairs: Repair[] = [];
  const type = typeof obj.type === 'string' ? obj.type : '';

  for (const key of TIMESTAMP_PROPERTIES) {
    const value = out[key];
    if (typeof value !== 'string') continue;
    const millis = key === 'created' || key === 'modified';
    if ((millis ? STRICT_MILLIS : STRICT_TIMESTAMP).test(value)) continue;
    const fixed = normalizeTimestamp(value, millis);
    if (fixed === null || fixed === value) continue;
    out[key] = fixed;
    repairs.push({
      path: joinPath(path, key),
      message: `"${value}" is not an RFC 3339 UTC timestamp${millis ? ' with milliseconds' : ''}`,
      fix: `written as "${fixed}"${/[Zz]|[+-]\d{2}:?\d{2}$/.test(value) ? '' : ' (no time zone: taken as UTC)'}`,
    });
  }

  if (!NO_TIMESTAMPS.has(type) && out.spec_version === '2.1') {
    const fallback = ['first_observed', 'valid_from', 'published', 'first_seen']
      .map((k) => out[k])
      .find((v): v is string => typeof v === 'string' && STRICT_TIMESTAMP.test(v));
    const stamp = (v: string) => normalizeTimestamp(v, true) ?? v;
    if (out.created === undefined) {
      const from = typeof out.modified === 'string' ? out.modified : fallback;
      if (from !== undefined) {
        out.created = stamp(from);
        repairs.push({ path: joinPath(path, 'created'), message: 'missing (required)', fix: `set to "${String(out.created)}" (${typeof out.modified === 'string' ? '"modified"' : 'the object\'s own first timestamp'})` });
      }
    }
    if (out.modified === undefined && typeof out.created === 'string') {
      out.modified = out.created;
      repairs.push({ path: joinPath(path, 'modified'), message: 'missing (required)', fix: `set to "created" ("${out.created}")` });
    }
    if (typeof out.created === 'string' && typeof out.modified === 'string') {
      const cmp = compareTimestamps(out.modified, out.created);
      if (cmp !== null && cmp < 0) {
        repairs.push({
          path: joinPath(path, 'created'),
          message: `"modified" (${out.modified}) is earlier than "created" (${out.created})`,
          fix: `"created" set to "modified" (the version, "modified", is kept)`,
        });
        out.created = out.modified;
      }
    }
  }

  for (const key of SINGLE_VALUED_VOCABULARIES) {
    const value = out[key];
    if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') {
      out[key] = value[0];
      repairs.push({ path: joinPath(path, key), message: 'a single value given as a one-element list', fix: `written as "${value[0]}"` });
    }
  }

  if (Array.isArray(out.external_references)) {
    let changed = false;
    const refs = out.external_references.map((ref, i) => {
      if (!isRecord(ref) || typeof ref.url !== 'string' || URI_FAST.test(ref.url) || !URI_WITH_SCHEME.test(ref.url)) return ref;
      const url = percentEncodeUrl(ref.url);
      if (url === ref.url || !URI_FAST.test(url)) return ref;
      changed = true;
      repairs.push({
        path: joinPath(joinPath(joinPath(path, 'external_references'), i), 'url'),
        message: 'not a valid URI (characters a URI cannot hold)',
        fix: `percent-encoded: "${url}"`,
      });
      return { ...ref, url };
    });
    if (changed) out.external_references = refs;
  }

  if (typeof out.created_by_ref === 'string' && !IDENTIFIER.test(out.created_by_ref)) {
    repairs.push({
      path: joinPath(path, 'created_by_ref'),
      message: `"${out.created_by_ref.slice(0, 100)}" is not a STIX identifier`,
      fix: 'removed (the creator is unknown)',
    });
    delete out.created_by_ref;
  }

  return repairs.length > 0 ? { object: out, repairs } : { object: obj, repairs };
}
