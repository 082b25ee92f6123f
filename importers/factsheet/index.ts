export {
  FACT_SHEET_FORMAT, FactSheetSchema,
  type FactSheet, type FactSheetActor, type FactSheetContext, type FactSheetEvent, type FactSheetEvidence,
  type FactSheetHypothesis, type FactSheetImpact, type FactSheetMeasure, type FactSheetRating, type FactSheetSource,
} from './factsheet.schema';
export { FactSheetError, parseFactSheet, validateFactSheet, type FactSheetIssue, type FactSheetResult } from './parse-factsheet';
export {
  PROJECT_IDENTITY_ID, attackReference, attributionExtensionObjects, caseIds, factSheetToBundle,
} from './factsheet-to-bundle';
export { parseSheetDate, type Fidelity, type SheetDate } from './sheet-dates';
export { canonicalJson, caseObjectId, scoId, uuidv5, STIX_SCO_NAMESPACE, ATTRIBUTION_GRAPH_NAMESPACE } from './stix-id';
export type { Bundle, ExternalReference, StixObject } from './stix-types';
export type { SourceIssue } from './source-positions';
export * from '../../schema/stix/vocab';
