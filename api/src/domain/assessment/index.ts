/**
 * Assessment engine: ACH and Bayesian scoring of attribution hypotheses, labels, sensitivity,
 * as-of history, and pooling of analysts' judgements. Pure: no I/O. See docs/assessment.md.
 */
export { assess, assessmentHistory } from './assess';
export {
  DEFAULT_ASSESSMENT_CONFIG,
  ICD203_BANDS,
  STIX_ADMIRALTY_CREDIBILITY,
  STIX_NONE_LOW_MED_HIGH,
  resolveConfig,
} from './config';
export { AssessmentInputError, type AssessmentIssue } from './errors';
export {
  admiraltyCredibilityName,
  bandName,
  estimativeLabel,
  stixConfidence,
  stixConfidenceLevel,
} from './labels';
export { coherentJudgement, coherentise, linearPool, logarithmicPool } from './pooling';
export { applyFloor, jensenShannon, projectOntoSimplex } from './probability';
export { CONFIDENCE_RULES } from './assess';
export { validateAssessmentInput } from './validate';
export * from './types';
