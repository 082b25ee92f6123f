import { itemTerms, type ItemTerms } from './bayes';
import type { PreparedCase } from './case';
import { admiraltyCredibilityName, bandName, estimativeLabel, stixConfidence, stixConfidenceLevel } from './labels';
import { applyFloor, normaliseLog } from './probability';
import type { AssessmentConfig, AssessmentMethod, EvidenceResult, HypothesisResult, LeadStatus } from './types';

/** Values closer than this are equal for ranks (posteriors and ACH scores). */
export const RANK_TOLERANCE = 1e-9;

/**
 * Every item's terms and the case's totals, aligned with `c.evidence` and `c.hypotheses`.
 * Dependent items share their group's weight: an item counts with weight w / k, k being the
 * number of counted members of its group (weight > 0 and rated by someone).
 */
export interface Scored {
  terms: ItemTerms[];
  /** Effective weight of each item: its weight ÷ its group's counted size (0 when not counted). */
  share: number[];
  groupOf: number[];
  /** Counted members per group. */
  groupSize: number[];
  /** Per group, Σ over counted members of w · logLik[h] and of w · penalty[h]. */
  groupLog: number[][];
  groupPen: number[][];
  /** log prior + Σ share · logLik, per hypothesis. */
  logScore: number[];
  /** Σ share · penalty, per hypothesis (ACH score). */
  achScore: number[];
  /** Groups with a counted member that discriminates between hypotheses. */
  diagnosticGroups: number;
}

export function isCounted(weight: number, terms: ItemTerms): boolean {
  return weight > 0 && terms.rated;
}

/** With `detail` false, the terms carry only what scoring needs (no per-cell details). */
export function scoreCase(c: PreparedCase, config: AssessmentConfig, detail = true): Scored {
  const n = c.hypotheses.length;
  const terms = c.evidence.map((e) => itemTerms(e, config, n, c.view, detail));
  const groupIds = new Map<string, number>();
  const groupOf = c.evidence.map((e) => {
    let g = groupIds.get(e.group);
    if (g === undefined) {
      g = groupIds.size;
      groupIds.set(e.group, g);
    }
    return g;
  });
  const groupSize = new Array<number>(groupIds.size).fill(0);
  const groupLog = Array.from({ length: groupIds.size }, () => new Array<number>(n).fill(0));
  const groupPen = Array.from({ length: groupIds.size }, () => new Array<number>(n).fill(0));
  const diagnostic = new Array<boolean>(groupIds.size).fill(false);
  const evidence = c.evidence;
  for (let i = 0; i < evidence.length; i += 1) {
    const e = evidence[i]!;
    const t = terms[i]!;
    if (!isCounted(e.weight, t)) continue;
    const g = groupOf[i]!;
    groupSize[g]! += 1;
    const log = groupLog[g]!;
    const pen = groupPen[g]!;
    const w = e.weight;
    for (let h = 0; h < n; h += 1) {
      log[h]! += w * t.logLik[h]!;
      pen[h]! += w * t.penalty[h]!;
    }
    if (!diagnostic[g] && (spreadOf(t.logLik) > config.epsilon || spreadOf(t.penalty) > config.epsilon)) diagnostic[g] = true;
  }
  const share = new Array<number>(evidence.length);
  const logScore = c.priors.map((p) => Math.log(p));
  const achScore = new Array<number>(n).fill(0);
  for (let i = 0; i < evidence.length; i += 1) {
    const t = terms[i]!;
    const w = isCounted(evidence[i]!.weight, t) ? evidence[i]!.weight / groupSize[groupOf[i]!]! : 0;
    share[i] = w;
    if (w === 0) continue;
    for (let h = 0; h < n; h += 1) {
      logScore[h]! += w * t.logLik[h]!;
      achScore[h]! += w * t.penalty[h]!;
    }
  }
  return {
    terms,
    share,
    groupOf,
    groupSize,
    groupLog,
    groupPen,
    logScore,
    achScore,
    diagnosticGroups: diagnostic.filter(Boolean).length,
  };
}

export function spreadOf(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo;
}

