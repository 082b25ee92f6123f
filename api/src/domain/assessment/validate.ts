import { IssueCollector } from './errors';
import { toInstant } from './time';
import { DEFAULT_ASSESSMENT_CONFIG } from './config';
import {
  HYPOTHESIS_STATUSES,
  INFORMATION_CREDIBILITIES,
  METHODS,
  RATINGS,
  SOURCE_RELIABILITIES,
  type AnalystJudgement,
  type AssessmentConfig,
  type AssessmentInput,
  type AssessmentOptions,
  type EvidenceInput,
  type HypothesisInput,
} from './types';

/**
 * Checks the shape and cross-references of an assessment input and its options; throws one
 * AssessmentInputError listing every problem. Analyst probabilities above 1 are accepted
 * (they are clamped later); negative or non-finite ones are not.
 */
export function validateAssessmentInput(
  input: AssessmentInput,
  options: AssessmentOptions = {},
  config: Pick<AssessmentConfig, 'maxWeight'> = DEFAULT_ASSESSMENT_CONFIG,
): void {
  const issues = new IssueCollector();
  if (!input || !Array.isArray(input.hypotheses) || !Array.isArray(input.evidence)) {
    issues.add('input', 'hypotheses/evidence', 'must both be arrays');
    issues.throwIfAny();
  }
  const hypothesisIds = validateHypotheses(issues, input.hypotheses);
  validateEvidence(issues, input.evidence, hypothesisIds, config.maxWeight);
  validateJudgements(issues, input.judgements ?? [], hypothesisIds);
  validateOptions(issues, options);
  issues.throwIfAny();
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isIsoInstant(value: unknown): boolean {
  return typeof value === 'string' && !Number.isNaN(toInstant(value));
}

function validateHypotheses(issues: IssueCollector, hypotheses: HypothesisInput[]): Set<string> {
  const ids = new Set<string>();
  hypotheses.forEach((h, i) => {
    const objectId = isNonEmptyString(h?.id) ? h.id : `hypotheses[${i}]`;
    if (!isNonEmptyString(h?.id)) issues.add(objectId, 'id', 'must be a non-empty string');
    else if (ids.has(h.id)) issues.add(objectId, 'id', 'duplicate hypothesis id');
    else ids.add(h.id);
    if (typeof h?.name !== 'string') issues.add(objectId, 'name', 'must be a string');
    if (h?.prior !== undefined && !isProbability(h.prior)) {
      issues.add(objectId, 'prior', `must be a number in [0, 1], got ${String(h.prior)}`);
    }
    if (!HYPOTHESIS_STATUSES.includes(h?.status)) {
      issues.add(objectId, 'status', `must be one of ${HYPOTHESIS_STATUSES.join(', ')}, got ${String(h?.status)}`);
    }
    if (h?.createdAt !== undefined && !isIsoInstant(h.createdAt)) {
      issues.add(objectId, 'createdAt', `must be an ISO 8601 date, got ${String(h.createdAt)}`);
    }
    if (h?.versions !== undefined) {
      if (!Array.isArray(h.versions)) issues.add(objectId, 'versions', 'must be an array');
      else
        h.versions.forEach((v, k) => {
          const field = `versions[${k}]`;
          if (!isIsoInstant(v?.validFrom)) issues.add(objectId, `${field}.validFrom`, `must be an ISO 8601 date, got ${String(v?.validFrom)}`);
          if (v?.prior !== undefined && !isProbability(v.prior)) issues.add(objectId, `${field}.prior`, `must be a number in [0, 1], got ${String(v.prior)}`);
          if (!HYPOTHESIS_STATUSES.includes(v?.status)) issues.add(objectId, `${field}.status`, `must be one of ${HYPOTHESIS_STATUSES.join(', ')}`);
        });
    }
  });
  return ids;
}

/** A weight is a finite number in [0, maxWeight]: larger ones would swamp every other item. */
function checkWeight(issues: IssueCollector, objectId: string, field: string, value: unknown, maxWeight: number): void {
  if (value === undefined) return;
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= maxWeight)) {
    issues.add(objectId, field, `must be a finite number from 0 to ${maxWeight}, got ${String(value)}`);
  }
}

function isProbability(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}

