/**
 * Plain-data types of the assessment engine. Everything here is JSON-serialisable: no classes,
 * no Maps, no Dates (instants travel as ISO 8601 strings).
 */

import type { InformationCredibility, Rating, SourceReliability } from '../../../../schema/assessment/scales';

// The rating and Admiralty scales are defined once in schema/assessment/scales.ts.
export {
  INFORMATION_CREDIBILITIES,
  RATINGS,
  SOURCE_RELIABILITIES,
  type InformationCredibility,
  type Rating,
  type SourceReliability,
} from '../../../../schema/assessment/scales';

export const HYPOTHESIS_STATUSES = ['open', 'retained', 'rejected'] as const;
export type HypothesisStatus = (typeof HYPOTHESIS_STATUSES)[number];

export const METHODS = ['ACH', 'BAYES', 'BOTH'] as const;
export type AssessmentMethod = (typeof METHODS)[number];

export const POOLING_RULES = ['linear', 'logarithmic'] as const;
export type PoolingRule = (typeof POOLING_RULES)[number];

/**
 * How several analysts' ratings of one cell (evidence × hypothesis) combine: `mean` (mean log-
 * likelihood and mean ACH penalty) or `strictest` (the lowest likelihood and the lowest penalty
 * among them). docs/assessment.md, "Several analysts", explains why both exist.
 */
export const RATING_COMBINATIONS = ['mean', 'strictest'] as const;
export type RatingCombination = (typeof RATING_COMBINATIONS)[number];

export const COHERENTISATIONS = ['proportional', 'least-squares'] as const;
/** How an analyst's incoherent probabilities are made coherent (docs/assessment.md). */
export type Coherentisation = (typeof COHERENTISATIONS)[number];

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/**
 * A stored version of a hypothesis, valid from `validFrom` until the next one. With versions,
 * an assessment as of an instant uses the version valid then (docs/assessment.md, "As of").
 */
export interface HypothesisVersion {
  validFrom: string;
  name?: string;
  prior?: number;
  status: HypothesisStatus;
  /** Deleted from the case from `validFrom` on (a revoked STIX version): left out of an assessment as of then or later. */
  deleted?: boolean;
}

export interface HypothesisInput {
  id: string;
  name: string;
  /** `unknown` marks the "other / an actor not considered" hypothesis. */
  category?: string;
  /** Prior probability in [0, 1]; floored at `priorFloor`; absent: a share of what the others leave. */
  prior?: number;
  /** Informational only: rejected hypotheses still take part in every computation. */
  status: HypothesisStatus;
  /** When the hypothesis was created; an assessment as of an earlier instant leaves it out. */
  createdAt?: string;
  /** Stored versions (any order); the one valid at `asOf` replaces prior, status and name. */
  versions?: HypothesisVersion[];
}

export interface RatingInput {
  hypothesisId: string;
  analyst: string;
  rating: Rating;
  rationale?: string;
  /** When the analyst gave this rating; defaults to the evidence's `knownAt`. */
  ratedAt?: string;
}

/** A stored version of an evidence item's grading, valid from `validFrom` until the next one. */
export interface EvidenceVersion {
  validFrom: string;
  weight?: number;
  reliability?: SourceReliability;
  credibility?: InformationCredibility;
  discredited?: boolean;
  /** Deleted from the case from `validFrom` on: left out of an assessment as of then or later. */
  deleted?: boolean;
}

export interface EvidenceInput {
  id: string;
  name: string;
  /** When the information was collected / known (ISO 8601); drives "as of". */
  knownAt: string;
  /** Analyst weight, finite, in [0, maxWeight] (default 1): a tempering exponent. */
  weight?: number;
  reliability?: SourceReliability;
  credibility?: InformationCredibility;
  discredited?: boolean;
  ratings: RatingInput[];
  /**
   * Items with the same source key report the same thing from the same source (e.g. the same
   * external reference `source_name:external_id`): they form one dependency group.
   */
  sourceKey?: string;
  /** Ids of evidence items this one derives from (a judgement citing them, `derived_from`). */
  derivedFrom?: string[];
  /** Stored versions of weight, grades and discrediting (any order); see HypothesisVersion. */
  versions?: EvidenceVersion[];
}

