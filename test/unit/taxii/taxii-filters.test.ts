import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../api/src/errors';
import {
  COLLECTION_PARAMS,
  decodeNext,
  encodeNext,
  parseTaxiiQuery,
  stixTimestamp,
  taxiiTimestamp,
  TAXII_MAX_LIMIT,
  VERSIONS_PARAMS,
} from '../../../api/src/services/taxii-filters';
import { retryAfterMs } from '../../../api/src/services/taxii-remote';
import { tokenFromAuthorization } from '../../../api/src/taxii/taxii.http';
import { feedId, normaliseApiRoot } from '../../../api/src/services/taxii-feeds.service';

const parse = (q: string, allow = COLLECTION_PARAMS, defaultVersion: 'last' | 'all' = 'last') =>
  parseTaxiiQuery(new URLSearchParams(q), { allow, defaultVersion });

describe('TAXII query parameters', () => {
  it('defaults to the last version, 1 000 per page, no filters', () => {
    expect(parse('')).toEqual({
      after: null,
      limit: 1000,
      ids: null,
      types: null,
      version: { last: true, first: false, all: false, at: [] },
      specVersionMatches: true,
    });
  });

  it('reads comma lists and repeated match parameters', () => {
    const q = parse('match[type]=malware,tool&match[type]=indicator&match[version]=first,2024-01-01T00:00:00.000Z&match[spec_version]=2.0,2.1');
    expect(q.types).toEqual(['malware', 'tool', 'indicator']);
    expect(q.version).toEqual({ last: false, first: true, all: false, at: ['2024-01-01T00:00:00.000Z'] });
    expect(q.specVersionMatches).toBe(true);
    expect(parse('match[spec_version]=2.0').specVersionMatches).toBe(false);
  });

  it('caps limit and takes the later of added_after and next', () => {
    expect(parse('limit=999999').limit).toBe(TAXII_MAX_LIMIT);
    const next = encodeNext('2025-03-01T00:00:00.000002Z');
    expect(parse(`added_after=2025-03-01T00:00:00.000001Z&next=${next}`).after).toBe('2025-03-01T00:00:00.000002Z');
    expect(parse(`added_after=2025-03-01T00:00:00.1Z&next=${next}`).after).toBe('2025-03-01T00:00:00.1Z');
  });

  it('refuses every bad parameter at once, naming each', () => {
    let error: unknown;
    try {
      parse('limit=-3&added_after=2025-13-45&match[id]=not-an-id&match[type]=Bad_Type&match[version]=latest&match[spec_version]=3.0&foo=1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    for (const name of ['limit', 'added_after', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]', 'foo']) {
      expect((error as Error).message).toContain(name);
    }
  });

  it('takes only what an endpoint allows: versions has no match[id]', () => {
    expect(() => parse('match[id]=malware--00000000-0000-4000-8000-000000000001', VERSIONS_PARAMS, 'all')).toThrow(/match\[id\]: not a parameter/);
    expect(parse('', VERSIONS_PARAMS, 'all').version.all).toBe(true);
  });

  it('next tokens round-trip and forged ones are refused', () => {
    expect(decodeNext(encodeNext('2025-01-01T00:00:00.000001Z'))).toBe('2025-01-01T00:00:00.000001Z');
    expect(() => decodeNext('forged')).toThrow(ValidationError);
    expect(() => decodeNext(Buffer.from('v1:2025-01-01 00:00').toString('base64url'))).toThrow(ValidationError);
  });
});

describe('TAXII timestamps', () => {
  it('writes date_added with exactly six fraction digits, versions with at least three', () => {
    expect(taxiiTimestamp('2025-01-01T10:20:30.000001Z')).toBe('2025-01-01T10:20:30.000001Z');
    expect(taxiiTimestamp('2025-01-01T10:20:30.1Z')).toBe('2025-01-01T10:20:30.100000Z');
    expect(taxiiTimestamp('2025-01-01T10:20Z')).toBe('2025-01-01T10:20:00.000000Z');
    expect(stixTimestamp('2024-01-01T00:00Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(stixTimestamp('2024-01-01T00:00:00.127Z')).toBe('2024-01-01T00:00:00.127Z');
    expect(stixTimestamp('2024-01-01T00:00:00.1234Z')).toBe('2024-01-01T00:00:00.1234Z');
  });
});

describe('TAXII client and server helpers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('Thu, 03 Dec 2026 06:00:10 GMT', Date.parse('2026-12-03T06:00:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });

  it('finds the token in Bearer or in the Basic password', () => {
    expect(tokenFromAuthorization('Bearer ag_abc')).toBe('ag_abc');
    expect(tokenFromAuthorization(`Basic ${Buffer.from('me:ag_abc').toString('base64')}`)).toBe('ag_abc');
    expect(tokenFromAuthorization(`Basic ${Buffer.from('me:').toString('base64')}`)).toBeUndefined();
    expect(tokenFromAuthorization('Digest x')).toBeUndefined();
    expect(tokenFromAuthorization(null)).toBeNull();
  });

  it('names a feed by its API root and collection, whatever the URL spelling', () => {
    expect(normaliseApiRoot('https://attack-taxii.mitre.org/api/v21?x=1')).toBe('https://attack-taxii.mitre.org/api/v21/');
    expect(feedId('https://attack-taxii.mitre.org/api/v21', 'c')).toBe(feedId('https://attack-taxii.mitre.org/api/v21/', 'c'));
    expect(feedId('https://attack-taxii.mitre.org/api/v21/', 'c')).not.toBe(feedId('https://attack-taxii.mitre.org/api/v21/', 'd'));
    expect(() => normaliseApiRoot('ftp://x/')).toThrow(/http/);
  });
});
