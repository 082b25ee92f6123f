/**
 * Builders for the three STIX object families (spec §3.2 common properties): SDO/SRO core,
 * SCO core (§6.1) and the shape of objects whose type we do not know (custom `x-…` types and types
 * declared by an extension-definition, e.g. the Incident Core `event`, `impact`, `task`).
 *
 * Every object schema allows custom properties (spec §11.1) — any valid property name, any value
 * but null / empty list — so `x_*` properties and `toplevel-property-extension` properties are
 * accepted and kept. Cross-field rules (modified ≥ created …) live in ./cross-field.ts.
 */
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import {
  Extensions,
  ExternalReference,
  GranularMarking,
  Identifier,
  List,
  NOT_RESERVED,
  PROPERTY_RULES,
  StringList,
  Timestamp,
  TimestampMillis,
  TypeName,
  identifierOf,
} from './common';

/** Common properties of every SDO and SRO (spec §3.2), except `type` and `id`. */
export const SDO_COMMON_PROPERTIES = {
  spec_version: Type.Literal('2.1'),
  created_by_ref: Type.Optional(identifierOf('identity')),
  labels: Type.Optional(StringList),
  created: TimestampMillis,
  modified: TimestampMillis,
  revoked: Type.Optional(Type.Boolean()),
  confidence: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  lang: Type.Optional(Type.String()),
  external_references: Type.Optional(List(ExternalReference)),
  object_marking_refs: Type.Optional(List(identifierOf('marking-definition'))),
  granular_markings: Type.Optional(List(GranularMarking)),
  extensions: Type.Optional(Extensions()),
};

/** Common properties of every SCO (spec §6.1), except `type` and `id`. */
export const SCO_COMMON_PROPERTIES = {
  spec_version: Type.Optional(Type.Literal('2.1')),
  object_marking_refs: Type.Optional(List(identifierOf('marking-definition'))),
  granular_markings: Type.Optional(List(GranularMarking)),
  defanged: Type.Optional(Type.Boolean()),
  extensions: Type.Optional(Extensions()),
};

/** Extra JSON Schema constraints (anyOf / oneOf / if-then) that sit beside the properties. */
export type Constraint = Record<string, unknown>;

function objectOptions(type: string, constraints: readonly Constraint[]) {
  return {
    $id: `https://attribution-graph.dev/schema/stix/${type}.json`,
    title: type,
    ...PROPERTY_RULES,
    allOf: [NOT_RESERVED, ...constraints],
  };
}

/**
 * An SDO or SRO schema: `type` fixed, `id` any identifier (the id prefix = type rule is a
 * cross-field rule so it reads the same for known and custom types), common properties, `props`.
 */
export function sdoSchema<T extends string, P extends TProperties>(
  type: T,
  props: P,
  constraints: readonly Constraint[] = [],
) {
  return Type.Object(
    { type: Type.Literal(type), id: Identifier, ...SDO_COMMON_PROPERTIES, ...props },
    objectOptions(type, constraints),
  );
}

/** An SCO schema (spec §6): `type`, `id`, SCO common properties, `props`. */
export function scoSchema<T extends string, P extends TProperties>(
  type: T,
  props: P,
  constraints: readonly Constraint[] = [],
) {
  return Type.Object(
    { type: Type.Literal(type), id: Identifier, ...SCO_COMMON_PROPERTIES, ...props },
    objectOptions(type, constraints),
  );
}

/** "At least one of these properties" (JSON Schema anyOf of required). */
export function atLeastOneOf(...names: readonly string[]): Constraint {
  return { anyOf: names.map((n) => ({ required: [n] })) };
}

/** `if` property `a` present then `b` must be present too. */
export function requires(a: string, ...b: readonly string[]): Constraint {
  return { if: { required: [a] }, then: { required: b } };
}

/** Not both properties at once. */
export function notBoth(a: string, b: string): Constraint {
  return { not: { required: [a, b] } };
}

const SDO_COMMON_OPTIONAL = Object.fromEntries(
  Object.entries(SDO_COMMON_PROPERTIES).map(([k, v]) => [k, Type.Optional(v as TSchema)]),
);

/** Reserved names are out; an object with `created` or `modified` is held to SDO rules. */
const CUSTOM_OBJECT_RULES = [
  NOT_RESERVED,
  {
    if: { anyOf: [{ required: ['created'] }, { required: ['modified'] }] },
    then: { required: ['spec_version', 'created', 'modified'] },
  },
];

/**
 * Objects of a type we have no schema for (custom `x-…` types, extension `new-sdo` / `new-sco` /
 * `new-sro` types): the common properties only. An object carrying `created` or `modified` is an
 * SDO/SRO and needs both plus `spec_version`; otherwise it is held to the SCO core (type and id).
 */
export const CustomObject = Type.Object(
  {
    type: TypeName,
    id: Identifier,
    ...SDO_COMMON_OPTIONAL,
    spec_version: Type.Optional(Type.Literal('2.1')),
    defanged: Type.Optional(Type.Boolean()),
  },
  {
    $id: 'https://attribution-graph.dev/schema/stix/custom-object.json',
    title: 'custom object (common properties only)',
    ...PROPERTY_RULES,
    allOf: CUSTOM_OBJECT_RULES,
  },
);

/**
 * Impact categories of the OASIS Incident Core `impact` extension: each impact carries its
 * category-specific properties under `extensions.<category>` (see its extension-definition).
 */
export const IMPACT_CATEGORIES = [
  'availability', 'confidentiality', 'external', 'integrity', 'monetary', 'physical', 'traceability',
] as const;

/**
 * The Incident Core `impact` object: common properties like any extension SDO, plus the
 * category-named sub-extensions its definition prescribes (a deliberate difference from the OASIS
 * 2.1 schemas, which know nothing of this extension and reject such keys; docs/stix-schemas.md).
 */
export const ImpactObject = Type.Object(
  {
    ...CustomObject.properties,
    extensions: Type.Optional(Extensions({}, IMPACT_CATEGORIES)),
  },
  {
    $id: 'https://attribution-graph.dev/schema/stix/impact.json',
    title: 'impact (Incident Core extension SDO, common properties + category sub-extensions)',
    ...PROPERTY_RULES,
    allOf: CUSTOM_OBJECT_RULES,
  },
);

export { Timestamp };
