/**
 * The 19 STIX 2.1 Domain Objects (spec §4), one schema each. Open vocabularies (`*-ov`) are
 * plain strings, as the spec allows values outside them; closed enumerations are enums.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  Dictionary,
  Identifier,
  KillChainPhase,
  List,
  StringList,
  Timestamp,
  identifierOf,
  identifierNotOf,
} from './common';
import { atLeastOneOf, notBoth, requires, sdoSchema } from './core';

const Name = Type.String();
const Description = Type.Optional(Type.String());
const KillChainPhases = Type.Optional(List(KillChainPhase));
const Aliases = Type.Optional(StringList);
const OptionalTimestamp = Type.Optional(Timestamp);
const ObjectRefs = List(Identifier);

export const AttackPattern = sdoSchema('attack-pattern', {
  name: Name,
  description: Description,
  aliases: Aliases,
  kill_chain_phases: KillChainPhases,
});
export type AttackPattern = Static<typeof AttackPattern>;

export const Campaign = sdoSchema('campaign', {
  name: Name,
  description: Description,
  aliases: Aliases,
  first_seen: OptionalTimestamp,
  last_seen: OptionalTimestamp,
  objective: Type.Optional(Type.String()),
});
export type Campaign = Static<typeof Campaign>;

export const CourseOfAction = sdoSchema('course-of-action', {
  name: Name,
  description: Description,
});
export type CourseOfAction = Static<typeof CourseOfAction>;

export const Grouping = sdoSchema('grouping', {
  name: Type.Optional(Name),
  description: Description,
  context: Type.String({ description: 'grouping-context-ov' }),
  object_refs: ObjectRefs,
});
export type Grouping = Static<typeof Grouping>;

export const Identity = sdoSchema('identity', {
  name: Name,
  description: Description,
  roles: Type.Optional(StringList),
  identity_class: Type.Optional(Type.String({ description: 'identity-class-ov' })),
  sectors: Type.Optional(StringList),
  contact_information: Type.Optional(Type.String()),
});
export type Identity = Static<typeof Identity>;

export const Incident = sdoSchema('incident', {
  name: Name,
  description: Description,
  kill_chain_phases: KillChainPhases,
});
export type Incident = Static<typeof Incident>;

export const Indicator = sdoSchema('indicator', {
  name: Type.Optional(Name),
  description: Description,
  indicator_types: Type.Optional(StringList),
  pattern: Type.String(),
  pattern_type: Type.String({ description: 'pattern-type-ov' }),
  pattern_version: Type.Optional(Type.String()),
  valid_from: Timestamp,
  valid_until: OptionalTimestamp,
  kill_chain_phases: KillChainPhases,
});
export type Indicator = Static<typeof Indicator>;

export const Infrastructure = sdoSchema('infrastructure', {
  name: Name,
  description: Description,
  infrastructure_types: Type.Optional(StringList),
  aliases: Aliases,
  kill_chain_phases: KillChainPhases,
  first_seen: OptionalTimestamp,
  last_seen: OptionalTimestamp,
});
export type Infrastructure = Static<typeof Infrastructure>;

export const IntrusionSet = sdoSchema('intrusion-set', {
  name: Name,
  description: Description,
  aliases: Aliases,
  first_seen: OptionalTimestamp,
  last_seen: OptionalTimestamp,
  goals: Type.Optional(StringList),
  resource_level: Type.Optional(Type.String()),
  primary_motivation: Type.Optional(Type.String()),
  secondary_motivations: Type.Optional(StringList),
});
export type IntrusionSet = Static<typeof IntrusionSet>;

export const Location = sdoSchema(
  'location',
  {
    name: Type.Optional(Name),
    description: Description,
    latitude: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    longitude: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    precision: Type.Optional(Type.Number()),
    region: Type.Optional(Type.String({ description: 'region-ov' })),
    country: Type.Optional(Type.String()),
    administrative_area: Type.Optional(Type.String()),
    city: Type.Optional(Type.String()),
    street_address: Type.Optional(Type.String()),
    postal_code: Type.Optional(Type.String()),
  },
  [
    { anyOf: [{ required: ['region'] }, { required: ['country'] }, { required: ['latitude', 'longitude'] }] },
    requires('latitude', 'longitude'),
    requires('longitude', 'latitude'),
    requires('precision', 'latitude', 'longitude'),
  ],
);
export type Location = Static<typeof Location>;

export const Malware = sdoSchema(
  'malware',
  {
    name: Type.Optional(Name),
    description: Description,
    malware_types: Type.Optional(StringList),
    is_family: Type.Boolean(),
    aliases: Aliases,
    kill_chain_phases: KillChainPhases,
    first_seen: OptionalTimestamp,
    last_seen: OptionalTimestamp,
    operating_system_refs: Type.Optional(List(identifierOf('software'))),
    architecture_execution_envs: Type.Optional(StringList),
    implementation_languages: Type.Optional(StringList),
    capabilities: Type.Optional(StringList),
    sample_refs: Type.Optional(List(identifierOf('file', 'artifact'))),
  },
  // A malware family must have a name (spec §4.11).
  [{ if: { properties: { is_family: { const: true } } }, then: { required: ['name'] } }],
);
export type Malware = Static<typeof Malware>;

export const MalwareAnalysis = sdoSchema(
  'malware-analysis',
  {
    product: Type.String(),
    version: Type.Optional(Type.String()),
    host_vm_ref: Type.Optional(identifierOf('software')),
    operating_system_ref: Type.Optional(identifierOf('software')),
    installed_software_refs: Type.Optional(List(identifierOf('software'))),
    configuration_version: Type.Optional(Type.String()),
    modules: Type.Optional(StringList),
    analysis_engine_version: Type.Optional(Type.String()),
    analysis_definition_version: Type.Optional(Type.String()),
    submitted: OptionalTimestamp,
    analysis_started: OptionalTimestamp,
    analysis_ended: OptionalTimestamp,
    result_name: Type.Optional(Type.String()),
    result: Type.Optional(Type.String({ description: 'malware-result-ov' })),
    analysis_sco_refs: Type.Optional(ObjectRefs),
    sample_ref: Type.Optional(identifierOf('file', 'artifact', 'network-traffic')),
  },
  [atLeastOneOf('result', 'analysis_sco_refs')],
);
export type MalwareAnalysis = Static<typeof MalwareAnalysis>;

export const Note = sdoSchema('note', {
  abstract: Type.Optional(Type.String()),
  content: Type.String(),
  authors: Type.Optional(StringList),
  object_refs: ObjectRefs,
});
export type Note = Static<typeof Note>;

/** SDO types that may not appear in observed-data `object_refs` (SCOs and SROs only, §4.13). */
const OBSERVED_DATA_REF_FORBIDDEN = [
  'attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident',
  'indicator', 'infrastructure', 'intrusion-set', 'location', 'malware-analysis', 'malware',
  'note', 'observed-data', 'opinion', 'report', 'threat-actor', 'tool', 'vulnerability',
  'marking-definition', 'language-content', 'extension-definition', 'bundle',
];

