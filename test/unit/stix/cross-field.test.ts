import { describe, expect, it } from 'vitest';
import { checkCrossFieldRules, compareTimestamps, validateStixObject } from '../../../schema/stix/index';
import { T0, T1, VALID, clone, uuid } from './fixtures';

describe('cross-field rules', () => {
  it('modified must not precede created (sub-millisecond precision counts)', () => {
    const o: Record<string, unknown> = { ...clone(VALID.campaign!), created: '2024-01-01T00:00:00.0005Z', modified: '2024-01-01T00:00:00.000Z' };
    expect(checkCrossFieldRules(o)).toEqual([
      { objectId: o.id, path: 'modified', message: 'modified must be the same as or later than created' },
    ]);
    expect(checkCrossFieldRules({ ...o, modified: o.created })).toEqual([]);
  });

  it('created and modified must be instants that exist (no 31 February, no leap second: Neo4j stores them as datetimes)', () => {
    const o: Record<string, unknown> = { ...clone(VALID.campaign!), created: '2024-02-31T00:00:00Z', modified: '2024-12-31T23:59:60.5Z' };
    expect(checkCrossFieldRules(o).map((i) => [i.path, i.message])).toEqual([
      ['created', 'created is not a real date and time (2024-02-31T00:00:00Z); leap seconds cannot be stored'],
      ['modified', 'modified is not a real date and time (2024-12-31T23:59:60.5Z); leap seconds cannot be stored'],
    ]);
    expect(checkCrossFieldRules({ ...o, created: '2024-02-29T00:00:00Z', modified: '2024-12-31T23:59:59.999999999Z' })).toEqual([]);
  });

  it('valid_until must be after valid_from (strictly)', () => {
    const o = { ...clone(VALID.indicator!), valid_from: T0, valid_until: T0 };
    expect(checkCrossFieldRules(o).map((i) => i.path)).toEqual(['valid_until']);
  });

  it('first_seen ≤ last_seen and start_time < stop_time', () => {
    expect(checkCrossFieldRules({ ...clone(VALID.campaign!), first_seen: T1, last_seen: T0 }).map((i) => i.path)).toEqual(['last_seen']);
    expect(checkCrossFieldRules({ ...clone(VALID.relationship!), start_time: T1, stop_time: T1 }).map((i) => i.path)).toEqual(['stop_time']);
  });

  it('sighting_of_ref must be an SDO', () => {
    const o = { ...clone(VALID.sighting!), sighting_of_ref: 'ipv4-addr--' + uuid(1) };
    expect(checkCrossFieldRules(o)[0]?.message).toBe('sighting_of_ref must reference an SDO, not a ipv4-addr (cyber-observable)');
  });

  it('relationship endpoints must not be marking-definitions (schema)', () => {
    const o = { ...clone(VALID.relationship!), target_ref: 'marking-definition--' + uuid(1) };
    expect(validateStixObject(o).map((i) => i.path)).toEqual(['target_ref']);
  });

  it('the id prefix must equal the type, for custom types too', () => {
    expect(checkCrossFieldRules({ type: 'x-a', id: 'x-b--' + uuid(1) })[0]?.message).toBe('id must start with "x-a--" (the object\'s type)');
  });

  it('spec_version must be 2.1 (schema), with a hint to upgrade', () => {
    expect(validateStixObject({ ...clone(VALID.tool!), spec_version: '2.0' })).toEqual([
      { objectId: VALID.tool!.id, path: 'spec_version', message: 'spec_version must be "2.1" (upgrade STIX 2.0 content with upgradeObject20To21)' },
    ]);
  });

  it('skips values of the wrong type instead of throwing', () => {
    expect(checkCrossFieldRules({ type: 'campaign', created: 5, modified: null })).toEqual([]);
    expect(compareTimestamps('x', T0)).toBeNull();
  });
});
