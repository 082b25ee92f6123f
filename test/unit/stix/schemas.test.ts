import { describe, expect, it } from 'vitest';
import {
  STIX_SCHEMAS,
  checkSafety,
  validateBundle,
  validateStixObject,
  type ValidationIssue,
} from '../../../schema/stix/index';
import { SCO_TYPES, SDO_TYPES, SRO_TYPES } from '../../../schema/graph/kinds';
import { BREAK, T0, T1, VALID, clone, uuid } from './fixtures';

const paths = (issues: ValidationIssue[]) => issues.map((i) => i.path);

describe('schemas per type', () => {
  it('has a schema and a fixture for every SDO, SRO and SCO of the spec', () => {
    for (const t of [...SDO_TYPES, ...SRO_TYPES, ...SCO_TYPES]) {
      expect(Object.keys(STIX_SCHEMAS)).toContain(t);
      expect(Object.keys(VALID)).toContain(t);
    }
    expect(Object.keys(BREAK).sort()).toEqual(Object.keys(VALID).sort());
  });

  for (const [type, valid] of Object.entries(VALID)) {
    it(`${type}: accepts the example`, () => {
      expect(validateStixObject(valid)).toEqual([]);
    });
    const [name, edit] = BREAK[type]!;
    it(`${type}: rejects ${name}, naming the object`, () => {
      const broken = clone(valid);
      edit(broken);
      const issues = validateStixObject(broken);
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.every((i) => i.objectId === valid.id)).toBe(true);
    });
  }

  it('reports the field path of a nested problem', () => {
    const o = clone(VALID['attack-pattern']!);
    o.external_references = [{ source_name: 'x', url: 'not a url' }];
    expect(validateStixObject(o, { path: 'objects[3]' })).toEqual([
      { objectId: o.id, path: 'objects[3].external_references[0].url', message: 'must match format "uri"' },
    ]);
  });

  it('says which property is missing', () => {
    const o = clone(VALID.report!);
    delete o.published;
    expect(validateStixObject(o)).toEqual([
      { objectId: o.id, path: '', message: 'missing required property "published"' },
    ]);
  });

  it('hints at the upgrade when spec_version is missing (STIX 2.0 content)', () => {
    const o = clone(VALID.campaign!);
    delete o.spec_version;
    expect(validateStixObject(o)[0]?.message).toMatch(/upgradeObject20To21/);
  });
});

describe('custom content', () => {
  it('accepts and keeps x_ properties', () => {
    const o = { ...clone(VALID.malware!), x_mitre_platforms: ['Windows'], x_acme: { nested: true } };
    expect(validateStixObject(o)).toEqual([]);
    expect(o.x_mitre_platforms).toEqual(['Windows']);
  });

  it.each([
    ['uppercase', 'X_acme'],
    ['hyphen', 'x-acme'],
    ['too short', 'xa'],
    ['space', 'x acme'],
    ['too long', 'x'.repeat(251)],
  ])('rejects a property name with %s', (_, name) => {
    const issues = validateStixObject({ ...clone(VALID.tool!), [name]: 1 });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/invalid property name|property name is 251 characters/);
  });

  it('rejects null values and empty lists in custom properties', () => {
    const issues = validateStixObject({ ...clone(VALID.tool!), x_a: null, x_b: [] });
    expect(paths(issues).sort()).toEqual(['x_a', 'x_b']);
  });

  it('accepts extension-definition and predefined extension keys, and toplevel extension properties', () => {
    const ext = 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e';
    expect(
      validateStixObject({
        ...clone(VALID.indicator!),
        rank: 5,
        extensions: { [ext]: { extension_type: 'toplevel-property-extension' }, 'x-acme-ext': { score: 1 } },
      }),
    ).toEqual([]);
  });

  it('rejects an extensions key that is neither form', () => {
    const issues = validateStixObject({ ...clone(VALID.indicator!), extensions: { acme: { a: 1 } } });
    expect(issues.map((i) => i.message)).toContain(
      'invalid property name "acme": must be an extension key: extension-definition--<uuid> or a predefined *-ext name',
    );
  });

  it('validates custom and extension-defined types against the common properties only', () => {
    const event = {
      type: 'event',
      spec_version: '2.1',
      id: 'event--' + uuid(1),
      created: T0,
      modified: T1,
      status: 'occurred',
      extensions: { 'extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e': { extension_type: 'new-sdo' } },
    };
    expect(validateStixObject(event)).toEqual([]);
    expect(validateStixObject({ ...event, created: 'yesterday' }).map((i) => i.path)).toEqual(['created']);
  });
});

