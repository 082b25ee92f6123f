/**
 * The one vocabulary of the graph: node labels, edge types and the mapping from STIX types.
 *
 * Everything that writes Cypher takes labels and relationship types from here and never from
 * input, because Cypher cannot parameterise them. The web front end uses the same constants for
 * its stylesheet and legend. This module imports nothing and stays browser-safe.
 */

/** Label carried by every stored STIX object (and by placeholders for refs not yet resolved). */
export const STIX_OBJECT = 'StixObject' as const;
/** Extra label of a node created for a `*_ref` whose target has not been imported yet. */
export const PLACEHOLDER = 'Placeholder' as const;
/** Label of an older version of a STIX object, hung off the current one. */
export const STIX_VERSION = 'StixVersion' as const;
/** Label of objects written by an import that has not finished (invisible to readers). */
export const STAGED = 'Staged' as const;
/** Label of an API bearer token (hashed at rest); not a STIX object, never returned by STIX queries. */
export const API_TOKEN = 'ApiToken' as const;
/** Marker of a staged STIX import (status staged → committed | failed); not a STIX object. */
export const STIX_IMPORT = 'StixImport' as const;
/**
 * An input object an import did not store as a graph object (issue 13): kept with its raw JSON,
 * source, import id and reasons, TLP-filtered, analyst-only; not a STIX object.
 */
export const QUARANTINED = 'Quarantined' as const;
/** A canvas saved on the server under a short id (services/views.service.ts). */
export const SAVED_VIEW = 'SavedView' as const;
/** Audit record of a case mutation (who, when, what before/after); not a STIX object. */
export const AUDIT_ENTRY = 'AuditEntry' as const;
/** A TAXII collection defined by an admin (a filtered, read-only or writable view); not STIX. */
export const TAXII_COLLECTION = 'TaxiiCollection' as const;
/** The status of a TAXII POST (what became of each object of the envelope); not STIX. */
export const TAXII_STATUS = 'TaxiiStatus' as const;
/** The one clock node that hands out TAXII `date_added` stamps in commit order; not STIX. */
export const TAXII_CLOCK = 'TaxiiClock' as const;
/**
 * Extra label of a version (current object or StixVersion) written since the last TAXII
 * `date_added` stamping: set by every STIX write, removed when the clock stamps it, so stamping
 * reads only the new versions instead of scanning every object for a missing `date_added`.
 */
export const DATE_ADDED_PENDING = 'DateAddedPending' as const;
/** A remote TAXII collection pulled by this instance, with where the last pull stopped; not STIX. */
export const TAXII_FEED = 'TaxiiFeed' as const;
/** Label for STIX types we have no dedicated label for (custom `x-` objects, extension SDOs). */
export const CUSTOM_OBJECT = 'CustomObject' as const;

/** STIX 2.1 type → node label. Labels are PascalCase; every stored object also has STIX_OBJECT. */
export const STIX_TYPE_LABELS = {
  // SDOs
  'attack-pattern': 'AttackPattern',
  campaign: 'Campaign',
  'course-of-action': 'CourseOfAction',
  grouping: 'Grouping',
  identity: 'Identity',
  incident: 'Incident',
  indicator: 'Indicator',
  infrastructure: 'Infrastructure',
  'intrusion-set': 'IntrusionSet',
  location: 'Location',
  malware: 'Malware',
  'malware-analysis': 'MalwareAnalysis',
  note: 'Note',
  'observed-data': 'ObservedData',
  opinion: 'Opinion',
  report: 'Report',
  'threat-actor': 'ThreatActor',
  tool: 'Tool',
  vulnerability: 'Vulnerability',
  // SROs
  relationship: 'Relationship',
  sighting: 'Sighting',
  // SCOs
  artifact: 'Artifact',
  'autonomous-system': 'AutonomousSystem',
  directory: 'Directory',
  'domain-name': 'DomainName',
  'email-addr': 'EmailAddr',
  'email-message': 'EmailMessage',
  file: 'File',
  'ipv4-addr': 'Ipv4Addr',
  'ipv6-addr': 'Ipv6Addr',
  'mac-addr': 'MacAddr',
  mutex: 'Mutex',
  'network-traffic': 'NetworkTraffic',
  process: 'Process',
  software: 'Software',
  url: 'Url',
  'user-account': 'UserAccount',
  'windows-registry-key': 'WindowsRegistryKey',
  'x509-certificate': 'X509Certificate',
  // Meta objects
  'marking-definition': 'MarkingDefinition',
  'language-content': 'LanguageContent',
  'extension-definition': 'ExtensionDefinition',
  // Incident Core extension suite (OASIS common objects, new-sdo)
  event: 'Event',
  impact: 'Impact',
  task: 'Task',
  // Our own extension SDOs (see schema/stix and docs/graph-model.md)
  'attribution-hypothesis': 'Hypothesis',
  'attribution-evidence': 'Evidence',
} as const;