/** Scores of one prepared case, aligned with `c.hypotheses`. */
export interface Evaluation {
  scores: number[] | null;
  posteriors: number[] | null;
  achRanks: number[] | null;
  ranks: number[];
  /** Id of the clear leader; null on a tie or without hypotheses. */
  leader: string | null;
  leadStatus: LeadStatus;
  /** Ids within the tie margin of the top, best first (one when the lead is clear). */
  tiedForLead: string[];
  /** Independent groups that discriminate (for the Admiralty "confirmed by other sources"). */
  diagnosticGroups: number;
}

export function evaluate(c: PreparedCase, config: AssessmentConfig, method: AssessmentMethod, scored = scoreCase(c, config)): Evaluation {
  return evaluateTotals(c, config, method, scored.logScore, scored.achScore, scored.diagnosticGroups);
}

/** The evaluation of given totals (log scores before normalising, ACH scores). */
export function evaluateTotals(
  c: PreparedCase,
  config: AssessmentConfig,
  method: AssessmentMethod,
  logScore: readonly number[],
  achScore: readonly number[],
  diagnosticGroups: number,
): Evaluation {
  const light = evaluateLead(c, config, method, logScore, achScore);
  const achRanks = light.scores && rankDescending(light.scores);
  const ranks = rankDescending(light.posteriors ?? light.scores ?? []);
  return { ...light, achRanks, ranks, diagnosticGroups };
}

/** Posteriors, scores and the lead only (what a sensitivity run needs; no ranks). */
export function evaluateLead(
  c: Pick<PreparedCase, 'hypotheses'>,
  config: AssessmentConfig,
  method: AssessmentMethod,
  logScore: readonly number[],
  achScore: readonly number[],
): Pick<Evaluation, 'scores' | 'posteriors' | 'leader' | 'leadStatus' | 'tiedForLead'> {
  const scores = method === 'BAYES' ? null : [...achScore];
  const posteriors = method === 'ACH' ? null : applyFloor(normaliseLog(logScore), config.probabilityFloor);
  const primary = posteriors ?? scores ?? [];
  return { scores, posteriors, ...leadOf(c, primary, posteriors ? config.tieMargin : config.achTieMargin) };
}

/**
 * The clear leader, or the hypotheses tied for the lead: every hypothesis whose value is within
 * `margin` of the top one (or equal to it) shares the lead; one alone is a clear leader.
 */
export function leadOf(
  c: Pick<PreparedCase, 'hypotheses'>,
  values: readonly number[],
  margin: number,
): { leader: string | null; leadStatus: LeadStatus; tiedForLead: string[] } {
  if (values.length === 0) return { leader: null, leadStatus: 'none', tiedForLead: [] };
  let top = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > top) top = v;
  const tied: number[] = [];
  for (let i = 0; i < values.length; i += 1) {
    const gap = top - values[i]!;
    if (gap < margin || gap <= RANK_TOLERANCE) tied.push(i);
  }
  // Best first; equal values by index, i.e. by id (hypotheses are sorted by id).
  if (tied.length > 1) tied.sort((a, b) => values[b]! - values[a]! || a - b);
  const ids = tied.map((i) => c.hypotheses[i]!.id);
  return tied.length === 1 ? { leader: ids[0]!, leadStatus: 'clear', tiedForLead: ids } : { leader: null, leadStatus: 'tie', tiedForLead: ids };
}

/** Competition ranks (1, 1, 3) for the largest value first; values within RANK_TOLERANCE tie. */
export function rankDescending(values: readonly number[]): number[] {
  return values.map((v) => 1 + values.filter((w) => w - v > RANK_TOLERANCE).length);
}

