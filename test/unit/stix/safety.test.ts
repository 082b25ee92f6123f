import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_SAFETY_LIMITS, checkSafety } from '../../../schema/stix/index';

describe('checkSafety', () => {
  it('rejects prototype-polluting keys anywhere, naming the object and path', () => {
    const input = JSON.parse(
      '{"type":"bundle","id":"bundle--1","objects":[{"id":"tool--a","x_a":[{"constructor":1}]},{"id":"tool--b","prototype":2}]}',
    );
    expect(checkSafety(input)).toEqual([
      { objectId: 'tool--a', path: 'objects[0].x_a[0].constructor', message: 'forbidden property name "constructor"' },
      { objectId: 'tool--b', path: 'objects[1].prototype', message: 'forbidden property name "prototype"' },
    ]);
  });

  it('rejects nesting deeper than the limit without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const issues = checkSafety({ id: 'x-a--1', x_deep: deep });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toBe(`nesting deeper than ${DEFAULT_SAFETY_LIMITS.maxDepth} levels`);
    expect(issues[0]!.objectId).toBe('x-a--1');
  });

  it('rejects long strings, long arrays and long keys, with configurable limits', () => {
    const limits = { maxStringLength: 10, maxArrayLength: 3, maxKeyLength: 5 };
    expect(checkSafety({ a: 'x'.repeat(11), b: [1, 2, 3, 4], toolong: 1 }, { limits }).map((i) => i.path)).toEqual([
      'a',
      'b',
      'toolong',
    ]);
    expect(checkSafety({ a: 'x'.repeat(10), b: [1, 2, 3] }, { limits })).toEqual([]);
  });

  it('accepts any JSON within the limits', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        const safeKeys = !JSON.stringify(v).match(/"(?:__proto__|constructor|prototype)":/);
        return !safeKeys || checkSafety(v).length === 0;
      }),
    );
  });
});
