import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEdgeRef } from '../../../schema/graph/kinds';
import {
  collectRefs,
  displayName,
  mapStixObject,
  markingRankOf,
  tlpRankOf,
  type JsonObject,
} from '../../../api/src/graph/stix.mapping';
import { inputFromValue, StixInputError } from '../../../importers/stix/parse';

const TLP_RED = 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed';
const EXT = 'extension-definition--07090a5f-0e61-4898-bf6f-2162e4e81c00';
const id = (type: string, n = 1) => `${type}--${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;

describe('collectRefs', () => {
  it('finds refs at any depth with their JSON path, skipping non-identifiers', () => {
    const obj: JsonObject = {
      type: 'attribution-evidence',
      id: id('attribution-evidence'),
      created_by_ref: id('identity'),
      object_refs: [id('indicator'), id('note')],
      ratings: [{ hypothesis_ref: id('attribution-hypothesis'), rating: 'C' }],
      extensions: { [EXT]: { extension_type: 'new-sdo', impacted_refs: [id('infrastructure')] } },
      granular_markings: [{ marking_ref: TLP_RED, selectors: ['description'] }],
      objects: { '0': { type: 'ipv4-addr', value: '1.2.3.4', resolves_to_refs: ['1'] } },
    };
    const refs = collectRefs(obj);
    expect(refs).toHaveLength(6);
    expect(refs).toEqual(expect.arrayContaining([
      { property: 'created_by_ref', name: 'created_by_ref', to: id('identity') },
      { property: 'object_refs', name: 'object_refs', to: id('indicator') },
      { property: 'object_refs', name: 'object_refs', to: id('note') },
      { property: 'ratings[0].hypothesis_ref', name: 'hypothesis_ref', to: id('attribution-hypothesis') },
      { property: `extensions.${EXT}.impacted_refs`, name: 'impacted_refs', to: id('infrastructure') },
      { property: 'granular_markings[0].marking_ref', name: 'marking_ref', to: TLP_RED },
    ]));
  });
});

describe('markings and tlp_rank', () => {
  it('ranks TLP ids, 2.0-style tlp markings, statements and unknown markings', () => {
    expect(markingRankOf({ id: TLP_RED })).toBe(4);
    expect(markingRankOf({ id: id('marking-definition'), definition_type: 'tlp', definition: { tlp: 'green' } })).toBe(1);
    expect(markingRankOf({ id: id('marking-definition'), definition_type: 'statement', definition: { statement: 'x' } })).toBe(0);
    expect(markingRankOf({ id: id('marking-definition'), name: 'custom' })).toBe(4);
  });
  it('takes the maximum over object and granular markings; unmarked is 0; unknown is RED', () => {
    const lookup = (m: string) => (m === 'a' ? 1 : m === 'b' ? 2 : undefined);
    expect(tlpRankOf({ object_marking_refs: ['a'], granular_markings: [{ marking_ref: 'b' }] }, lookup)).toBe(2);
    expect(tlpRankOf({}, lookup)).toBe(0);
    expect(tlpRankOf({ object_marking_refs: ['zzz'] }, lookup)).toBe(4);
  });
});

describe('mapStixObject', () => {
  it('fills the contract properties and the typed relationship edge', () => {
    const rel: JsonObject = {
      type: 'relationship',
      spec_version: '2.1',
      id: id('relationship'),
      created: '2024-01-01T00:00:00.000Z',
      modified: '2024-01-01T00:00:00.000Z',
      relationship_type: 'attributed-to',
      source_ref: id('campaign'),
      target_ref: id('intrusion-set'),
      confidence: 30,
      object_marking_refs: [TLP_RED],
    };
    const m = mapStixObject(rel, () => undefined);
    expect(m.node.label).toBe('Relationship');
    expect(m.node.props).toMatchObject({ name: 'attributed-to', tlp_rank: 4, confidence: 30, revoked: false });
    expect(m.relationship).toEqual({
      type: 'ATTRIBUTED_TO',
      from: id('campaign'),
      to: id('intrusion-set'),
      fromType: 'campaign',
      toType: 'intrusion-set',
      props: { id: id('relationship'), relationship_type: 'attributed-to', tlp_rank: 4, confidence: 30 },
    });
    // Its ends are the typed edge and its marking a property: no ref edges.
    expect(m.refs).toEqual([]);
    expect(m.node.props).toMatchObject({ source_ref: id('campaign'), target_ref: id('intrusion-set'), marking_refs: [TLP_RED] });
  });

  it('makes ref edges of what an object is about, not of who made or marked it', () => {
    const m = mapStixObject(
      {
        type: 'report',
        spec_version: '2.1',
        id: id('report'),
        created: '2024-01-01T00:00:00.000Z',
        modified: '2024-01-01T00:00:00.000Z',
        name: 'r',
        published: '2024-01-01T00:00:00.000Z',
        created_by_ref: id('identity'),
        x_mitre_modified_by_ref: id('identity'),
        object_marking_refs: [TLP_RED],
        granular_markings: [{ marking_ref: TLP_RED, selectors: ['name'] }],
        object_refs: [id('indicator'), id('relationship')],
        x_custom_source_ref: id('campaign'),
      },
      () => undefined,
    );
    expect(m.refs.map((r) => [r.type, r.property, r.to]).sort()).toEqual([
      ['CONTAINS_REF', 'object_refs', id('indicator')],
      ['CONTAINS_REF', 'object_refs', id('relationship')],
      ['REFERS_TO', 'x_custom_source_ref', id('campaign')],
    ]);
    expect(m.node.props).toMatchObject({ created_by_ref: id('identity'), marking_refs: [TLP_RED, TLP_RED] });
    // Not every *_by_ref is metadata: network-traffic's encapsulated_by_ref is a real link.
    expect(isEdgeRef('network-traffic', 'encapsulated_by_ref', 'encapsulated_by_ref')).toBe(true);
    expect(isEdgeRef('x-acme', 'source_ref', 'source_ref')).toBe(true);
  });

  it('keeps aliases and external ids searchable, and custom types as CustomObject', () => {
    const m = mapStixObject(
      {
        type: 'x-mitre-tactic',
        id: id('x-mitre-tactic'),
        name: 'Initial Access',
        x_mitre_aliases: ['IA'],
        external_references: [{ source_name: 'mitre-attack', external_id: 'TA0001' }],
      },
      () => undefined,
    );
    expect(m.node.label).toBe('CustomObject');
    expect(m.node.props).toMatchObject({ aliases_text: 'IA', external_ids: ['TA0001'], external_ids_text: 'TA0001' });
  });

  it('display names fall back on SCO values, hashes and sightings', () => {
    expect(displayName({ type: 'ipv4-addr', value: '198.51.100.3' })).toBe('198.51.100.3');
    expect(displayName({ type: 'file', hashes: { MD5: 'abc', 'SHA-256': 'def' } })).toBe('SHA-256:def');
    expect(displayName({ type: 'sighting', sighting_of_ref: id('indicator') })).toBe(`sighting of ${id('indicator')}`);
  });

  it('raw is the object exactly (property test)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 3 }).map((k) => `x_${k}`), fc.jsonValue()), (extra) => {
        const obj = { type: 'campaign', id: id('campaign'), name: 'c', ...extra } as JsonObject;
        expect(JSON.parse(mapStixObject(obj, () => undefined).node.props.raw)).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });
});

describe('inputFromValue', () => {
  it('accepts bundles, bare arrays and single objects; refuses scalars', () => {
    expect(inputFromValue({ type: 'bundle', id: 'bundle--x', objects: [1, 2] }).shape()).toBe('bundle');
    expect(inputFromValue([{}]).shape()).toBe('array');
    expect(inputFromValue({ type: 'campaign' }).count).toBe(1);
    expect(() => inputFromValue('nope')).toThrow(StixInputError);
  });
});