/** Hypothesis results ordered by rank, then id. */
export function hypothesisResults(
  c: PreparedCase,
  ev: Evaluation,
  config: AssessmentConfig,
  scored: Scored,
): HypothesisResult[] {
  const n = c.hypotheses.length;
  const blank = new Array<number>(n).fill(0);
  const rated = new Array<number>(n).fill(0);
  for (let i = 0; i < c.evidence.length; i += 1) {
    if (c.evidence[i]!.weight <= 0) continue;
    const t = scored.terms[i]!;
    for (let h = 0; h < n; h += 1) {
      if (t.blank[h] === 1) blank[h]! += 1;
      else rated[h]! += 1;
    }
  }
  const results = c.hypotheses.map((h, i): HypothesisResult => {
    const posterior = ev.posteriors?.[i] ?? null;
    const bound = posterior === null ? null : boundOf(posterior, n, config);
    const confidence = posterior === null ? null : displayedConfidence(posterior);
    return {
      hypothesisId: h.id,
      name: h.name,
      status: h.status,
      isOther: c.other[i] ?? false,
      score: ev.scores?.[i] ?? null,
      achRank: ev.achRanks?.[i] ?? null,
      posterior,
      rank: ev.ranks[i] ?? 0,
      label: posterior === null ? null : estimativeWord(posterior, bound, config),
      confidence,
      confidenceLevel: confidence === null ? null : stixConfidenceLevel(confidence, config),
      admiraltyCredibility: confidence === null ? null : admiraltyName(confidence, ev.diagnosticGroups, config),
      bound,
      blankCells: blank[i] ?? 0,
      ratedCells: rated[i] ?? 0,
    };
  });
  return results.sort((a, b) => a.rank - b.rank || (a.hypothesisId < b.hypothesisId ? -1 : a.hypothesisId > b.hypothesisId ? 1 : 0));
}

/** The STIX confidence shown: round(100 p) kept within 1–99, as no posterior is 0 or 1. */
export function displayedConfidence(probability: number): number {
  return Math.min(99, Math.max(1, stixConfidence(probability)));
}

/**
 * `floor`: the value is the probability floor; `ceiling`: every other hypothesis sits at the
 * floor (or there is no other), so the value is only what the floors leave.
 */
function boundOf(p: number, n: number, config: AssessmentConfig): 'floor' | 'ceiling' | null {
  const tolerance = 1e-12;
  if (n === 1 || p >= 1 - (n - 1) * config.probabilityFloor - tolerance) return 'ceiling';
  if (p <= config.probabilityFloor + tolerance) return 'floor';
  return null;
}

/** The ICD 203 word; a value that only ran into the ceiling never gets the top word. */
export function estimativeWord(p: number, bound: 'floor' | 'ceiling' | null, config: AssessmentConfig): string {
  const bands = config.wepBands;
  const top = bands[bands.length - 1]!;
  if (bound === 'ceiling' && p + config.epsilon >= top.min) return bandName(top.min - 1e-9, bands, 0);
  return estimativeLabel(p, config);
}

/** "1 - Confirmed by other sources" needs two independent discriminating groups. */
function admiraltyName(confidence: number, groups: number, config: AssessmentConfig): string {
  const levels = config.admiraltyLevels;
  const top = levels[levels.length - 1]!;
  if (groups < 2 && confidence + config.epsilon >= top.min) return bandName(top.min - 1e-9, levels, 0);
  return admiraltyCredibilityName(confidence, config);
}

/** Diagnosticity, group, duplicates and cells of one item. */
export function evidenceResult(c: PreparedCase, i: number, scored: Scored, config: AssessmentConfig): EvidenceResult {
  const e = c.evidence[i]!;
  const t = scored.terms[i]!;
  const spread = spreadOf(t.logLik);
  const penaltySpread = spreadOf(t.penalty);
  const weight = scored.share[i]!;
  return {
    evidenceId: e.id,
    effectiveWeight: weight,
    reliability: e.reliability,
    diagnosticity: weight * spread,
    nonDiagnostic: !t.rated || (spread <= config.epsilon && penaltySpread <= config.epsilon),
    group: e.group,
    groupSize: scored.groupSize[scored.groupOf[i]!] ?? 0,
    duplicateOf: e.duplicateOf,
    nearDuplicateOf: e.nearDuplicateOf,
    cells: c.hypotheses.map((h, k) => ({
      hypothesisId: h.id,
      raters: t.raters[k] ?? 0,
      blank: t.blank[k] === 1,
      spread: t.spread[k] ?? 0,
      likelihood: t.rated ? t.likelihood[k]! : config.likelihood.N,
      achPenalty: t.cellPenalty[k] ?? 0,
    })),
  };
}
