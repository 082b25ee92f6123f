import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, caseObjectId, scoId, uuidv5 } from '../../../importers/factsheet';

describe('uuidv5', () => {
  it('matches the RFC 9562 / Python uuid.uuid5 vector for the DNS namespace', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidv5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('always yields a version-5, RFC-variant UUID', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(uuidv5(name, '00abedb4-aa42-466c-9c01-fed23315a9b7')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }),
    );
  });
});

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys, keeps array order and escapes like ECMAScript', () => {
    expect(canonicalJson({ z: [2, 1], a: { y: true, x: 'é"\n' } })).toBe('{"a":{"x":"é\\"\\n","y":true},"z":[2,1]}');
  });
});

describe('STIX 2.1 §2.9 deterministic SCO ids', () => {
  it('reproduces the specification example for domain-name example.com', () => {
    // STIX 2.1 (Errata 01) example; also the python-stix2 test vector.
    expect(scoId('domain-name', { value: 'example.com' })).toBe('domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7');
  });

  it('computes user-account ids over account_login only when it is the only contributing property', () => {
    // The spec has no user-account example. Computed independently with Python:
    //   uuid.uuid5(uuid.UUID('00abedb4-aa42-466c-9c01-fed23315a9b7'), '{"account_login":"jdoe"}')
    expect(scoId('user-account', { account_login: 'jdoe' })).toBe('user-account--bc11eaab-cfd6-5ad8-bf02-2386bf690e12');
  });

  it('ignores non-contributing properties', () => {
    expect(scoId('user-account', { account_login: 'jdoe', display_name: 'J. Doe' })).toBe(scoId('user-account', { account_login: 'jdoe' }));
  });
});

describe('caseObjectId', () => {
  it('is stable and separates slugs, types and keys', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (slug, a, b) => {
        expect(caseObjectId('note', slug, a)).toBe(caseObjectId('note', slug, a));
        if (a !== b) expect(caseObjectId('note', slug, a)).not.toBe(caseObjectId('note', slug, b));
      }),
    );
    expect(caseObjectId('note', 's', 'k')).not.toBe(caseObjectId('note', 't', 'k'));
    expect(caseObjectId('note', 's', 'k').slice(6)).not.toBe(caseObjectId('task', 's', 'k').slice(6));
  });
});