function validateEvidence(issues: IssueCollector, evidence: EvidenceInput[], hypothesisIds: Set<string>, maxWeight: number): void {
  const ids = new Set<string>();
  const slots = new RatingSlots(hypothesisIds, evidence);
  evidence.forEach((e, i) => {
    const objectId = isNonEmptyString(e?.id) ? e.id : `evidence[${i}]`;
    if (!isNonEmptyString(e?.id)) issues.add(objectId, 'id', 'must be a non-empty string');
    else if (ids.has(e.id)) issues.add(objectId, 'id', 'duplicate evidence id');
    else ids.add(e.id);
    validateEvidenceFields(issues, objectId, e, maxWeight);
    validateRatings(issues, objectId, e, hypothesisIds, slots);
  });
}

function validateEvidenceFields(issues: IssueCollector, objectId: string, e: EvidenceInput, maxWeight: number): void {
  if (typeof e?.name !== 'string') issues.add(objectId, 'name', 'must be a string');
  if (!isIsoInstant(e?.knownAt)) issues.add(objectId, 'knownAt', `must be an ISO 8601 date, got ${String(e?.knownAt)}`);
  checkWeight(issues, objectId, 'weight', e?.weight, maxWeight);
  if (e?.sourceKey !== undefined && typeof e.sourceKey !== 'string') issues.add(objectId, 'sourceKey', 'must be a string');
  if (e?.derivedFrom !== undefined && !(Array.isArray(e.derivedFrom) && e.derivedFrom.every((x) => typeof x === 'string'))) {
    issues.add(objectId, 'derivedFrom', 'must be a list of evidence ids');
  }
  if (e?.versions !== undefined) {
    if (!Array.isArray(e.versions)) issues.add(objectId, 'versions', 'must be an array');
    else
      e.versions.forEach((v, k) => {
        const field = `versions[${k}]`;
        if (!isIsoInstant(v?.validFrom)) issues.add(objectId, `${field}.validFrom`, `must be an ISO 8601 date, got ${String(v?.validFrom)}`);
        checkWeight(issues, objectId, `${field}.weight`, v?.weight, maxWeight);
        if (v?.reliability !== undefined && !SOURCE_RELIABILITIES.includes(v.reliability)) {
          issues.add(objectId, `${field}.reliability`, `must be one of A-F, got ${String(v.reliability)}`);
        }
        if (v?.credibility !== undefined && !INFORMATION_CREDIBILITIES.includes(v.credibility)) {
          issues.add(objectId, `${field}.credibility`, `must be an integer 1-6, got ${String(v.credibility)}`);
        }
      });
  }
  if (e?.reliability !== undefined && !SOURCE_RELIABILITIES.includes(e.reliability)) {
    issues.add(objectId, 'reliability', `must be one of A-F, got ${String(e.reliability)}`);
  }
  if (e?.credibility !== undefined && !INFORMATION_CREDIBILITIES.includes(e.credibility)) {
    issues.add(objectId, 'credibility', `must be an integer 1-6, got ${String(e.credibility)}`);
  }
  if (e?.discredited !== undefined && typeof e.discredited !== 'boolean') {
    issues.add(objectId, 'discredited', 'must be a boolean');
  }
  if (!Array.isArray(e?.ratings)) issues.add(objectId, 'ratings', 'must be an array');
}

/** Per-case working memory of the duplicate-rating check: one slot per (hypothesis, analyst). */
class RatingSlots {
  readonly hypotheses: Map<string, number>;
  readonly analysts = new Map<string, number>();
  private at = new Float64Array(0);
  private extra = new Map<number, Set<number>>();

  constructor(hypothesisIds: Set<string>, evidence: readonly EvidenceInput[]) {
    this.hypotheses = new Map([...hypothesisIds].map((id, i) => [id, i]));
    for (const e of evidence) {
      if (!Array.isArray(e?.ratings)) continue;
      for (const r of e.ratings) {
        if (typeof r?.analyst === 'string' && !this.analysts.has(r.analyst)) this.analysts.set(r.analyst, this.analysts.size);
      }
    }
    this.at = new Float64Array(this.hypotheses.size * this.analysts.size);
  }

  /** Starts a new evidence item. */
  reset(): void {
    this.at.fill(Number.NaN);
    if (this.extra.size > 0) this.extra = new Map();
  }

