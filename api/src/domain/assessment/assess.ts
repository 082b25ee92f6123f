import { prepareCase, type PreparedCase } from './case';
import { resolveConfig } from './config';
import { evaluate, evidenceResult, hypothesisResults } from './engine';
import { analystDistributions, disagreementReport, pooledResult, type AnalystDistribution } from './pooling';
import { compareIds } from './probability';
import { sensitivityAnalysis } from './sensitivity';
import { knownBy, toInstant } from './time';
import type {
  AnalystView,
  AssessmentConfig,
  AssessmentInput,
  AssessmentMethod,
  AssessmentOptions,
  AssessmentResult,
  HistoryPoint,
} from './types';
import { validateAssessmentInput } from './validate';

const DEFAULT_METHOD: AssessmentMethod = 'BOTH';

/**
 * Assesses one incident's hypotheses: consensus ACH and/or Bayesian view, evidence
 * diagnosticity, sensitivity, per-analyst views, pooled judgements and disagreement.
 * Pure and deterministic; throws AssessmentInputError on invalid input.
 */
export function assess(input: AssessmentInput, options: AssessmentOptions = {}): AssessmentResult {
  validateAssessmentInput(input, options);
  const config = resolveConfig(options.config);
  const method = options.method ?? DEFAULT_METHOD;
  const asOf = options.asOf === undefined ? undefined : toInstant(options.asOf);
  const consensus = prepareCase(input, config, asOf);
  const evaluation = evaluate(consensus, config, method);
  const hypothesisIds = consensus.hypotheses.map((h) => h.id);
  const distributions = analystDistributions(input.judgements ?? [], hypothesisIds, asOf);
  return {
    method,
    asOf: options.asOf ?? null,
    hypotheses: hypothesisResults(consensus, evaluation, config),
    evidence: consensus.evidence.map((e) => evidenceResult(e, config)),
    sensitivity: sensitivityAnalysis(consensus, config, method, evaluation),
    analysts: analystViews(input, config, method, asOf, distributions),
    pooled: pooledResult(hypothesisIds, distributions, config),
    disagreement: disagreementReport(hypothesisIds, distributions),
  };
}

/** One view per analyst who rated counted evidence or gave a judgement by `asOf`. */
function analystViews(
  input: AssessmentInput,
  config: AssessmentConfig,
  method: AssessmentMethod,
  asOf: number | undefined,
  distributions: readonly AnalystDistribution[],
): AnalystView[] {
  const names = new Set(distributions.map((d) => d.analyst));
  for (const e of input.evidence) {
    if (!knownBy(e.knownAt, asOf)) continue;
    for (const r of e.ratings) if (knownBy(r.ratedAt, asOf)) names.add(r.analyst);
  }
  return [...names].sort(compareIds).map((analyst) => {
    const own: PreparedCase = prepareCase(input, config, asOf, analyst);
    const judgement = distributions.find((d) => d.analyst === analyst);
    return {
      analyst,
      hypotheses: hypothesisResults(own, evaluate(own, config, method), config),
      judgement: judgement
        ? own.hypotheses.map((h, i) => ({ hypothesisId: h.id, probability: judgement.probabilities[i] ?? 0 }))
        : null,
    };
  });
}

/**
 * The consensus assessment at every distinct instant when evidence became known or a rating
 * was given (up to `options.asOf` when set), oldest first.
 */
export function assessmentHistory(input: AssessmentInput, options: AssessmentOptions = {}): HistoryPoint[] {
  validateAssessmentInput(input, options);
  const config = resolveConfig(options.config);
  const method = options.method ?? DEFAULT_METHOD;
  const limit = options.asOf === undefined ? undefined : toInstant(options.asOf);
  return historyInstants(input, limit).map((instant) => {
    const c = prepareCase(input, config, instant);
    const ev = evaluate(c, config, method);
    return {
      asOf: new Date(instant).toISOString(),
      leader: ev.leader,
      hypotheses: hypothesisResults(c, ev, config).map(({ hypothesisId, score, posterior, rank }) => ({
        hypothesisId,
        score,
        posterior,
        rank,
      })),
    };
  });
}

function historyInstants(input: AssessmentInput, limit: number | undefined): number[] {
  const instants = new Set<number>();
  for (const e of input.evidence) {
    instants.add(toInstant(e.knownAt));
    for (const r of e.ratings) if (r.ratedAt !== undefined) instants.add(toInstant(r.ratedAt));
  }
  return [...instants].filter((t) => limit === undefined || t <= limit).sort((a, b) => a - b);
}
