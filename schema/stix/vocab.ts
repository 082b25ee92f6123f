/**
 * Extension ids and vocabularies of the attribution model, shared by the fact-sheet and
 * credential-exposure importers and by the services that write case objects. Lists also declared
 * by the attribution extension's schema (./attribution.ts) are re-exported from it, not restated.
 * Browser-safe.
 */
import { ATTRIBUTION_EXTENSION_ID, EVIDENCE_KINDS, HYPOTHESIS_CATEGORIES, HYPOTHESIS_STATUSES } from './attribution';
import { TLP2_MARKING_IDS } from '../graph/kinds';

/** Our extension (docs/attribution-extension.md). */
export { ATTRIBUTION_EXTENSION_ID };
export const ATTRIBUTION_EXTENSION_VERSION = '1.0.0';
/**
 * The `schema` property of the extension-definition. STIX 2.1 §7.3 allows a URL or plain text;
 * the repository has no public URL yet, so this names the document. Replace with its URL once
 * published.
 */
export const ATTRIBUTION_EXTENSION_SCHEMA =
  'Attribution Graph repository, docs/attribution-extension.md (no public URL yet)';
/** Fixed creation time of the extension-definition object (date the extension was documented). */
export const ATTRIBUTION_EXTENSION_CREATED = '2026-11-29T06:34:52.000Z';

/** OASIS Incident Core suite (cti-stix-common-objects, extension-definition-specifications/incident-core). */
export const INCIDENT_CORE_EXTENSION_ID = 'extension-definition--ef765651-680c-498d-9894-99799f2fa126';
export const EVENT_EXTENSION_ID = 'extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e';
export const IMPACT_EXTENSION_ID = 'extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9';
export const TASK_EXTENSION_ID = 'extension-definition--2074a052-8be4-4932-849e-f5e7798e0030';

/** TLP 2.0 marking-definition ids, by level (OASIS; schema/graph/kinds.ts). */
export { TLP2_MARKING_IDS };
export type Tlp = keyof typeof TLP2_MARKING_IDS;
export const TLP_VALUES = Object.keys(TLP2_MARKING_IDS) as Tlp[];

/** Label put on every object that records an analyst's judgement rather than a reported fact. */
export const ANALYST_JUDGEMENT_LABEL = 'analyst-judgement';

export { HYPOTHESIS_CATEGORIES };
export type HypothesisCategory = (typeof HYPOTHESIS_CATEGORIES)[number];

/** Category → default threat_actor_types (docs/attribution-extension.md). */
export const CATEGORY_THREAT_ACTOR_TYPES: Readonly<Record<HypothesisCategory, readonly string[]>> = {
  'foreign-interference': ['nation-state', 'spy'],
  'state-challenger': ['activist', 'sensationalist'],
  cybercrime: ['crime-syndicate', 'criminal'],
  insider: ['insider-disgruntled', 'insider-accidental'],
  unknown: ['unknown'],
};

/** STIX 2.1 §10.7 identity-sectors-ov. */
export const IDENTITY_SECTORS = [
  'agriculture', 'aerospace', 'automotive', 'chemical', 'commercial', 'communications',
  'construction', 'defense', 'education', 'energy', 'entertainment', 'financial-services',
  'government', 'government-emergency-services', 'government-local', 'government-national',
  'government-public-services', 'government-regional', 'healthcare', 'hospitality-leisure',
  'infrastructure', 'infrastructure-dams', 'infrastructure-nuclear', 'infrastructure-water',
  'insurance', 'manufacturing', 'mining', 'non-profit', 'pharmaceuticals', 'retail', 'technology',
  'telecommunications', 'transportation', 'utilities',
] as const;

/** STIX 2.1 §10.23 threat-actor-type-ov. */
export const THREAT_ACTOR_TYPES = [
  'activist', 'competitor', 'crime-syndicate', 'criminal', 'hacker', 'insider-accidental',
  'insider-disgruntled', 'nation-state', 'sensationalist', 'spy', 'terrorist', 'unknown',
] as const;

/** STIX 2.1 §10.3 attack-motivation-ov. */
export const ATTACK_MOTIVATIONS = [
  'accidental', 'coercion', 'dominance', 'ideology', 'notoriety', 'organizational-gain',
  'personal-gain', 'personal-satisfaction', 'revenge', 'unpredictable',
] as const;

/** STIX 2.1 §10.24 threat-actor-sophistication-ov. */
export const THREAT_ACTOR_SOPHISTICATION = [
  'none', 'minimal', 'intermediate', 'advanced', 'expert', 'innovator', 'strategic',
] as const;

/** Incident Core `determination` (closed). */
export const INCIDENT_DETERMINATIONS = [
  'blocked', 'failed-attempt', 'false-positive', 'low-value', 'successful-attempt', 'suspected',
] as const;

/** Event extension `status` (closed). */
export const EVENT_STATUSES = ['ongoing', 'occurred', 'not-occurred', 'pending', 'undetermined'] as const;

/** Task extension `outcome` (closed). */
export const TASK_OUTCOMES = ['cancelled', 'failed', 'ongoing', 'pending', 'successful', 'unknown'] as const;

/** Impact extension categories: each names the sub-extension that carries its details. */
export const IMPACT_CATEGORIES = [
  'availability', 'confidentiality', 'external', 'integrity', 'monetary', 'physical', 'traceability',
] as const;
export type ImpactCategory = (typeof IMPACT_CATEGORIES)[number];

/** Properties the impact extension requires in each category's sub-extension. */
export const IMPACT_REQUIRED_DETAILS: Readonly<Record<ImpactCategory, readonly string[]>> = {
  availability: ['availability_impact'],
  confidentiality: ['loss_type'],
  external: ['impact_type'],
  integrity: ['alteration'],
  monetary: ['variety'],
  physical: ['impact_type'],
  traceability: ['traceability_impact'],
};

/** Fact-sheet status of an impact statement: "no exfiltration confirmed" is a fact too. */
export const IMPACT_STATUSES = ['confirmed', 'possible', 'not-confirmed', 'under-analysis'] as const;

export const TIME_FIDELITIES = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;

export { EVIDENCE_KINDS, HYPOTHESIS_STATUSES };
// The rating and Admiralty scales: schema/assessment/scales.ts.
export { INFORMATION_CREDIBILITIES, RATINGS, SOURCE_RELIABILITIES } from '../assessment/scales';
