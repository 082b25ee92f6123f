/**
 * Validation entry points. One ajv validator is compiled per STIX type (lazily, on first use) and
 * picked by the object's `type`, instead of one big oneOf: errors name the right schema and it is
 * much faster. Nothing here throws on bad data; every problem comes back as a Issue.
 *
 * Order per object: safety checks (./safety.ts) → schema of its type → cross-field rules.
 * Schema validation never runs on input that failed the safety checks.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { checkCrossFieldRules } from './cross-field';
import { joinPath, objectIdOf, type Issue } from './issues';
import { Bundle } from './meta';
import { schemaForType, isKnownSchemaType } from './registry';
import { checkSafety, type SafetyLimits } from './safety';
import { CustomObject } from './core';

export interface ValidateOptions {
  /** Path prefix for reported issues, e.g. `objects[12]`. */
  path?: string;
  /** Safety limits (defaults: DEFAULT_SAFETY_LIMITS). */
  limits?: Partial<SafetyLimits>;
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const DOTTED_QUAD =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;

/** RFC 4291 text form (optionally with an embedded IPv4 tail), with an optional /0–128 suffix. */
export function isIpv6WithPrefix(value: string): boolean {
  let addr = value;
  const slash = value.indexOf('/');
  if (slash >= 0) {
    if (!/^(?:12[0-8]|1[01][0-9]|[1-9]?[0-9])$/.test(value.slice(slash + 1))) return false;
    addr = value.slice(0, slash);
  }
  if (addr.length < 2 || addr.length > 45) return false;
  let groups = 8;
  const lastColon = addr.lastIndexOf(':');
  if (addr.slice(lastColon + 1).includes('.')) {
    if (!DOTTED_QUAD.test(addr.slice(lastColon + 1))) return false;
    addr = `${addr.slice(0, lastColon + 1)}0`; // the IPv4 tail takes two groups' room
    groups = 7;
  }
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const split = (s: string) => (s === '' ? [] : s.split(':'));
  const parts = halves.flatMap(split);
  if (!parts.every((g) => HEX_GROUP.test(g))) return false;
  return halves.length === 2 ? parts.length < groups : parts.length === groups;
}

function createAjv(): Ajv {
  // strict: false because the schemas carry annotations (deprecated, TypeBox metadata) that
  // ajv's strict mode does not know; every keyword we rely on is standard draft-07.
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateFormats: true });
  // 'fast' mode: simpler, linear-time uri/email checks (the 'full' uri regex dominates the run time
  // on ATT&CK's ~100k external references).
  addFormats(ajv, { mode: 'fast', formats: ['uri', 'email'] });
  ajv.addFormat('stix-ipv6', { type: 'string', validate: isIpv6WithPrefix });
  return ajv;
}

const ajv = createAjv();
const validators = new Map<string, ValidateFunction>();

function compiled(key: string, schema: TSchema): ValidateFunction {
  let v = validators.get(key);
  if (v === undefined) {
    v = ajv.compile(schema);
    validators.set(key, v);
  }
  return v;
}

/** The compiled validator for objects of `type` (custom types share the common-properties one). */
export function validatorForType(type: string): ValidateFunction {
  return isKnownSchemaType(type) ? compiled(type, schemaForType(type)) : compiled('#custom', CustomObject);
}

/** Validate one STIX 2.1 object; an empty list means valid. Never throws on bad data. */
export function validateStixObject(obj: unknown, options: ValidateOptions = {}): Issue[] {
  const path = options.path ?? '';
  const objectId = objectIdOf(obj);
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return [{ objectId: null, path, message: 'a STIX object must be a JSON object' }];
  }
  const safety = checkSafety(obj, { path, objectId, limits: options.limits });
  if (safety.length > 0) return safety;
  return validateSafeObject(obj as Record<string, unknown>, path, objectId);
}

function validateSafeObject(
  obj: Record<string, unknown>,
  path: string,
  objectId: string | null,
): Issue[] {
  if (typeof obj.type !== 'string') {
    return [{ objectId, path: joinPath(path, 'type'), message: 'missing or non-string "type"' }];
  }
  const validate = validatorForType(obj.type);
  const issues: Issue[] = [];
  if (!validate(obj)) {
    issues.push(...formatErrors(validate.errors ?? [], obj, path, objectId));
  }
  issues.push(...checkCrossFieldRules(obj, path));
  return issues;
}

