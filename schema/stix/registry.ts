/** Every schema by STIX type, and the union types derived from them. */
import type { Static, TSchema } from '@sinclair/typebox';
import { ATTRIBUTION_SCHEMAS } from './attribution';
import { CustomObject, ImpactObject } from './core';
import { META_SCHEMAS } from './meta';
import { SCO_SCHEMAS } from './sco';
import { SDO_SCHEMAS } from './sdo';
import { SRO_SCHEMAS } from './sro';

/** STIX type → schema, for every type we know. Other types use CustomObject. */
export const STIX_SCHEMAS = {
  ...SDO_SCHEMAS,
  ...SRO_SCHEMAS,
  ...SCO_SCHEMAS,
  ...META_SCHEMAS,
  ...ATTRIBUTION_SCHEMAS,
  impact: ImpactObject,
} as const;

export type KnownSchemaType = keyof typeof STIX_SCHEMAS;

export function isKnownSchemaType(type: string): type is KnownSchemaType {
  return Object.prototype.hasOwnProperty.call(STIX_SCHEMAS, type);
}

/** The schema an object of `type` is validated against. */
export function schemaForType(type: string): TSchema {
  const known: Readonly<Record<string, TSchema>> = STIX_SCHEMAS;
  return isKnownSchemaType(type) ? (known[type] ?? CustomObject) : CustomObject;
}

export type CustomStixObject = Static<typeof CustomObject>;
/** Any STIX 2.1 object of a known type. */
export type KnownStixObject = Static<(typeof STIX_SCHEMAS)[KnownSchemaType]>;
/** Any STIX 2.1 object, including custom types (common properties only). */
export type StixObject = KnownStixObject | CustomStixObject;
