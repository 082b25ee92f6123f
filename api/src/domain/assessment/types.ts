/**
 * Plain-data types of the assessment engine. Everything here is JSON-serialisable: no classes,
 * no Maps, no Dates (instants travel as ISO 8601 strings).
 */

/** Consistency of one evidence item with one hypothesis (Heuer's ACH matrix cell). */
export const RATINGS = ['CC', 'C', 'N', 'I', 'II'] as const;
export type Rating = (typeof RATINGS)[number];

export const HYPOTHESIS_STATUSES = ['open', 'retained', 'rejected'] as const;
export type HypothesisStatus = (typeof HYPOTHESIS_STATUSES)[number];

/** Admiralty (NATO) source reliability: A completely reliable … E unreliable, F cannot be judged. */
export const SOURCE_RELIABILITIES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type SourceReliability = (typeof SOURCE_RELIABILITIES)[number];

/** Admiralty information credibility: 1 confirmed … 5 improbable, 6 truth cannot be judged. */
export const INFORMATION_CREDIBILITIES = [1, 2, 3, 4, 5, 6] as const;
export type InformationCredibility = (typeof INFORMATION_CREDIBILITIES)[number];

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

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

export interface HypothesisInput {
  id: string;
  name: string;
  category?: string;
  /** Prior probability in [0, 1]; hypotheses without one share the mass the others leave. */
  prior?: number;
  /** Informational only: rejected hypotheses still take part in every computation. */
  status: HypothesisStatus;
}

export interface RatingInput {
  hypothesisId: string;
  analyst: string;
  rating: Rating;
  rationale?: string;
  /** When the analyst gave this rating; defaults to the evidence's `knownAt`. */
  ratedAt?: string;
}

export interface EvidenceInput {
  id: string;
  name: string;
  /** When the information was collected / known (ISO 8601); drives "as of". */
  knownAt: string;
  /** Analyst weight, finite and >= 0 (default 1). */
  weight?: number;
  reliability?: SourceReliability;
  credibility?: InformationCredibility;
  discredited?: boolean;
  ratings: RatingInput[];
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
  /** ACH points per rating, multiplied by the evidence's effective weight. */
  achPenalty: Record<Rating, number>;
  /** Relative likelihood P(evidence | hypothesis) per rating; only ratios matter; all > 0. */
  likelihood: Record<Rating, number>;
  /** Rating assumed where no analyst rated an evidence item against a hypothesis. */
  missingRating: Rating;
  /** How several analysts' ratings of one cell combine (consensus view). */
  ratingCombination: RatingCombination;
  /** Multiplier of the evidence weight per Admiralty source reliability. */
  reliabilityFactor: Record<SourceReliability, number>;
  /** Multiplier of the evidence weight per Admiralty information credibility. */
  credibilityFactor: Record<`${InformationCredibility}`, number>;
  /** Multiplier used when reliability or credibility is absent. */
  unassessedFactor: number;
  /** Multiplier of the weight of discredited evidence (0: it no longer counts). */
  discreditedFactor: number;
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
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

export interface HypothesisResult {
  hypothesisId: string;
  name: string;
  status: HypothesisStatus;
  /** ACH weighted inconsistency (<= 0 with default penalties); null when method is BAYES. */
  score: number | null;
  /** Rank by ACH score (1 = least inconsistent); null when method is BAYES. */
  achRank: number | null;
  /** Posterior probability; null when method is ACH. */
  posterior: number | null;
  /** 1 = leading hypothesis: by posterior for BAYES and BOTH, by ACH score for ACH. */
  rank: number;
  /** Words of estimative probability for the posterior; null when method is ACH. */
  label: string | null;
  /** Posterior on the STIX 0–100 confidence scale; null when method is ACH. */
  confidence: number | null;
  /** STIX "None/Low/Med/High" name of `confidence`. */
  confidenceLevel: string | null;
  /** STIX Admiralty-credibility name of `confidence`. */
  admiraltyCredibility: string | null;
}

export interface EvidenceResult {
  evidenceId: string;
  /** weight × reliability factor × credibility factor (× discredited factor). */
  effectiveWeight: number;
  /** Effective weight × (max − min) of the combined log-likelihood across hypotheses (nats). */
  diagnosticity: number;
  /** The ratings are the same for every hypothesis: the item cannot discriminate. */
  nonDiagnostic: boolean;
}

export interface SensitivityResult {
  evidenceId: string;
  /** `remove` for counted evidence, `restore` for discredited evidence. */
  action: 'remove' | 'restore';
  flipsLead: boolean;
  /** The new leading hypothesis when the lead flips. */
  newLeader?: string;
  /** Posterior after − before, per hypothesis id; null when method is ACH. */
  deltaPosterior: Record<string, number> | null;
  /** ACH score after − before, per hypothesis id; null when method is BAYES. */
  deltaScore: Record<string, number> | null;
}

export interface AnalystView {
  analyst: string;
  /** The engine run on this analyst's ratings only. */
  hypotheses: HypothesisResult[];
  /** This analyst's coherentised judgements, by hypothesis id order; null when none given. */
  judgement: ProbabilityEntry[] | null;
}

export interface ProbabilityEntry {
  hypothesisId: string;
  probability: number;
}

export interface PooledHypothesis extends ProbabilityEntry {
  rank: number;
  label: string;
  confidence: number;
}

export interface PooledResult {
  rule: PoolingRule;
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

export interface AssessmentResult {
  method: AssessmentMethod;
  asOf: string | null;
  /** Ordered by rank. */
  hypotheses: HypothesisResult[];
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
}

export interface HistoryPoint {
  asOf: string;
  leader: string | null;
  hypotheses: Array<Pick<HypothesisResult, 'hypothesisId' | 'score' | 'posterior' | 'rank'>>;
}