/** Validate a STIX 2.1 bundle and every object in it; an empty list means valid. */
export function validateBundle(bundle: unknown, options: { limits?: Partial<SafetyLimits> } = {}): Issue[] {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    return [{ objectId: null, path: '', message: 'a bundle must be a JSON object' }];
  }
  const safety = checkSafety(bundle, { objectId: objectIdOf(bundle), limits: options.limits });
  if (safety.length > 0) return safety;
  const b = bundle as Record<string, unknown>;
  const issues: Issue[] = [];
  const envelope = compiled('bundle', Bundle);
  if (!envelope(b)) {
    const errors = (envelope.errors ?? []).filter((e) => !e.instancePath.startsWith('/objects/'));
    issues.push(...formatErrors(errors, b, '', objectIdOf(b)));
  }
  if (Array.isArray(b.objects)) {
    b.objects.forEach((o, i) => {
      const path = joinPath('objects', i);
      if (typeof o !== 'object' || o === null || Array.isArray(o)) {
        issues.push({ objectId: null, path, message: 'a STIX object must be a JSON object' });
      } else {
        issues.push(...validateSafeObject(o as Record<string, unknown>, path, objectIdOf(o)));
      }
    });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// ajv errors → Issue

/** Turn a JSON pointer into `a.b[0]` style, using the data to tell array indexes from keys. */
function pointerToPath(base: string, pointer: string, data: unknown): string {
  if (pointer === '') return base;
  let path = base;
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      path = joinPath(path, i);
      cur = cur[i];
    } else {
      path = joinPath(path, seg);
      cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

function requiredSets(branches: unknown): string[][] | null {
  if (!Array.isArray(branches)) return null;
  const sets: string[][] = [];
  for (const b of branches) {
    if (typeof b !== 'object' || b === null) return null;
    const keys = Object.keys(b);
    const req = (b as { required?: unknown }).required;
    if (keys.length !== 1 || !Array.isArray(req)) return null;
    sets.push(req.map(String));
  }
  return sets;
}

function quote(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function describe(e: ErrorObject): string | null {
  const parent = e.parentSchema as { description?: unknown } | undefined;
  return typeof parent?.description === 'string' ? parent.description : null;
}

function messageFor(e: ErrorObject): string | null {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'if':
      return null; // the failing `then` branch reports the actual problem
    case 'required': {
      // A branch of "at least one of" / "exactly one of": the anyOf/oneOf error says it better.
      if (/\/(?:anyOf|oneOf)\/[0-9]+\/required$/.test(e.schemaPath)) return null;
      const name = String(p.missingProperty);
      const hint =
        name === 'spec_version' ? ' (STIX 2.0 content? upgrade it with upgradeObject20To21 first)' : '';
      return `missing required property "${name}"${hint}`;
    }
    case 'additionalProperties':
      return `property "${String(p.additionalProperty)}" is not allowed here`;
    case 'propertyNames': {
      const schema = e.schema as { description?: unknown } | undefined;
      const what = typeof schema?.description === 'string' ? schema.description : 'a valid name';
      return `invalid property name ${quote(p.propertyName)}: must be ${what}`;
    }
    case 'pattern':
    case 'format': {
      const what = describe(e);
      if (e.propertyName !== undefined) return null; // reported by the propertyNames error
      return what ? `must be ${what}` : `must match ${e.keyword} ${quote(e.keyword === 'pattern' ? p.pattern : p.format)}`;
    }
    case 'maxLength':
      if (e.propertyName !== undefined) return null;
      return `must be at most ${String(p.limit)} characters`;
    case 'const':
      if (e.instancePath.endsWith('/spec_version') && p.allowedValue === '2.1') {
        return 'spec_version must be "2.1" (upgrade STIX 2.0 content with upgradeObject20To21)';
      }
      return `must be ${quote(p.allowedValue)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => quote(v)).join(', ')}`;
    case 'anyOf': {
      const sets = requiredSets(e.schema);
      if (sets) return `must have at least one of: ${sets.map((s) => s.join(' + ')).join(', ')}`;
      return e.message ?? 'must match one of the allowed shapes';
    }
    case 'not': {
      const s = e.schema as { required?: unknown; anyOf?: unknown; pattern?: unknown } | undefined;
      if (Array.isArray(s?.required)) return `must not have ${s.required.join(' together with ')}`;
      const sets = requiredSets(s?.anyOf);
      if (sets) return `must not use the reserved property names ${sets.flat().join(', ')}`;
      const what = describe(e);
      if (what) return `must be ${what}`;
      if (typeof s?.pattern === 'string') return `must not match ${quote(s.pattern)}`;
      return e.message ?? 'is not allowed';
    }
    case 'minItems':
      return Number(p.limit) === 1 ? 'must not be an empty list' : `must have at least ${String(p.limit)} items`;
    case 'minProperties':
      return Number(p.limit) === 1 ? 'must not be empty' : (e.message ?? 'has too few properties');
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

function formatErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  base: string,
  objectId: string | null,
): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  // A union of literals fails as anyOf + one const error per branch; report it once, as an enum.
  const unionPaths = new Set(
    errors.filter((e) => e.keyword === 'anyOf' && isLiteralUnion(e.schema)).map((e) => e.instancePath),
  );
  for (const e of errors) {
    let message: string | null;
    if (e.keyword === 'const' && unionPaths.has(e.instancePath) && !e.schemaPath.endsWith('/then/properties/created/const')) {
      continue;
    }
    if (e.keyword === 'anyOf' && isLiteralUnion(e.schema)) {
      message = `must be one of ${(e.schema as { const: unknown }[]).map((s) => quote(s.const)).join(', ')}`;
    } else {
      message = messageFor(e);
    }
    if (message === null) continue;
    let path = pointerToPath(base, e.instancePath, data);
    if (e.keyword === 'additionalProperties') path = joinPath(path, String((e.params as { additionalProperty: string }).additionalProperty));
    if (e.keyword === 'propertyNames') path = joinPath(path, String((e.params as { propertyName: string }).propertyName).slice(0, 80));
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ objectId, path, message });
  }
  return issues;
}

function isLiteralUnion(schema: unknown): boolean {
  return (
    Array.isArray(schema) &&
    schema.length > 0 &&
    schema.every((s) => typeof s === 'object' && s !== null && 'const' in s && Object.keys(s).length <= 2)
  );
}