describe('identifiers and *_ref / *_refs properties', () => {
  const ID = 'infrastructure--' + uuid(3);
  // From OASIS Incident Core example_2.3.json: "5f6g" is not hex and "7a8d" is no RFC 4122 version.
  const NOT_HEX = 'infrastructure--a1b2c3d4-5e6f-7a8d-9e0a-1b2c3d4e5f6g';
  const impact = { type: 'impact', id: 'impact--' + uuid(4), impact_category: 'availability', impacted_refs: [ID] };

  it('accepts identifiers of any type of 3 to 250 characters, hex UUID of version 1-5 and variant 10xx', () => {
    for (const ref of [ID, 'abc--' + uuid(5), `${'a'.repeat(250)}--${uuid(6)}`, 'x-acme-thing--' + uuid(7).toUpperCase()]) {
      expect(validateStixObject({ ...impact, impacted_refs: [ref] })).toEqual([]);
    }
  });

  it.each([
    ['a non-hex UUID', NOT_HEX],
    ['UUID version 7 (RFC 9562, not RFC 4122)', 'infrastructure--01890a5d-ac96-774b-bcce-b302099a8057'],
    ['UUID variant 0xxx', 'infrastructure--00000000-0000-4000-0000-000000000001'],
    ['a 2-character type', 'ab--' + uuid(8)],
    ['a 251-character type', `${'a'.repeat(251)}--${uuid(9)}`],
    ['a type ending with a hyphen', 'abc---' + uuid(10)],
    ['no UUID', 'infrastructure--'],
    ['an uppercase type', 'Infrastructure--' + uuid(11)],
  ])('rejects %s in *_refs of a custom object, naming the element', (_, ref) => {
    const issues = validateStixObject({ ...impact, impacted_refs: [ID, ref] });
    expect(paths(issues)).toEqual(['impacted_refs[1]']);
    // Over-long identifiers fail on the length cap before any pattern runs.
    expect(issues[0]!.message).toMatch(/identifier|at most 288 characters/);
  });

  it('types *_ref / *_refs of custom objects, extension bodies and non-x_ custom properties', () => {
    const stateChange = { type: 'state-change', id: 'state-change--' + uuid(12), result_ref: NOT_HEX };
    expect(paths(validateStixObject(stateChange))).toEqual(['result_ref']);
    expect(paths(validateStixObject({ ...clone(VALID.campaign!), acme_target_ref: NOT_HEX, acme_refs: [] })).sort()).toEqual([
      'acme_refs',
      'acme_target_ref',
    ]);
    const ext = 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e';
    const inExtension = { ...clone(VALID.campaign!), extensions: { [ext]: { extension_type: 'property-extension', owner_ref: 'nope' } } };
    expect(paths(validateStixObject(inExtension))).toEqual([`extensions["${ext}"].owner_ref`]);
  });

  it('leaves x_ custom properties free-form (ATT&CK ships x_mitre_data_source_ref: "")', () => {
    expect(validateStixObject({ ...clone(VALID.campaign!), x_mitre_data_source_ref: '', x_acme_refs: ['anything'] })).toEqual([]);
  });

  it('stays fast on long non-matching identifiers and property names', () => {
    const started = performance.now();
    const long = `${'a-'.repeat(124)}a--${'0'.repeat(35)}g`;
    const issues = validateStixObject({ ...impact, impacted_refs: [long], [`${'a_'.repeat(120)}ref`]: long });
    console.log(`long identifiers / *_ref names: ${(performance.now() - started).toFixed(2)} ms`);
    expect(issues).toHaveLength(2);
  });
});

