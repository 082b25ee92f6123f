import type { AssessmentConfig, AssessmentInput, EvidenceInput, HypothesisInput, Rating, RatingInput } from './types';
import { coherentiseValues, compareIds } from './probability';
import { knownBy, toInstant } from './time';

/** Evidence reduced to what the scoring needs, in canonical order. */
export interface PreparedEvidence {
  id: string;
  discredited: boolean;
  /** Weight that counts now (discredited factor applied). */
  weight: number;
  /** Weight the item would have if it were not discredited. */
  creditedWeight: number;
  /** Per hypothesis (aligned with PreparedCase.hypotheses): the ratings in force, by analyst. */
  cells: Rating[][];
}

/** One incident as of one instant, seen by all analysts or by one. */
export interface PreparedCase {
  /** Sorted by id; every array below is aligned with this one. */
  hypotheses: HypothesisInput[];
  /** Coherentised priors. */
  priors: number[];
  /** Evidence known as of the instant, sorted by id. */
  evidence: PreparedEvidence[];
}

/**
 * Canonicalises validated input: hypotheses and evidence sorted by id, ratings sorted by
 * analyst, only what is known at `asOf` (epoch ms), and for each analyst and hypothesis only
 * that analyst's latest rating. With `analyst`, only that analyst's ratings are kept.
 */
export function prepareCase(
  input: AssessmentInput,
  config: AssessmentConfig,
  asOf?: number,
  analyst?: string,
): PreparedCase {
  const hypotheses = [...input.hypotheses].sort((a, b) => compareIds(a.id, b.id));
  const evidence = input.evidence
    .filter((e) => knownBy(e.knownAt, asOf))
    .sort((a, b) => compareIds(a.id, b.id))
    .map((e) => prepareEvidence(e, hypotheses, config, asOf, analyst));
  return { hypotheses, priors: coherentiseValues(hypotheses.map((h) => h.prior)), evidence };
}

function prepareEvidence(
  e: EvidenceInput,
  hypotheses: readonly HypothesisInput[],
  config: AssessmentConfig,
  asOf: number | undefined,
  analyst: string | undefined,
): PreparedEvidence {
  const ratings = latestRatings(e, asOf, analyst);
  const cells = hypotheses.map((h) => ratings.filter((r) => r.hypothesisId === h.id).map((r) => r.rating));
  const creditedWeight = effectiveWeight(e, config);
  const discredited = e.discredited === true;
  const weight = discredited ? creditedWeight * config.discreditedFactor : creditedWeight;
  return { id: e.id, discredited, weight, creditedWeight, cells };
}

/** weight × reliability factor × credibility factor (absent grades use `unassessedFactor`). */
function effectiveWeight(e: EvidenceInput, config: AssessmentConfig): number {
  const reliability = e.reliability === undefined ? config.unassessedFactor : config.reliabilityFactor[e.reliability];
  const credibility =
    e.credibility === undefined ? config.unassessedFactor : config.credibilityFactor[`${e.credibility}`];
  return (e.weight ?? 1) * reliability * credibility;
}

/** Per (analyst, hypothesis), the latest rating given by `asOf`; sorted by analyst. */
function latestRatings(e: EvidenceInput, asOf: number | undefined, analyst: string | undefined): RatingInput[] {
  const ratedAt = (r: RatingInput) => toInstant(r.ratedAt ?? e.knownAt);
  const latest = new Map<string, RatingInput>();
  for (const r of e.ratings) {
    if (analyst !== undefined && r.analyst !== analyst) continue;
    if (asOf !== undefined && ratedAt(r) > asOf) continue;
    const key = `${r.analyst}\u0000${r.hypothesisId}`;
    const current = latest.get(key);
    if (!current || ratedAt(r) > ratedAt(current)) latest.set(key, r);
  }
  return [...latest.values()].sort((a, b) => compareIds(a.analyst, b.analyst));
}
