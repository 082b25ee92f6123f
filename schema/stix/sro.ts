/** The two STIX 2.1 Relationship Objects (spec §5). */
import { Type, type Static } from '@sinclair/typebox';
import { List, MAX_NAME_LENGTH, Timestamp, cappedString, identifierNotOf, identifierOf } from './common';
import { sdoSchema } from './core';

/** Types that can never be the endpoint of a relationship (spec §5.1: SDOs and SCOs only). */
export const NON_ENDPOINT_TYPES = [
  'relationship',
  'sighting',
  'bundle',
  'marking-definition',
  'language-content',
  'extension-definition',
] as const;

export const Relationship = sdoSchema('relationship', {
  relationship_type: cappedString(MAX_NAME_LENGTH, '^[a-z0-9-]+$', {
    description: 'relationship type: lowercase ASCII letters, digits and hyphens',
  }),
  description: Type.Optional(Type.String()),
  source_ref: identifierNotOf(...NON_ENDPOINT_TYPES),
  target_ref: identifierNotOf(...NON_ENDPOINT_TYPES),
  start_time: Type.Optional(Timestamp),
  stop_time: Type.Optional(Timestamp),
});
export type Relationship = Static<typeof Relationship>;

export const Sighting = sdoSchema('sighting', {
  description: Type.Optional(Type.String()),
  first_seen: Type.Optional(Timestamp),
  last_seen: Type.Optional(Timestamp),
  count: Type.Optional(Type.Integer({ minimum: 0, maximum: 999_999_999 })),
  // Must be an SDO: SROs and meta objects are excluded here, SCOs by the cross-field rules.
  sighting_of_ref: identifierNotOf(...NON_ENDPOINT_TYPES),
  observed_data_refs: Type.Optional(List(identifierOf('observed-data'))),
  where_sighted_refs: Type.Optional(List(identifierOf('identity', 'location'))),
  summary: Type.Optional(Type.Boolean()),
});
export type Sighting = Static<typeof Sighting>;

export const SRO_SCHEMAS = { relationship: Relationship, sighting: Sighting } as const;
export type StixRelationshipObject = Relationship | Sighting;
