/**
 * The repairs of schema/stix/repair.ts on hand-made examples: each repair's result, its report,
 * and what is never touched (markings, valid objects).
 */
import { describe, expect, it } from 'vitest';
import { normalizeTimestamp, repairStixObject, validateStixObject } from '../../../schema/stix/index';

const T = '2024-01-01T00:00:00.000Z';
const tool = (props: Record<string, unknown>) => ({
  type: 'tool', spec_version: '2.1', id: 'tool--00000000-0000-4000-8000-000000000001', created: T, modified: T, name: 't', ...props,
});

describe('normalizeTimestamp', () => {
  it.each([
    ['2024-01-05T08:30:00', true, '2024-01-05T08:30:00.000Z'],
    ['2024-01-05 08:30:00Z', true, '2024-01-05T08:30:00.000Z'],
    ['2024-01-05T08:30:00.5Z', true, '2024-01-05T08:30:00.500Z'],
    ['2024-01-05T08:30:00.123456Z', true, '2024-01-05T08:30:00.123456Z'],
    ['2024-01-05T01:30:00+02:00', true, '2024-01-04T23:30:00.000Z'],
    ['2024-01-05T08:30:00-0130', false, '2024-01-05T10:00:00Z'],
    ['2024-01-05T08:30:00', false, '2024-01-05T08:30:00Z'],
  ])('%s (millis %s) → %s', (input, millis, expected) => {
    expect(normalizeTimestamp(input, millis)).toBe(expected);
  });
  it('leaves what is not a timestamp alone', () => {
    expect(normalizeTimestamp('yesterday', true)).toBeNull();
    expect(normalizeTimestamp('2024-13-45T99:00:00Z', true)).toBeNull();
  });
});

describe('repairStixObject', () => {
  it('returns a valid object unchanged, with no repairs', () => {
    const o = tool({});
    expect(repairStixObject(o)).toEqual({ object: o, repairs: [] });
  });

  it('percent-encodes what a URI cannot hold and reports it', () => {
    const o = tool({ external_references: [{ source_name: 's', url: 'https://ex.org/a b|c%zz%41é' }] });
    const r = repairStixObject(o, 'objects[0]');
    expect((r.object as { external_references: { url: string }[] }).external_references[0]!.url).toBe('https://ex.org/a%20b%7Cc%25zz%41%C3%A9');
    expect(r.repairs).toEqual([
      { path: 'objects[0].external_references[0].url', message: 'not a valid URI (characters a URI cannot hold)', fix: 'percent-encoded: "https://ex.org/a%20b%7Cc%25zz%41%C3%A9"' },
    ]);
    expect(validateStixObject(r.object)).toEqual([]);
    expect((o as unknown as { external_references: { url: string }[] }).external_references[0]!.url).toBe('https://ex.org/a b|c%zz%41é'); // input untouched
  });

  it('does not invent a scheme', () => {
    const o = tool({ external_references: [{ source_name: 's', url: 'www.example.org/a b' }] });
    expect(repairStixObject(o).repairs).toEqual([]);
  });

  it('modified before created: created takes modified', () => {
    const r = repairStixObject(tool({ created: '2024-05-01T00:00:00.000Z', modified: '2023-01-01T00:00:00.000Z' }));
    expect(r.object).toMatchObject({ created: '2023-01-01T00:00:00.000Z', modified: '2023-01-01T00:00:00.000Z' });
    expect(validateStixObject(r.object)).toEqual([]);
  });

  it('missing created/modified: from each other or the object’s own first timestamp; never invented', () => {
    const { created: _c, modified: _m, ...bare } = tool({});
    expect(repairStixObject(bare).repairs).toEqual([]);
    const { created: _c2, modified: _m2, ...indicator } = {
      ...tool({}), type: 'indicator', id: 'indicator--00000000-0000-4000-8000-000000000002', pattern: "[url:value = 'x']", pattern_type: 'stix', valid_from: '2024-02-01T00:00:00Z',
    };
    const r = repairStixObject(indicator);
    expect(r.object).toMatchObject({ created: '2024-02-01T00:00:00.000Z', modified: '2024-02-01T00:00:00.000Z' });
    expect(r.repairs.map((x) => x.path)).toEqual(['created', 'modified']);
  });

  it('unwraps a single-valued vocabulary given as a one-element list, not a longer list', () => {
    const identity = { ...tool({}), type: 'identity', id: 'identity--00000000-0000-4000-8000-000000000003', identity_class: ['unknown'] };
    expect(repairStixObject(identity).object).toMatchObject({ identity_class: 'unknown' });
    expect(repairStixObject({ ...identity, identity_class: ['a', 'b'] }).repairs).toEqual([]);
  });

  it('removes a created_by_ref that is not an identifier, never a marking', () => {
    const o = tool({ created_by_ref: 'identity--not-available', object_marking_refs: ['marking-definition--not-a-uuid'] });
    const r = repairStixObject(o);
    expect(r.object).not.toHaveProperty('created_by_ref');
    expect(r.object).toHaveProperty('object_marking_refs', ['marking-definition--not-a-uuid']);
    expect(validateStixObject(r.object).length).toBeGreaterThan(0); // still invalid: quarantined
  });
});
