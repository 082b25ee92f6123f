import { ICD203_BANDS as SHARED_ICD203_BANDS, INFORMATION_CREDIBILITIES, SOURCE_RELIABILITIES, TIE_MARGIN } from '../../../../schema/assessment/scales';
import { EVIDENCE_WEIGHT_MAX } from '../../../../schema/stix/attribution';
import { IssueCollector } from './errors';
import {
  COHERENTISATIONS,
  POOLING_RULES,
  RATING_COMBINATIONS,
  type AssessmentConfig,
  type AssessmentConfigInput,
  type ScaleBand,
} from './types';

/** ICD 203 words of estimative probability (schema/assessment/scales.ts, shared with the web). */
export const ICD203_BANDS: readonly ScaleBand[] = SHARED_ICD203_BANDS;

/** STIX 2.1 Appendix A, "None, Low, Med, High" scale, over integer confidence 0–100. */
export const STIX_NONE_LOW_MED_HIGH: readonly ScaleBand[] = Object.freeze([
  { name: 'None', min: 0, max: 1 },
  { name: 'Low', min: 1, max: 30 },
  { name: 'Med', min: 30, max: 70 },
  { name: 'High', min: 70, max: 100 },
]);

/** STIX 2.1 Appendix A, Admiralty Credibility scale, over integer confidence 0–100. */
export const STIX_ADMIRALTY_CREDIBILITY: readonly ScaleBand[] = Object.freeze([
  { name: '5 - Improbable', min: 0, max: 20 },
  { name: '4 - Doubtful', min: 20, max: 40 },
  { name: '3 - Possibly True', min: 40, max: 60 },
  { name: '2 - Probably True', min: 60, max: 80 },
  { name: '1 - Confirmed by other sources', min: 80, max: 100 },
]);

/** Defaults; docs/assessment.md explains each value and where it comes from. */
export const DEFAULT_ASSESSMENT_CONFIG: Readonly<AssessmentConfig> = Object.freeze({
  achPenalty: { CC: 0, C: 0, N: 0, I: -1, II: -2 },
  likelihood: { CC: 0.9, C: 0.7, N: 0.5, I: 0.3, II: 0.1 },
  ratingCombination: 'mean',
  reliabilityFactor: { A: 0.95, B: 0.85, C: 0.7, D: 0.5, E: 0.3, F: 0.7 },
  credibilityFactor: { '1': 0.95, '2': 0.85, '3': 0.7, '4': 0.5, '5': 0.3, '6': 0.7 },
  unassessedFactor: 0.7,
  discreditedFactor: 0,
  maxWeight: EVIDENCE_WEIGHT_MAX,
  priorFloor: 0.01,
  probabilityFloor: 0.001,
  judgementFloor: 0.01,
  otherPrior: 0.1,
  tieMargin: TIE_MARGIN,
  achTieMargin: 0.5,
  negligibleDelta: 0.01,
  nearDuplicateThreshold: 0.8,
  coherentisation: 'proportional',
  wepBands: [...ICD203_BANDS],
  stixLevels: [...STIX_NONE_LOW_MED_HIGH],
  admiraltyLevels: [...STIX_ADMIRALTY_CREDIBILITY],
  pooling: 'linear',
  logPoolFloor: 1e-3,
  epsilon: 1e-12,
} satisfies AssessmentConfig);

/** Merges overrides over the defaults (tables entry by entry) and validates the result. */
export function resolveConfig(overrides: AssessmentConfigInput = {}): AssessmentConfig {
  const d = DEFAULT_ASSESSMENT_CONFIG;
  const config: AssessmentConfig = {
    ...d,
    ...stripUndefined(overrides),
    achPenalty: { ...d.achPenalty, ...stripUndefined(overrides.achPenalty) },
    likelihood: { ...d.likelihood, ...stripUndefined(overrides.likelihood) },
    reliabilityFactor: { ...d.reliabilityFactor, ...stripUndefined(overrides.reliabilityFactor) },
    credibilityFactor: { ...d.credibilityFactor, ...stripUndefined(overrides.credibilityFactor) },
    wepBands: overrides.wepBands ?? d.wepBands,
    stixLevels: overrides.stixLevels ?? d.stixLevels,
    admiraltyLevels: overrides.admiraltyLevels ?? d.admiraltyLevels,
  };
  validateConfig(config);
  return config;
}

/**
 * The Admiralty order: each grade weighs at least as much as the next worse one (A >= B >= … >= E),
 * and "cannot be judged" (F, 6: the last of the scale) at least as much as the worst (E, 5).
 */