export type KnownStixType = keyof typeof STIX_TYPE_LABELS;
export type NodeLabel = (typeof STIX_TYPE_LABELS)[KnownStixType] | typeof CUSTOM_OBJECT;

export const SDO_TYPES = [
  'attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident',
  'indicator', 'infrastructure', 'intrusion-set', 'location', 'malware', 'malware-analysis',
  'note', 'observed-data', 'opinion', 'report', 'threat-actor', 'tool', 'vulnerability',
] as const satisfies readonly KnownStixType[];

export const SRO_TYPES = ['relationship', 'sighting'] as const satisfies readonly KnownStixType[];

export const SCO_TYPES = [
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message',
  'file', 'ipv4-addr', 'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process',
  'software', 'url', 'user-account', 'windows-registry-key', 'x509-certificate',
] as const satisfies readonly KnownStixType[];

/** The node label for a STIX type: a known label, or CUSTOM_OBJECT. Never derived from the string. */
export function labelForStixType(type: string): NodeLabel {
  return Object.prototype.hasOwnProperty.call(STIX_TYPE_LABELS, type)
    ? STIX_TYPE_LABELS[type as KnownStixType]
    : CUSTOM_OBJECT;
}

/**
 * Edges for STIX relationship objects. A `relationship` SRO is stored twice: as a
 * `Relationship` node (so notes, opinions and reports can point at its STIX id) and as a typed
 * edge from source to target carrying the same `id` and `relationship_type`, for traversal.
 * Relationship types outside this map use RELATED_TO with the original `relationship_type` kept
 * as a property.
 */
export const RELATIONSHIP_EDGE_TYPES = {
  'attributed-to': 'ATTRIBUTED_TO',
  'authored-by': 'AUTHORED_BY',
  'based-on': 'BASED_ON',
  'beacons-to': 'BEACONS_TO',
  characterizes: 'CHARACTERIZES',
  'communicates-with': 'COMMUNICATES_WITH',
  'compromises': 'COMPROMISES',
  'consists-of': 'CONSISTS_OF',
  controls: 'CONTROLS',
  'delivers': 'DELIVERS',
  'derived-from': 'DERIVED_FROM',
  detects: 'DETECTS',
  downloads: 'DOWNLOADS',
  drops: 'DROPS',
  'duplicate-of': 'DUPLICATE_OF',
  'exfiltrates-to': 'EXFILTRATES_TO',
  exploits: 'EXPLOITS',
  'has': 'HAS',
  hosts: 'HOSTS',
  impersonates: 'IMPERSONATES',
  indicates: 'INDICATES',
  investigates: 'INVESTIGATES',
  'located-at': 'LOCATED_AT',
  'led-to': 'LED_TO',
  mitigates: 'MITIGATES',
  'originates-from': 'ORIGINATES_FROM',
  owns: 'OWNS',
  remediates: 'REMEDIATES',
  'revoked-by': 'REVOKED_BY',
  'static-analysis-of': 'STATIC_ANALYSIS_OF',
  'dynamic-analysis-of': 'DYNAMIC_ANALYSIS_OF',
  'subtechnique-of': 'SUBTECHNIQUE_OF',
  targets: 'TARGETS',
  uses: 'USES',
  'variant-of': 'VARIANT_OF',
  'related-to': 'RELATED_TO',
} as const;

export type RelationshipEdgeType =
  (typeof RELATIONSHIP_EDGE_TYPES)[keyof typeof RELATIONSHIP_EDGE_TYPES];

export function edgeTypeForRelationship(relationshipType: string): RelationshipEdgeType {
  return Object.prototype.hasOwnProperty.call(RELATIONSHIP_EDGE_TYPES, relationshipType)
    ? RELATIONSHIP_EDGE_TYPES[relationshipType as keyof typeof RELATIONSHIP_EDGE_TYPES]
    : 'RELATED_TO';
}

