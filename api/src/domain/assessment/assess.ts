import { prepareCase, restrictToAnalyst, withoutAnalyst, type PreparedCase } from './case';
import { resolveConfig } from './config';
import { evaluate, evidenceResult, hypothesisResults, scoreCase, type Evaluation, type Scored } from './engine';
import { analystDistributions, disagreementReport, pooledResult, type AnalystDistribution } from './pooling';
import { compareIds, jensenShannon, mean } from './probability';
import { sensitivityAnalysis } from './sensitivity';
import { toInstant } from './time';
import type {
  AnalystDivergence,
  AnalystView,
  AnalyticConfidence,
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
 * diagnosticity and dependency groups, sensitivity, per-analyst views and their divergence,
 * pooled judgements, disagreement and analytic confidence. Pure and deterministic; throws
 * AssessmentInputError on invalid input.
 */
export function assess(input: AssessmentInput, options: AssessmentOptions = {}): AssessmentResult {
  const config = resolveConfig(options.config);
  validateAssessmentInput(input, options, config);
  const method = options.method ?? DEFAULT_METHOD;
  const asOf = options.asOf === undefined ? undefined : toInstant(options.asOf);
  const consensus = prepareCase(input, config, asOf, undefined, { includeOther: options.includeOther === true });
  const scored = scoreCase(consensus, config);
  const evaluation = evaluate(consensus, config, method, scored);
  const lead = robustLead(consensus, config, method, evaluation);
  const hypothesisIds = consensus.hypotheses.map((h) => h.id);
  const distributions = analystDistributions(input.judgements ?? [], hypothesisIds, asOf, config);
  const analysts = analystViews(consensus, config, method, distributions);
  return {
    method,
    asOf: options.asOf ?? null,
    hypotheses: hypothesisResults(consensus, evaluation, config, scored),
    ...lead,
    evidence: consensus.evidence.map((_, i) => evidenceResult(consensus, i, scored, config)),
    sensitivity: sensitivityAnalysis(consensus, config, method, scored, evaluation),
    analysts,
    pooled: pooledResult(hypothesisIds, distributions, config),
    disagreement: disagreementReport(hypothesisIds, distributions),
    analystDivergence: analystDivergence(analysts),
    analyticConfidence: analyticConfidence(consensus, scored, lead.leadStatus),
  };
}

/**
 * A clear leader must not rest on one analyst: with two or more raters, the consensus is re-run
 * without each analyst in turn; if the clear leader does not stay the clear leader, the lead is
 * reported as not clear (`tie`), with every hypothesis that led or tied in a run, and the
 * analysts it rests on in `leadRestsOn`.
 */
function robustLead(
  c: PreparedCase,
  config: AssessmentConfig,
  method: AssessmentMethod,
  ev: Evaluation,
): Pick<AssessmentResult, 'leader' | 'leadStatus' | 'tiedForLead' | 'leadRestsOn'> {
  const base = { leader: ev.leader, leadStatus: ev.leadStatus, tiedForLead: ev.tiedForLead, leadRestsOn: [] as string[] };
  const names = raters(c);
  if (ev.leadStatus !== 'clear' || names.length < 2) return base;
  const restsOn: string[] = [];
  const contenders = new Set(ev.tiedForLead);
  for (const analyst of names) {
    const without = withoutAnalyst(c, analyst);
    const run = evaluate(without, config, method, scoreCase(without, config, false));
    if (run.leadStatus === 'clear' && run.leader === ev.leader) continue;
    restsOn.push(analyst);
    for (const id of run.tiedForLead) contenders.add(id);
  }
  if (restsOn.length === 0) return base;
  const order = new Map(c.hypotheses.map((h, i) => [h.id, i]));
  const value = (id: string) => (ev.posteriors ?? ev.scores ?? [])[order.get(id) ?? 0] ?? 0;
  const tied = [...contenders].sort((a, b) => value(b) - value(a) || compareIds(a, b));
  return { leader: null, leadStatus: 'tie', tiedForLead: tied, leadRestsOn: restsOn };
}

/** Analysts whose ratings are in force in the prepared case, sorted. */
function raters(c: PreparedCase): string[] {
  return c.raters;
}

/** One view per analyst who rated counted evidence or gave a judgement by `asOf`. */
function analystViews(
  consensus: PreparedCase,
  config: AssessmentConfig,
  method: AssessmentMethod,
  distributions: readonly AnalystDistribution[],
): AnalystView[] {
  const names = new Set([...raters(consensus), ...distributions.map((d) => d.analyst)]);
  return [...names].sort(compareIds).map((analyst) => {
    const own = restrictToAnalyst(consensus, analyst);
    const scored = scoreCase(own, config, false);
    const ev = evaluate(own, config, method, scored);
    const judgement = distributions.find((d) => d.analyst === analyst);
    return {
      analyst,
      hypotheses: hypothesisResults(own, ev, config, scored),
      leader: ev.leader,
      leadStatus: ev.leadStatus,
      ratedItems: scored.terms.filter((t) => t.rated).length,
      judgement: judgement
        ? own.hypotheses.map((h, i) => ({ hypothesisId: h.id, probability: judgement.probabilities[i] ?? 0 }))
        : null,
      incoherence: judgement ? judgement.incoherence : null,
    };
  });
}

/**
 * Jensen–Shannon divergence between the rating-based posteriors of every pair of analysts who
 * rated something, largest first (then by names).
 */
function analystDivergence(views: readonly AnalystView[]): AnalystDivergence[] {
  const rated = views.filter((v) => v.ratedItems > 0 && v.hypotheses.every((h) => h.posterior !== null));
  const byId = (v: AnalystView) =>
    [...v.hypotheses].sort((a, b) => compareIds(a.hypothesisId, b.hypothesisId)).map((h) => h.posterior ?? 0);
  const out: AnalystDivergence[] = [];
  for (let i = 0; i < rated.length; i += 1) {
    for (let j = i + 1; j < rated.length; j += 1) {
      const a = rated[i]!;
      const b = rated[j]!;
      out.push({
        analystA: a.analyst,
        analystB: b.analyst,
        jensenShannon: jensenShannon(byId(a), byId(b)),
        leaderA: a.leader,
        leaderB: b.leader,
      });
    }
  }
  return out.sort((x, y) => y.jensenShannon - x.jensenShannon || compareIds(x.analystA, y.analystA) || compareIds(x.analystB, y.analystB));
}

/** Thresholds of the analytic-confidence levels (docs/assessment.md, "Likelihood and confidence"). */
export const CONFIDENCE_RULES = Object.freeze({
  high: { groups: 3, reliability: 0.6, analysts: 2 },
  moderate: { groups: 2, reliability: 0.4 },
});

/**
 * ICD 203 keeps the likelihood of a judgement apart from the confidence in it. Confidence here
 * rests on how many independent groups discriminate, how reliable their items are, how many
 * analysts rated, and whether there is a clear leader.
 */
function analyticConfidence(c: PreparedCase, scored: Scored, leadStatus: AssessmentResult['leadStatus']): AnalyticConfidence {
  const diagnostic = c.evidence.filter((e, i) => {
    const t = scored.terms[i]!;
    return scored.share[i]! > 0 && t.logLik.some((v) => Math.abs(v - t.logLik[0]!) > 1e-12);
  });
  const groups = new Set(diagnostic.map((e) => e.group)).size;
  const reliability = mean(diagnostic.map((e) => e.reliability));
  const analysts = raters(c).length;
  const reasons: string[] = [];
  const { high, moderate } = CONFIDENCE_RULES;
  if (groups < high.groups) reasons.push(`${groups} independent discriminating source group(s); high confidence needs ${high.groups}`);
  if (reliability < high.reliability) reasons.push(`mean source reliability ${reliability.toFixed(2)}; high confidence needs ${high.reliability}`);
  if (analysts < high.analysts) reasons.push(`${analysts} analyst(s) rated; high confidence needs ${high.analysts}`);
  if (leadStatus !== 'clear') reasons.push('no clear leader');
  const level =
    reasons.length === 0
      ? 'high'
      : groups >= moderate.groups && reliability >= moderate.reliability && leadStatus === 'clear'
        ? 'moderate'
        : 'low';
  return { level, independentGroups: groups, meanReliability: reliability, analysts, reasons };
}

/**
 * The consensus assessment at every distinct instant when evidence became known, a rating or a
 * judgement was given, or a hypothesis or item version began (up to `options.asOf` when set),
 * oldest first. Each point is the case as it was then (stored versions, when given).
 */
export function assessmentHistory(input: AssessmentInput, options: AssessmentOptions = {}): HistoryPoint[] {
  const config = resolveConfig(options.config);
  validateAssessmentInput(input, options, config);
  const method = options.method ?? DEFAULT_METHOD;
  const limit = options.asOf === undefined ? undefined : toInstant(options.asOf);
  return historyInstants(input, limit).map((instant) => {
    const c = prepareCase(input, config, instant, undefined, { includeOther: options.includeOther === true });
    const scored = scoreCase(c, config);
    const ev = evaluate(c, config, method, scored);
    return {
      asOf: new Date(instant).toISOString(),
      leader: ev.leader,
      leadStatus: ev.leadStatus,
      tiedForLead: ev.tiedForLead,
      hypotheses: hypothesisResults(c, ev, config, scored).map(({ hypothesisId, score, posterior, rank }) => ({
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
    for (const v of e.versions ?? []) instants.add(toInstant(v.validFrom));
  }
  for (const h of input.hypotheses) {
    if (h.createdAt !== undefined) instants.add(toInstant(h.createdAt));
    for (const v of h.versions ?? []) instants.add(toInstant(v.validFrom));
  }
  return [...instants].filter((t) => limit === undefined || t <= limit).sort((a, b) => a - b);
}