export const ObservedData = sdoSchema(
  'observed-data',
  {
    first_observed: Timestamp,
    last_observed: Timestamp,
    number_observed: Type.Integer({ minimum: 1, maximum: 999_999_999 }),
    /**
     * Deprecated in 2.1 (2.0 style): a dictionary of cyber observables, kept for 2.0 content. As in
     * the OASIS schemas, each is a 2.1 SCO with an `id` (the 2.0 upgrade gives them one).
     */
    objects: Type.Optional(
      Dictionary(Type.Object({ type: Type.String(), id: Identifier }), { deprecated: true }),
    ),
    object_refs: Type.Optional(List(identifierNotOf(...OBSERVED_DATA_REF_FORBIDDEN))),
  },
  [atLeastOneOf('objects', 'object_refs'), notBoth('objects', 'object_refs')],
);
export type ObservedData = Static<typeof ObservedData>;

export const OPINION_VALUES = ['strongly-disagree', 'disagree', 'neutral', 'agree', 'strongly-agree'] as const;

export const Opinion = sdoSchema('opinion', {
  explanation: Type.Optional(Type.String()),
  authors: Type.Optional(StringList),
  opinion: Type.Union(OPINION_VALUES.map((v) => Type.Literal(v))),
  object_refs: ObjectRefs,
});
export type Opinion = Static<typeof Opinion>;

export const Report = sdoSchema('report', {
  name: Name,
  description: Description,
  report_types: Type.Optional(StringList),
  published: Timestamp,
  object_refs: ObjectRefs,
});
export type Report = Static<typeof Report>;

export const ThreatActor = sdoSchema('threat-actor', {
  name: Name,
  description: Description,
  threat_actor_types: Type.Optional(StringList),
  aliases: Aliases,
  first_seen: OptionalTimestamp,
  last_seen: OptionalTimestamp,
  roles: Type.Optional(StringList),
  goals: Type.Optional(StringList),
  sophistication: Type.Optional(Type.String()),
  resource_level: Type.Optional(Type.String()),
  primary_motivation: Type.Optional(Type.String()),
  secondary_motivations: Type.Optional(StringList),
  personal_motivations: Type.Optional(StringList),
});
export type ThreatActor = Static<typeof ThreatActor>;

export const Tool = sdoSchema('tool', {
  name: Name,
  description: Description,
  tool_types: Type.Optional(StringList),
  aliases: Aliases,
  kill_chain_phases: KillChainPhases,
  tool_version: Type.Optional(Type.String()),
});
export type Tool = Static<typeof Tool>;

export const Vulnerability = sdoSchema('vulnerability', {
  name: Name,
  description: Description,
});
export type Vulnerability = Static<typeof Vulnerability>;

export const SDO_SCHEMAS = {
  'attack-pattern': AttackPattern,
  campaign: Campaign,
  'course-of-action': CourseOfAction,
  grouping: Grouping,
  identity: Identity,
  incident: Incident,
  indicator: Indicator,
  infrastructure: Infrastructure,
  'intrusion-set': IntrusionSet,
  location: Location,
  malware: Malware,
  'malware-analysis': MalwareAnalysis,
  note: Note,
  'observed-data': ObservedData,
  opinion: Opinion,
  report: Report,
  'threat-actor': ThreatActor,
  tool: Tool,
  vulnerability: Vulnerability,
} as const;

export type StixDomainObject = Static<(typeof SDO_SCHEMAS)[keyof typeof SDO_SCHEMAS]>;