function checkAdmiraltyOrder(
  issues: IssueCollector,
  field: string,
  table: Readonly<Record<string, number>>,
  scale: readonly (string | number)[],
): void {
  const order = scale.slice(0, -1).map(String);
  const unjudged = String(scale[scale.length - 1]);
  for (let i = 1; i < order.length; i += 1) {
    const better = order[i - 1]!;
    const worse = order[i]!;
    if ((table[better] ?? 0) < (table[worse] ?? 0)) {
      issues.add('config', `${field}.${worse}`, `must not exceed ${field}.${better} (Admiralty order)`);
    }
  }
  const worst = order[order.length - 1]!;
  if ((table[unjudged] ?? 0) < (table[worst] ?? 0)) {
    issues.add('config', `${field}.${unjudged}`, `"cannot be judged" must not weigh less than ${worst}`);
  }
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateConfig(config: AssessmentConfig): void {
  const issues = new IssueCollector();
  const check = (field: string, value: unknown, ok: (n: number) => boolean, rule: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
      issues.add('config', field, `must be a finite number ${rule}, got ${String(value)}`);
    }
  };
  for (const [key, value] of Object.entries(config.achPenalty)) check(`achPenalty.${key}`, value, () => true, '');
  for (const [key, value] of Object.entries(config.likelihood)) check(`likelihood.${key}`, value, (n) => n > 0, '> 0');
  const unit = (n: number) => n >= 0 && n <= 1;
  for (const [key, value] of Object.entries(config.reliabilityFactor)) check(`reliabilityFactor.${key}`, value, unit, 'in [0, 1]');
  for (const [key, value] of Object.entries(config.credibilityFactor)) check(`credibilityFactor.${key}`, value, unit, 'in [0, 1]');
  checkAdmiraltyOrder(issues, 'reliabilityFactor', config.reliabilityFactor, SOURCE_RELIABILITIES);
  checkAdmiraltyOrder(issues, 'credibilityFactor', config.credibilityFactor, INFORMATION_CREDIBILITIES);
  check('unassessedFactor', config.unassessedFactor, unit, 'in [0, 1]');
  check('discreditedFactor', config.discreditedFactor, unit, 'in [0, 1]');
  check('maxWeight', config.maxWeight, (n) => n > 0, '> 0');
  check('priorFloor', config.priorFloor, (n) => n > 0 && n < 0.5, 'in (0, 0.5)');
  check('probabilityFloor', config.probabilityFloor, (n) => n > 0 && n < 0.5, 'in (0, 0.5)');
  check('judgementFloor', config.judgementFloor, (n) => n > 0 && n < 0.5, 'in (0, 0.5)');
  check('otherPrior', config.otherPrior, (n) => n > 0 && n < 1, 'in (0, 1)');
  check('tieMargin', config.tieMargin, (n) => n >= 0 && n < 1, 'in [0, 1)');
  check('achTieMargin', config.achTieMargin, (n) => n >= 0, '>= 0');
  check('negligibleDelta', config.negligibleDelta, (n) => n >= 0 && n < 1, 'in [0, 1)');
  check('nearDuplicateThreshold', config.nearDuplicateThreshold, (n) => n > 0 && n <= 1, 'in (0, 1]');
  check('logPoolFloor', config.logPoolFloor, (n) => n > 0 && n < 1, 'in (0, 1)');
  check('epsilon', config.epsilon, (n) => n >= 0, '>= 0');
  if (!POOLING_RULES.includes(config.pooling)) issues.add('config', 'pooling', `unknown pooling rule ${String(config.pooling)}`);
  if (!COHERENTISATIONS.includes(config.coherentisation)) {
    issues.add('config', 'coherentisation', `must be one of ${COHERENTISATIONS.join(', ')}, got ${String(config.coherentisation)}`);
  }
  if (!RATING_COMBINATIONS.includes(config.ratingCombination)) {
    issues.add('config', 'ratingCombination', `must be one of ${RATING_COMBINATIONS.join(', ')}, got ${String(config.ratingCombination)}`);
  }
  validateBands(issues, 'wepBands', config.wepBands);
  validateBands(issues, 'stixLevels', config.stixLevels);
  validateBands(issues, 'admiraltyLevels', config.admiraltyLevels);
  issues.throwIfAny();
}

/** Bands must be non-empty, contiguous and increasing. */
function validateBands(issues: IssueCollector, field: string, bands: readonly ScaleBand[]): void {
  if (!Array.isArray(bands) || bands.length === 0) {
    issues.add('config', field, 'must be a non-empty list of bands');
    return;
  }
  bands.forEach((band, i) => {
    if (typeof band.name !== 'string' || !(band.min < band.max)) {
      issues.add('config', `${field}[${i}]`, 'needs a name and min < max');
    }
    const previous = bands[i - 1];
    if (previous && previous.max !== band.min) {
      issues.add('config', `${field}[${i}].min`, `must equal the previous band's max (${previous.max})`);
    }
  });
}