describe('ReDoS: pathological names are rejected quickly', () => {
  // The OASIS extensions-key pattern ^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\-ext$ takes ~0.3 s on a
  // 29-character key and ~4x longer per 2 more characters. Ours are linear and length-capped.
  const keys = [
    'a'.repeat(40) + '!',
    'a'.repeat(200) + '-ex!',
    'ab1'.repeat(80) + '-',
    'extension-definition--' + 'a'.repeat(200),
    'a-'.repeat(120) + '!',
    'a'.repeat(5000),
  ];
  it.each(keys.map((k) => [k.length, k]))('rejects a %i-character extensions key with a clear message', (_, key) => {
    const started = performance.now();
    const issues = validateStixObject({ ...clone(VALID.indicator!), extensions: { [key]: { x_a: 1 } } });
    console.log(`extensions key of ${key.length} chars: ${(performance.now() - started).toFixed(2)} ms`);
    // The key is reported (an extension-definition-looking key also gets its body checked).
    expect(issues[0]!.path).toMatch(/^extensions[.[]/);
    expect(issues[0]!.message).toMatch(/^(invalid property name .*must be an extension key|property name is \d+ characters long)/);
  });

  it.each(keys.map((k) => [k.length, k]))('rejects a %i-character top-level property name and type', (_, key) => {
    const started = performance.now();
    const issues = validateStixObject({ ...clone(VALID.tool!), [key]: 1, type: key, id: `${key}--${uuid(1)}` });
    console.log(`property name / type of ${key.length} chars: ${(performance.now() - started).toFixed(2)} ms`);
    expect(issues.length).toBeGreaterThan(0);
  });
});

describe('validateBundle', () => {
  const bundle = {
    type: 'bundle',
    id: 'bundle--' + uuid(1),
    objects: [clone(VALID.campaign!), { ...clone(VALID.tool!), x_bad: null }, 'nope'],
  };

  it('collects every problem with the object id and an objects[i] path', () => {
    expect(validateBundle(bundle)).toEqual([
      { objectId: VALID.tool!.id, path: 'objects[1].x_bad', message: 'must be string,number,integer,boolean,object,array' },
      { objectId: null, path: 'objects[2]', message: 'a STIX object must be a JSON object' },
    ]);
  });

  it('accepts a valid bundle and rejects a 2.0 one with a hint', () => {
    expect(validateBundle({ ...bundle, objects: [clone(VALID.campaign!)] })).toEqual([]);
    expect(validateBundle({ ...bundle, spec_version: '2.0', objects: [clone(VALID.campaign!)] })).toHaveLength(1);
  });

  it('never throws on garbage', () => {
    for (const junk of [null, 1, 'x', [], { type: 'bundle' }, { type: 'bundle', id: 5, objects: 'x' }]) {
      expect(() => validateBundle(junk)).not.toThrow();
      expect(validateBundle(junk).length).toBeGreaterThan(0);
    }
    expect(validateStixObject({})).toEqual([{ objectId: null, path: 'type', message: 'missing or non-string "type"' }]);
  });

  it('runs the safety checks first and reports the offending object', () => {
    const evil = JSON.parse(`{"type":"bundle","id":"bundle--${uuid(1)}","objects":[{"type":"tool","id":"tool--${uuid(2)}","__proto__":{"x":1}}]}`);
    expect(validateBundle(evil)).toEqual([
      { objectId: 'tool--' + uuid(2), path: 'objects[0].__proto__', message: 'forbidden property name "__proto__"' },
    ]);
    expect(checkSafety(evil)).toHaveLength(1);
  });
});
