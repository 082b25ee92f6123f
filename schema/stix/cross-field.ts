/**
 * STIX 2.1 rules that relate two properties (or a property and the object's type) and that JSON
 * Schema cannot express, kept apart from the base shapes. They run after schema validation, on
 * whatever is present, and never throw: a property of the wrong type is simply skipped (the schema
 * already reported it).
 *
 * (`spec_version` = '2.1' and "relationship endpoints are not marking-definitions / SROs" are
 * expressible, so they live in the schemas.)
 */
import { SCO_TYPES } from '../graph/kinds';
import { joinPath, objectIdOf, type Issue } from './issues';

type Obj = Record<string, unknown>;

/** Timestamps compare as instants; RFC 3339 strings with different precisions do not sort. */
function instant(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v); // millisecond part only; compareTimestamps breaks ties on the fraction
  return Number.isNaN(ms) ? null : ms;
}

function fraction(v: string): string {
  const m = /\.([0-9]+)Z$/.exec(v);
  return (m?.[1] ?? '').padEnd(9, '0').slice(0, 9);
}

/** Whether a `YYYY-MM-DDTHH:MM:SS[.f]Z` timestamp names an instant that exists (other shapes: true, the schema judges them). */
export function isCalendarInstant(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(v);
  if (!m) return true;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day &&
    probe.getUTCHours() === hour && probe.getUTCMinutes() === minute && probe.getUTCSeconds() === second
  );
}

/** -1, 0, 1 like a comparator; null when either side is not a timestamp. */
export function compareTimestamps(a: unknown, b: unknown): number | null {
  const x = instant(a);
  const y = instant(b);
  if (x === null || y === null) return null;
  if (x !== y) return x < y ? -1 : 1;
  const fa = fraction(a as string);
  const fb = fraction(b as string);
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

interface OrderRule {
  earlier: string;
  later: string;
  /** true: later must be strictly after earlier. */
  strict: boolean;
  types?: readonly string[];
}

const ORDER_RULES: readonly OrderRule[] = [
  { earlier: 'created', later: 'modified', strict: false },
  { earlier: 'valid_from', later: 'valid_until', strict: true, types: ['indicator'] },
  {
    earlier: 'first_seen',
    later: 'last_seen',
    strict: false,
    types: ['campaign', 'infrastructure', 'intrusion-set', 'malware', 'threat-actor', 'sighting'],
  },
  { earlier: 'first_observed', later: 'last_observed', strict: false, types: ['observed-data'] },
  { earlier: 'start_time', later: 'stop_time', strict: true, types: ['relationship'] },
  { earlier: 'analysis_started', later: 'analysis_ended', strict: false, types: ['malware-analysis'] },
  { earlier: 'validity_not_before', later: 'validity_not_after', strict: false, types: ['x509-certificate'] },
];

const SCO_TYPE_SET: ReadonlySet<string> = new Set(SCO_TYPES);

function refType(ref: unknown): string | null {
  if (typeof ref !== 'string') return null;
  const i = ref.indexOf('--');
  return i > 0 ? ref.slice(0, i) : null;
}

/** Every cross-field problem of one STIX 2.1 object. */
export function checkCrossFieldRules(obj: unknown, path = ''): Issue[] {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return [];
  const o = obj as Obj;
  const objectId = objectIdOf(o);
  const type = typeof o.type === 'string' ? o.type : null;
  const issues: Issue[] = [];
  const at = (prop: string) => joinPath(path, prop);

  // The id names the object's type (spec §2.9).
  if (type !== null && typeof o.id === 'string' && refType(o.id) !== type) {
    issues.push({ objectId, path: at('id'), message: `id must start with "${type}--" (the object's type)` });
  }

  // created/modified are stored as Neo4j datetimes: they must be instants that exist (the
  // pattern lets 2024-02-31 and the leap second :60 through; neither can be stored).
  for (const prop of ['created', 'modified']) {
    const v = o[prop];
    if (typeof v === 'string' && !isCalendarInstant(v)) {
      issues.push({ objectId, path: at(prop), message: `${prop} is not a real date and time (${v.slice(0, 40)}); leap seconds cannot be stored` });
    }
  }

  for (const rule of ORDER_RULES) {
    if (rule.types && (type === null || !rule.types.includes(type))) continue;
    const cmp = compareTimestamps(o[rule.earlier], o[rule.later]);
    if (cmp === null) continue;
    if (cmp > 0 || (rule.strict && cmp === 0)) {
      issues.push({
        objectId,
        path: at(rule.later),
        message: `${rule.later} must be ${rule.strict ? 'later than' : 'the same as or later than'} ${rule.earlier}`,
      });
    }
  }

  // sighting_of_ref points at an SDO (spec §5.2); SROs and meta objects are excluded by the schema.
  if (type === 'sighting') {
    const t = refType(o.sighting_of_ref);
    if (t !== null && SCO_TYPE_SET.has(t)) {
      issues.push({
        objectId,
        path: at('sighting_of_ref'),
        message: `sighting_of_ref must reference an SDO, not a ${t} (cyber-observable)`,
      });
    }
  }

  return issues;
}
