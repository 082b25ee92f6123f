/**
 * Test-only loader for the official OASIS STIX 2.1 JSON Schemas in ../shared/stix2-json-schemas
 * (draft 2020-12). Never imported by runtime code; the schemas are read in place, not copied.
 *
 * How the oracle picks a schema mirrors ours: the schema of the object's type when OASIS has one;
 * otherwise (custom types) "core OR cyber-observable-core". OASIS's own bundle.json uses
 * `oneOf` there, which rejects every custom SDO (it satisfies both cores) — a known OASIS bug we do
 * not want to inherit, so the oracle uses `anyOf`.
 *
 * Beware: OASIS's `extensions` key pattern and `type` pattern backtrack catastrophically; only feed
 * this oracle corpus data and short hand-written keys.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export const SHARED_DIR = join(import.meta.dirname, '../../../../shared');
export const OASIS_SCHEMA_DIR = join(SHARED_DIR, 'stix2-json-schemas');
export const CORPUS_DIR = join(SHARED_DIR, 'corpus');
export const HAVE_SHARED = existsSync(OASIS_SCHEMA_DIR) && existsSync(CORPUS_DIR);

const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

export interface Oracle {
  accepts(obj: unknown): boolean;
}

export function loadOasisOracle(): Oracle {
  const ajv = new Ajv2020({ allErrors: false, strict: false, unicodeRegExp: false });
  addFormats(ajv, ['uri', 'email']);
  ajv.addFormat('idn-hostname', true); // not checked by ajv-formats; neither oracle nor we check it
  const byType = new Map<string, string>();
  for (const file of listJson(OASIS_SCHEMA_DIR)) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id: string };
    ajv.addSchema(schema);
    const rel = relative(OASIS_SCHEMA_DIR, file).replace(/\\/g, '/');
    const m = /^(?:sdos|sros|observables)\/(.+)\.json$/.exec(rel);
    if (m?.[1]) byType.set(m[1], schema.$id);
  }
  for (const t of ['marking-definition', 'language-content', 'extension-definition']) {
    byType.set(t, `${BASE}common/${t}.json`);
  }
  const custom = ajv.compile({
    anyOf: [{ $ref: `${BASE}common/core.json` }, { $ref: `${BASE}common/cyber-observable-core.json` }],
  });
  const cache = new Map<string, ValidateFunction>();
  return {
    accepts(obj) {
      const type = typeof obj === 'object' && obj !== null ? (obj as { type?: unknown }).type : undefined;
      const id = typeof type === 'string' ? byType.get(type) : undefined;
      if (id === undefined) return custom(obj) === true;
      let v = cache.get(id);
      if (!v) {
        v = ajv.getSchema(id);
        if (!v) throw new Error(`OASIS schema ${id} not loaded`);
        cache.set(id, v);
      }
      return v(obj) === true;
    },
  };
}

export interface CorpusObject {
  file: string;
  index: number;
  object: unknown;
}

/** Every object of the corpus: bundles' objects, bare arrays' items, single objects. */
export function loadCorpusObjects(upgrade: (bundle: unknown) => unknown, isV20: (b: unknown) => boolean): CorpusObject[] {
  const out: CorpusObject[] = [];
  for (const file of listJson(CORPUS_DIR)) {
    let data: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const rel = relative(CORPUS_DIR, file);
    if (typeof data === 'object' && data !== null && '$schema' in data) continue; // a JSON Schema
    if (isV20(data)) data = upgrade(data);
    const items: unknown[] = Array.isArray(data)
      ? data
      : typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'bundle'
        ? ((data as { objects?: unknown[] }).objects ?? [])
        : [data];
    items.forEach((object, index) => out.push({ file: rel, index, object }));
  }
  return out;
}
