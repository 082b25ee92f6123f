import { describe, expect, it } from 'vitest';
import { hashRaw } from '../../../importers/stix/map';
import { SeenIndex } from '../../../api/src/services/stix-seen';

describe('SeenIndex (what an import remembers per id)', () => {
  it('gives back index, hash and modified as set, for thousands of ids (past its first growth)', () => {
    const seen = new SeenIndex();
    const n = 5000;
    for (let i = 0; i < n; i++) {
      seen.set(`indicator--00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`, {
        index: i * 3,
        hash: hashRaw(`object ${i}`),
        modified: i % 2 === 0 ? '2024-01-01T00:00:00.000Z' : null,
      });
    }
    expect(seen.size).toBe(n);
    for (const i of [0, 1, 1023, 1024, 4999]) {
      expect(seen.get(`indicator--00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`)).toEqual({
        index: i * 3,
        hash: hashRaw(`object ${i}`),
        modified: i % 2 === 0 ? '2024-01-01T00:00:00.000Z' : null,
      });
    }
    expect(seen.get('indicator--00000000-0000-4000-8000-ffffffffffff')).toBeUndefined();
  });

  it('keeps the digits beyond the millisecond, so versions 1 µs apart stay apart', () => {
    const seen = new SeenIndex();
    const hash = hashRaw('x');
    seen.set('a', { index: 0, hash, modified: '2024-05-06T07:08:09.123456Z' });
    seen.set('b', { index: 1, hash, modified: '2024-05-06T07:08:09.123457Z' });
    seen.set('c', { index: 2, hash, modified: '2024-05-06T07:08:09Z' });
    seen.set('d', { index: 3, hash, modified: '2024-05-06T07:08:09.1Z' });
    expect(seen.get('a')!.modified).toBe('2024-05-06T07:08:09.123456Z');
    expect(seen.get('b')!.modified).toBe('2024-05-06T07:08:09.123457Z');
    expect(Date.parse(seen.get('c')!.modified!)).toBe(Date.parse('2024-05-06T07:08:09Z'));
    expect(Date.parse(seen.get('d')!.modified!)).toBe(Date.parse('2024-05-06T07:08:09.100Z'));
  });

  it('a later set of the same id replaces its entry without a new slot', () => {
    const seen = new SeenIndex();
    seen.set('a', { index: 0, hash: hashRaw('one'), modified: null });
    seen.set('a', { index: 7, hash: hashRaw('two'), modified: '2025-12-11T20:00:00.000Z' });
    expect(seen.size).toBe(1);
    expect(seen.get('a')).toEqual({ index: 7, hash: hashRaw('two'), modified: '2025-12-11T20:00:00.000Z' });
  });
});