/** One analyst's own probability for one hypothesis. */
export interface AnalystJudgement {
  analyst: string;
  hypothesisId: string;
  probability: number;
  at?: string;
}

export interface AssessmentInput {
  hypotheses: HypothesisInput[];
  evidence: EvidenceInput[];
  judgements?: AnalystJudgement[];
}

/** A named interval of a scale; `min` inclusive, `max` inclusive only for the last band. */
export interface ScaleBand<Name extends string = string> {
  name: Name;
  min: number;
  max: number;
}

export interface AssessmentConfig {
  /** ACH points per rating, multiplied by the evidence's effective weight and reliability. */
  achPenalty: Record<Rating, number>;
  /** Relative likelihood P(evidence | hypothesis) per rating; only ratios matter; all > 0. */
  likelihood: Record<Rating, number>;
  /** How several analysts' ratings of one cell combine (consensus view). */
  ratingCombination: RatingCombination;
  /**
   * Probability that a report from a source of this Admiralty reliability is informative: the
   * mixture weight r_s in P(report | h) = r·L(e | h) + (1 − r)·L(N). Must keep the Admiralty order.
   */
  reliabilityFactor: Record<SourceReliability, number>;
  /** Same for the Admiralty information credibility; r = r_s × r_c. */
  credibilityFactor: Record<`${InformationCredibility}`, number>;
  /** Mixture weight of an absent grade: a medium grade (that of C and of 3). */
  unassessedFactor: number;
  /** Multiplier of the weight of discredited evidence (0: it no longer counts). */
  discreditedFactor: number;
  /** Upper bound of an item's weight (a tempering exponent); larger weights are refused. */
  maxWeight: number;
  /** Every prior is at least this (after coherentising), so no hypothesis starts at 0. */
  priorFloor: number;
  /** Every posterior and pooled probability is at least this, so none ends at exactly 0 or 1. */
  probabilityFloor: number;
  /** Every coherentised analyst probability is at least this. */
  judgementFloor: number;
  /** Prior of the "other / not considered" hypothesis the engine adds when asked. */
  otherPrior: number;
  /** Top two posteriors closer than this (absolute): no clear leader. */
  tieMargin: number;
  /** Top two ACH scores closer than this: no clear leader (method ACH). */
  achTieMargin: number;
  /** A sensitivity run moving no posterior by this much is never reported as decisive. */
  negligibleDelta: number;
  /** Two evidence names whose word sets overlap this much (Jaccard) are flagged near duplicates. */
  nearDuplicateThreshold: number;
  /** How analysts' judgements are made coherent before pooling. */
  coherentisation: Coherentisation;
  /** Words of estimative probability over [0, 1] (ICD 203). */
  wepBands: ScaleBand[];
  /** STIX 2.1 Appendix A "None / Low / Med / High" over the 0–100 confidence. */
  stixLevels: ScaleBand[];
  /** STIX 2.1 Appendix A Admiralty credibility names over the 0–100 confidence. */
  admiraltyLevels: ScaleBand[];
  /** How analysts' coherentised judgements are pooled. */
  pooling: PoolingRule;
  /** Probabilities are raised to at least this before a logarithmic pool (avoids a 0 veto). */
  logPoolFloor: number;
  /** Absolute tolerance under which two numbers count as equal (non-diagnostic test, labels). */
  epsilon: number;
}

/** What callers may pass: any top-level key, and for tables any subset of their entries. */
export type AssessmentConfigInput = {
  [K in keyof AssessmentConfig]?: AssessmentConfig[K] extends ScaleBand[]
    ? ScaleBand[]
    : AssessmentConfig[K] extends Record<string, number>
      ? Partial<AssessmentConfig[K]>
      : AssessmentConfig[K];
};

export interface AssessmentOptions {
  /** Only what was known at this instant counts (ISO 8601; a bare date means 00:00 UTC). */
  asOf?: string;
  method?: AssessmentMethod;
  config?: AssessmentConfigInput;
  /**
   * Add an "other / an actor not considered" hypothesis (id `OTHER_HYPOTHESIS_ID`, prior
   * `otherPrior`) unless one with category `unknown` exists.
   */
  includeOther?: boolean;
}

/** Id of the "other" hypothesis the engine adds with `includeOther`. */
export const OTHER_HYPOTHESIS_ID = 'other:not-considered';

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/** `clear`: one leader ahead by the tie margin; `tie`: several within it; `none`: no hypothesis. */
export type LeadStatus = 'clear' | 'tie' | 'none';

