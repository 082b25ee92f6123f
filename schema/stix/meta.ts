/**
 * STIX 2.1 meta objects (spec §7, §8): marking-definition (TLP 1.0 and statement markings with
 * `definition_type` / `definition`; TLP 2.0 and other extension-based markings), language-content,
 * extension-definition, and the bundle envelope.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  Dictionary,
  ExtensionType,
  ExternalReference,
  GranularMarking,
  Identifier,
  List,
  NOT_RESERVED,
  PROPERTY_RULES,
  StringList,
  Timestamp,
  identifierNotOf,
  identifierOf,
  Extensions,
} from './common';
import { sdoSchema } from './core';

/** The four TLP 1.0 marking definitions, fixed by the spec (§7.2.1.4). */
export const TLP1_MARKINGS = [
  { id: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', name: 'TLP:WHITE', tlp: 'white' },
  { id: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', name: 'TLP:GREEN', tlp: 'green' },
  { id: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', name: 'TLP:AMBER', tlp: 'amber' },
  { id: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', name: 'TLP:RED', tlp: 'red' },
] as const;
export const TLP1_CREATED = '2017-01-20T00:00:00.000Z';

/**
 * marking-definition (spec §7.2.1). No `modified`: markings are never versioned. Without
 * `extensions` the object must say what it is with `definition_type` + `definition`;
 * `statement` definitions carry a statement and `tlp` definitions must be one of the four
 * spec-defined TLP 1.0 objects, verbatim. TLP 2.0 markings are extension-based (no definition).
 */
export const MarkingDefinition = Type.Object(
  {
    type: Type.Literal('marking-definition'),
    spec_version: Type.Literal('2.1'),
    id: Identifier,
    created_by_ref: Type.Optional(identifierOf('identity')),
    created: Timestamp,
    name: Type.Optional(Type.String()),
    definition_type: Type.Optional(Type.String()),
    definition: Type.Optional(Type.Object({})),
    external_references: Type.Optional(List(ExternalReference)),
    object_marking_refs: Type.Optional(List(identifierOf('marking-definition'))),
    granular_markings: Type.Optional(List(GranularMarking)),
    extensions: Type.Optional(Extensions()),
  },
  {
    $id: 'https://attribution-graph.dev/schema/stix/marking-definition.json',
    title: 'marking-definition',
    ...PROPERTY_RULES,
    allOf: [
      NOT_RESERVED,
      { if: { not: { required: ['extensions'] } }, then: { required: ['definition_type', 'definition'] } },
      requiresTogether('definition_type', 'definition'),
      {
        if: { properties: { definition_type: { const: 'statement' } }, required: ['definition_type'] },
        then: {
          properties: {
            definition: {
              type: 'object',
              properties: { statement: { type: 'string' } },
              required: ['statement'],
            },
          },
        },
      },
      {
        if: { properties: { definition_type: { const: 'tlp' } }, required: ['definition_type'] },
        then: {
          required: ['name'],
          properties: { created: { const: TLP1_CREATED } },
          oneOf: TLP1_MARKINGS.map((m) => ({
            properties: {
              id: { const: m.id },
              name: { const: m.name },
              definition: {
                type: 'object',
                properties: { tlp: { const: m.tlp } },
                required: ['tlp'],
                additionalProperties: false,
              },
            },
          })),
        },
      },
    ],
  },
);
export type MarkingDefinition = Static<typeof MarkingDefinition>;

function requiresTogether(a: string, b: string) {
  return {
    allOf: [
      { if: { required: [a] }, then: { required: [b] } },
      { if: { required: [b] }, then: { required: [a] } },
    ],
  };
}

/** language-content (spec §7.1): translations of another object's text properties. */
export const LanguageContent = sdoSchema('language-content', {
  object_ref: identifierNotOf('bundle', 'language-content'),
  object_modified: Type.Optional(Timestamp),
  contents: Dictionary(Dictionary()),
});
export type LanguageContent = Static<typeof LanguageContent>;

/**
 * extension-definition (spec §7.3). `extension_properties` only belongs to a
 * `toplevel-property-extension`; `created_by_ref` is required for this type.
 */
export const ExtensionDefinition = sdoSchema(
  'extension-definition',
  {
    created_by_ref: identifierOf('identity'),
    name: Type.String(),
    description: Type.Optional(Type.String()),
    schema: Type.String(),
    version: Type.String(),
    extension_types: List(ExtensionType),
    extension_properties: Type.Optional(StringList),
  },
  [
    {
      if: {
        not: {
          properties: { extension_types: { contains: { const: 'toplevel-property-extension' } } },
        },
      },
      then: { not: { required: ['extension_properties'] } },
    },
  ],
);
export type ExtensionDefinition = Static<typeof ExtensionDefinition>;

/**
 * Bundle (spec §8): an envelope, not a STIX object. Its `objects` are only required to be objects
 * here; each one is validated against the schema of its own `type` (see ./validate.ts).
 * A 2.0 bundle carries `spec_version`: upgrade it with upgradeBundle before validating.
 */
export const Bundle = Type.Object(
  {
    type: Type.Literal('bundle'),
    id: identifierOf('bundle'),
    objects: Type.Optional(List(Type.Object({ type: Type.String() }))),
  },
  {
    $id: 'https://attribution-graph.dev/schema/stix/bundle.json',
    title: 'bundle',
    not: { required: ['spec_version'] },
  },
);
/** The bundle with its objects typed as STIX objects (after validation). */
export type Bundle<O = import('./registry').StixObject> = Omit<Static<typeof Bundle>, 'objects'> & {
  objects?: O[];
};

export const META_SCHEMAS = {
  'marking-definition': MarkingDefinition,
  'language-content': LanguageContent,
  'extension-definition': ExtensionDefinition,
} as const;