/**
 * Edges for embedded references (`*_ref`, `*_refs`). Every such edge carries `property` (the
 * JSON path of the ref, e.g. `object_refs` or `extensions.x.impacted_refs`) so the reference can
 * be rebuilt exactly. Common properties get their own edge type; all others use REFERS_TO.
 *
 * Two kinds of refs are not edges (see `isEdgeRef`): metadata refs — who made or changed an
 * object and how it is marked — are node properties (`created_by_ref`, `marking_refs`) and stay
 * in `raw`; and a relationship's `source_ref` / `target_ref` are its typed edge.
 */
export const REF_EDGE_TYPES = {
  object_refs: 'CONTAINS_REF',
  sighting_of_ref: 'SIGHTING_OF',
  observed_data_refs: 'OBSERVED_DATA_REF',
  where_sighted_refs: 'WHERE_SIGHTED',
  sample_refs: 'SAMPLE_REF',
} as const;

/**
 * Metadata refs: who made or changed an object and how it is marked — `created_by_ref`,
 * `object_marking_refs`, a granular marking's `marking_ref`, and ATT&CK's
 * `x_mitre_modified_by_ref` (the same meaning as `created_by_ref`). They point at a handful of hub
 * nodes (every ATT&CK object at one identity and one marking: 74 000 of an import's 140 000 ref
 * edges), say nothing about what the object is about, and as edges would make every 2-hop
 * neighbourhood through them the whole graph. (Not every `*_by_ref`: network-traffic's
 * `encapsulated_by_ref` is a real link.)
 */
export const METADATA_REFS: ReadonlySet<string> = new Set(['created_by_ref', 'object_marking_refs', 'marking_ref', 'x_mitre_modified_by_ref']);

/**
 * Whether a ref found at `property` (its JSON path; `name` its last key) of an object of `type`
 * becomes a ref edge: not a metadata ref, and not a relationship's own ends (its typed edge).
 */
export function isEdgeRef(type: string, property: string, name: string): boolean {
  if (METADATA_REFS.has(name)) return false;
  return !(type === 'relationship' && (property === 'source_ref' || property === 'target_ref'));
}

export const REFERS_TO = 'REFERS_TO' as const;

export type RefEdgeType = (typeof REF_EDGE_TYPES)[keyof typeof REF_EDGE_TYPES] | typeof REFERS_TO;

export function edgeTypeForRef(property: string): RefEdgeType {
  return Object.prototype.hasOwnProperty.call(REF_EDGE_TYPES, property)
    ? REF_EDGE_TYPES[property as keyof typeof REF_EDGE_TYPES]
    : REFERS_TO;
}

/** From a current object to its previous version node. */
export const PREVIOUS_VERSION = 'PREVIOUS_VERSION' as const;

/** TLP 2.0 levels, ordered from least to most restrictive. */
export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];

/** FIRST TLP 2.0 text colours, on black: the banners of image exports and of the brief. */
export const TLP_TEXT_COLOURS: Readonly<Record<TlpLevel, string>> = {
  CLEAR: '#FFFFFF',
  GREEN: '#33FF00',
  AMBER: '#FFC000',
  'AMBER+STRICT': '#FFC000',
  RED: '#FF2B2B',
};

/**
 * Every stored node and typed edge carries `tlp_rank`: the rank (index in TLP_LEVELS) of its most
 * restrictive marking; 0 when unmarked. A marking we cannot interpret (not TLP, not a statement)
 * counts as the most restrictive level, RED, so only callers cleared for RED see it.
 */
export const UNKNOWN_MARKING_RANK = 4;

/** TLP 2.0 marking-definition ids (OASIS), by level: the markings our own objects carry. */
export const TLP2_MARKING_IDS = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
} as const satisfies Record<TlpLevel, string>;

/** Built-in marking-definition ids: TLP 1.0 (STIX 2.1 spec §7.2.1.4) and TLP 2.0 (OASIS). */
export const TLP_MARKING_IDS: Readonly<Record<string, TlpLevel>> = {
  // TLP 1.0 — WHITE maps to CLEAR in TLP 2.0.
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
  // TLP 2.0
  ...Object.fromEntries(Object.entries(TLP2_MARKING_IDS).map(([level, id]) => [id, level as TlpLevel])),
};

export function tlpRank(level: TlpLevel): number {
  return TLP_LEVELS.indexOf(level);
}