  /** Records a rating of a cell at an instant; false when that cell was already rated then. */
  add(hypothesisId: string, analyst: string, at: number): boolean {
    const h = this.hypotheses.get(hypothesisId);
    const a = this.analysts.get(analyst);
    if (h === undefined || a === undefined) return true;
    const slot = h * this.analysts.size + a;
    const first = this.at[slot]!;
    if (Number.isNaN(first)) {
      this.at[slot] = at;
      return true;
    }
    let instants = this.extra.get(slot);
    if (!instants) this.extra.set(slot, (instants = new Set([first])));
    if (instants.has(at)) return false;
    instants.add(at);
    return true;
  }
}

/**
 * Ratings: known hypothesis, valid code, analyst named, one rating per analyst, hypothesis and
 * instant. Runs once per rating (200 000 times for a large case): a plain loop, no closure and
 * no string built unless something is wrong.
 */
function validateRatings(issues: IssueCollector, objectId: string, e: EvidenceInput, hypothesisIds: Set<string>, slots: RatingSlots): void {
  if (!Array.isArray(e?.ratings)) return;
  slots.reset();
  const known = toInstant(e.knownAt);
  const ratings = e.ratings;
  for (let j = 0; j < ratings.length; j += 1) {
    const r = ratings[j]!;
    if (!hypothesisIds.has(r?.hypothesisId)) {
      issues.add(objectId, `ratings[${j}].hypothesisId`, `"${String(r?.hypothesisId)}" is not a hypothesis of this incident`);
    }
    if (!isNonEmptyString(r?.analyst)) issues.add(objectId, `ratings[${j}].analyst`, 'must be a non-empty string');
    if (!RATING_SET.has(r?.rating)) {
      issues.add(objectId, `ratings[${j}].rating`, `must be one of ${RATINGS.join(', ')}, got ${String(r?.rating)}`);
    }
    const at = r?.ratedAt === undefined ? known : toInstant(r.ratedAt);
    if (r?.ratedAt !== undefined && Number.isNaN(at)) {
      issues.add(objectId, `ratings[${j}].ratedAt`, `must be an ISO 8601 date, got ${String(r.ratedAt)}`);
    }
    if (!slots.add(r?.hypothesisId, r?.analyst, at)) {
      issues.add(objectId, `ratings[${j}]`, `duplicate rating by ${String(r?.analyst)} of ${String(r?.hypothesisId)} at the same time`);
    }
  }
}

const RATING_SET: ReadonlySet<unknown> = new Set(RATINGS);

function validateJudgements(issues: IssueCollector, judgements: AnalystJudgement[], hypothesisIds: Set<string>): void {
  if (!Array.isArray(judgements)) {
    issues.add('input', 'judgements', 'must be an array');
    return;
  }
  const seen = new Set<string>();
  judgements.forEach((j, i) => {
    const objectId = isNonEmptyString(j?.analyst) ? j.analyst : `judgements[${i}]`;
    const field = `judgements[${i}]`;
    if (!isNonEmptyString(j?.analyst)) issues.add(objectId, `${field}.analyst`, 'must be a non-empty string');
    if (!hypothesisIds.has(j?.hypothesisId)) {
      issues.add(objectId, `${field}.hypothesisId`, `"${String(j?.hypothesisId)}" is not a hypothesis of this incident`);
    }
    if (j?.probability === undefined || j?.probability === null) {
      issues.add(objectId, `${field}.probability`, `is missing (a judgement without a probability is not 0) for ${String(j?.hypothesisId)}`);
    } else if (!(typeof j.probability === 'number' && Number.isFinite(j.probability) && j.probability >= 0)) {
      issues.add(objectId, `${field}.probability`, `must be a finite number >= 0, got ${String(j.probability)}`);
    }
    if (j?.at !== undefined && !isIsoInstant(j.at)) issues.add(objectId, `${field}.at`, `must be an ISO 8601 date, got ${String(j.at)}`);
    const key = `${j?.analyst}\u0000${j?.hypothesisId}\u0000${j?.at === undefined ? '' : toInstant(j.at)}`;
    if (seen.has(key)) issues.add(objectId, field, `duplicate judgement of ${String(j?.hypothesisId)} at the same time`);
    seen.add(key);
  });
}

function validateOptions(issues: IssueCollector, options: AssessmentOptions): void {
  if (options.asOf !== undefined && !isIsoInstant(options.asOf)) {
    issues.add('options', 'asOf', `must be an ISO 8601 date, got ${String(options.asOf)}`);
  }
  if (options.method !== undefined && !METHODS.includes(options.method)) {
    issues.add('options', 'method', `must be one of ${METHODS.join(', ')}, got ${String(options.method)}`);
  }
}
