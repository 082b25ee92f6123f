/**
 * Public API of the STIX 2.1 schemas: JSON Schemas (TypeBox) per type, the TypeScript types
 * derived from them, validation (safety → schema → cross-field rules) and the 2.0 → 2.1 upgrade.
 * Browser-safe.
 */
export * from './common';
export { SDO_COMMON_PROPERTIES, SCO_COMMON_PROPERTIES, CustomObject } from './core';
export * from './sdo';
export * from './sro';
export * from './sco';
export {
  MarkingDefinition,
  LanguageContent,
  ExtensionDefinition,
  Bundle,
  META_SCHEMAS,
  TLP1_MARKINGS,
  TLP1_CREATED,
} from './meta';
export * from './attribution';
export {
  STIX_SCHEMAS,
  schemaForType,
  isKnownSchemaType,
  type KnownSchemaType,
  type StixObject,
  type KnownStixObject,
  type CustomStixObject,
} from './registry';
export type { Issue, ValidationIssue } from './issues';
export { checkSafety, DEFAULT_SAFETY_LIMITS, FORBIDDEN_KEYS, type SafetyLimits } from './safety';
export { checkCrossFieldRules, compareTimestamps } from './cross-field';
export { validateStixObject, validateBundle, validatorForType, isIpv6WithPrefix, type ValidateOptions } from './validate';
export { upgradeObject20To21, upgradeBundle, detectSpecVersion, LABELS_TO_TYPES } from './upgrade';
export { repairStixObject, normalizeTimestamp, type Repair } from './repair';