export interface HypothesisResult {
  hypothesisId: string;
  name: string;
  status: HypothesisStatus;
  /** True for the "other / not considered" hypothesis (category `unknown` or added). */
  isOther: boolean;
  /** ACH weighted inconsistency (<= 0 with default penalties); null when method is BAYES. */
  score: number | null;
  /** Rank by ACH score (1 = least inconsistent, equal scores share a rank); null for BAYES. */
  achRank: number | null;
  /** Posterior probability, in [probabilityFloor, 1 − probabilityFloor]; null when method is ACH. */
  posterior: number | null;
  /** 1 = leading; equal values share a rank (1, 1, 3). By posterior (BAYES, BOTH) or ACH score. */
  rank: number;
  /** Words of estimative probability for the posterior; null when method is ACH. */
  label: string | null;
  /** Posterior on the STIX confidence scale, kept within 1–99; null when method is ACH. */
  confidence: number | null;
  /** STIX "None/Low/Med/High" name of `confidence`. */
  confidenceLevel: string | null;
  /** STIX Admiralty-credibility name of `confidence` ("1 - Confirmed…" needs two independent groups). */
  admiraltyCredibility: string | null;
  /** `floor` / `ceiling` when the number only ran into a bound (the word is then not the top one). */
  bound: 'floor' | 'ceiling' | null;
  /** Counted evidence items nobody rated against this hypothesis (missing, not neutral). */
  blankCells: number;
  /** Counted evidence items someone rated against this hypothesis. */
  ratedCells: number;
}

/** One cell (evidence × hypothesis) as the consensus uses it. */
export interface CellResult {
  hypothesisId: string;
  /** Analysts whose rating of the cell counts as of `asOf` (0: blank). */
  raters: number;
  /** Nobody rated it: the item's mean log-likelihood over its rated cells stands in. */
  blank: boolean;
  /** Spread of the analysts' ratings in rating steps (II −2 … CC +2): max − min; 0 when < 2 raters. */
  spread: number;
  /** Combined likelihood the cell counts with (blank: the imputed one), before the reliability mixture. */
  likelihood: number;
  /** Combined ACH penalty (blank: imputed), before weight and reliability. */
  achPenalty: number;
}

export interface EvidenceResult {
  evidenceId: string;
  /** The weight that counts: weight (× discredited factor) ÷ size of its dependency group. */
  effectiveWeight: number;
  /** r = reliability × credibility mixture weight (docs/assessment.md, "Source reliability"). */
  reliability: number;
  /** Effective weight × (max − min) of the item's log-likelihoods across hypotheses (nats). */
  diagnosticity: number;
  /** The ratings are the same for every hypothesis, or nobody rated it: it cannot discriminate. */
  nonDiagnostic: boolean;
  /** Id of the dependency group (the smallest member id); equal for dependent items. */
  group: string;
  /** Counted members of the group: their weights are shared, not added. */
  groupSize: number;
  /** Other items with the same name (normalised): exact duplicates, grouped. */
  duplicateOf: string[];
  /** Other items whose names overlap by `nearDuplicateThreshold`: flagged, not grouped. */
  nearDuplicateOf: string[];
  /** Per hypothesis (by id): raters, blank, spread, combined likelihood. */
  cells: CellResult[];
}

/**
 * What a sensitivity run does to the lead: `holds` (same clear leader, or same tie), `new-leader`
 * (another clear leader), `becomes-tie` (the clear leader is lost to a tie), `breaks-tie` (a tie
 * resolves into a clear leader).
 */
export type SensitivityOutcome = 'holds' | 'new-leader' | 'becomes-tie' | 'breaks-tie';

export interface SensitivityResult {
  evidenceId: string;
  /** `remove` for counted evidence, `restore` for discredited evidence. */
  action: 'remove' | 'restore';
  /** The lead changes (another clear leader, or a clear leader becomes or stops being a tie). */
  flipsLead: boolean;
  outcome: SensitivityOutcome;
  /** The new clear leader, only for `new-leader` and `breaks-tie`. */
  newLeader?: string;
  /** The hypotheses tied for the lead after the run (empty unless it ends in a tie). */
  tiedAfter: string[];
  /** The lead changes and the run moves some posterior (or ACH score) by at least `negligibleDelta`. */
  decisive: boolean;
  /** Posterior after − before, per hypothesis id; null when method is ACH. */
  deltaPosterior: Record<string, number> | null;
  /** ACH score after − before, per hypothesis id; null when method is BAYES. */
  deltaScore: Record<string, number> | null;
}

