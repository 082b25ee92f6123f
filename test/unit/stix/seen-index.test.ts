import { describe, expect, it } from 'vitest';
import { hashRaw } from '../../../api/src/graph/stix.mapping';
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

  it('tells apart ids that share a UUID under different types, and ids that differ only in case', () => {
    const seen = new SeenIndex();
    const uuid = '6b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a5b';
    const ids = [
      `indicator--${uuid}`,
      `malware--${uuid}`,
      `x-custom-thing--${uuid}`,
      `indicator--${uuid.toUpperCase()}`,
      `Indicator--${uuid}`,
      'not-an-id-at-all',
    ];
    ids.forEach((id, i) => seen.set(id, { index: i, hash: hashRaw(id), modified: null }));
    expect(seen.size).toBe(ids.length);
    ids.forEach((id, i) => expect(seen.get(id)).toEqual({ index: i, hash: hashRaw(id), modified: null }));
    expect(seen.get(`identity--${uuid}`)).toBeUndefined();
    expect(seen.get(`indicator--${uuid.replace(/b$/, 'c')}`)).toBeUndefined();
  });

  it('finds every one of 300 000 random ids after many growths, and none it was not given', () => {
    const seen = new SeenIndex();
    const types = ['indicator', 'relationship', 'attack-pattern', 'x-mitre-tactic'];
    const hash = hashRaw('same');
    const ids: string[] = [];
    for (let i = 0; i < 300_000; i++) {
      const id = `${types[i % types.length]}--${crypto.randomUUID()}`;
      ids.push(id);
      seen.set(id, { index: i, hash, modified: null });
    }
    expect(seen.size).toBe(ids.length);
    for (let i = 0; i < ids.length; i += 997) expect(seen.get(ids[i]!)?.index).toBe(i);
    expect(ids.every((id, i) => seen.get(id)!.index === i)).toBe(true);
    for (let i = 0; i < 1000; i++) expect(seen.get(`indicator--${crypto.randomUUID()}`)).toBeUndefined();
  });
});