export interface AnalystView {
  analyst: string;
  /** The engine run on this analyst's ratings only. */
  hypotheses: HypothesisResult[];
  /** This analyst's clear leader from their own ratings (null: tie or nothing rated). */
  leader: string | null;
  leadStatus: LeadStatus;
  /** Counted evidence items this analyst rated (against at least one hypothesis). */
  ratedItems: number;
  /** This analyst's coherentised judgements, by hypothesis id order; null when none given. */
  judgement: ProbabilityEntry[] | null;
  /** Euclidean distance from the given probabilities to the nearest coherent ones (0: coherent). */
  incoherence: number | null;
}

export interface ProbabilityEntry {
  hypothesisId: string;
  probability: number;
}

export interface PooledHypothesis extends ProbabilityEntry {
  rank: number;
  label: string;
  confidence: number;
  /** Analysts whose judgement (given, or implied by their leftover mass) entered this value. */
  analysts: number;
}

export interface PooledResult {
  rule: PoolingRule;
  coherentisation: Coherentisation;
  analysts: string[];
  hypotheses: PooledHypothesis[];
}

export interface AnalystProbability {
  analyst: string;
  probability: number;
}

export interface DisagreementEntry {
  hypothesisId: string;
  /** max − min of the analysts' coherentised probabilities. */
  spread: number;
  /** Population standard deviation of the same probabilities. */
  stdDev: number;
  lowest: AnalystProbability;
  highest: AnalystProbability;
}

/** How far two analysts' rating-based posteriors are apart. */
export interface AnalystDivergence {
  analystA: string;
  analystB: string;
  /** Jensen–Shannon divergence, base 2: 0 identical … 1 disjoint. */
  jensenShannon: number;
  /** Each one's clear leader (null: tie). */
  leaderA: string | null;
  leaderB: string | null;
}

/** ICD 203 analytic confidence: how much, how reliable and how independent the evidence is. */
export interface AnalyticConfidence {
  level: 'low' | 'moderate' | 'high';
  /** Dependency groups that discriminate between hypotheses (weight > 0, not non-diagnostic). */
  independentGroups: number;
  /** Mean reliability r of the diagnostic groups' items (0 when none). */
  meanReliability: number;
  /** Analysts whose ratings count. */
  analysts: number;
  /** Why the level is not higher, in words. */
  reasons: string[];
}

export interface AssessmentResult {
  method: AssessmentMethod;
  asOf: string | null;
  /** Ordered by rank, then id. */
  hypotheses: HypothesisResult[];
  /** The clear leader; null on a tie (see `tiedForLead`) or without hypotheses. */
  leader: string | null;
  leadStatus: LeadStatus;
  /** Hypotheses within the tie margin of the top (one when the lead is clear). */
  tiedForLead: string[];
  /**
   * Analysts without whose ratings the margin-clear leader would not stay the clear leader; when
   * not empty the lead is reported as not clear (`leader` null, `leadStatus` `tie`).
   */
  leadRestsOn: string[];
  /** Evidence known as of `asOf`, by id. */
  evidence: EvidenceResult[];
  /** By evidence id. */
  sensitivity: SensitivityResult[];
  /** By analyst name: everyone who rated evidence or gave a judgement. */
  analysts: AnalystView[];
  /** Null when no analyst gave a judgement. */
  pooled: PooledResult | null;
  /** Biggest spread first; empty when fewer than two analysts gave judgements. */
  disagreement: DisagreementEntry[];
  /** Pairs of analysts with ratings, largest divergence first. */
  analystDivergence: AnalystDivergence[];
  analyticConfidence: AnalyticConfidence;
}

export interface HistoryPoint {
  asOf: string;
  leader: string | null;
  leadStatus: LeadStatus;
  tiedForLead: string[];
  hypotheses: Array<Pick<HypothesisResult, 'hypothesisId' | 'score' | 'posterior' | 'rank'>>;
}
