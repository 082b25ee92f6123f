import type { PreparedCase } from './case';
import { evaluateLead, isCounted, type Evaluation, type Scored } from './engine';
import type { AssessmentConfig, AssessmentMethod, SensitivityOutcome, SensitivityResult } from './types';

/**
 * For each evidence item (by id): the assessment without it (counted items) or with it credited
 * again (discredited items), and what that does to the lead. Each run changes only the item's
 * group term, so it costs O(hypotheses), not a new assessment: the group contributes
 * T_g / k_g, with T_g the sum of its counted members' weighted log-likelihoods, and removing a
 * member makes it (T_g − w·ℓ) / (k_g − 1).
 */
export function sensitivityAnalysis(
  c: PreparedCase,
  config: AssessmentConfig,
  method: AssessmentMethod,
  scored: Scored,
  base: Evaluation,
): SensitivityResult[] {
  const n = c.hypotheses.length;
  return c.evidence.map((e, i) => {
    const t = scored.terms[i]!;
    const action = e.discredited ? 'restore' : 'remove';
    const logScore = [...scored.logScore];
    const achScore = [...scored.achScore];
    const g = scored.groupOf[i]!;
    const k = scored.groupSize[g]!;
    const counted = isCounted(e.weight, t);
    const addable = action === 'restore' && t.rated && e.creditedWeight > 0;
    if (counted || addable) {
      const w = counted ? e.weight : e.creditedWeight;
      const sign = counted ? -1 : 1;
      const after = k + sign;
      for (let h = 0; h < n; h += 1) {
        const groupLog = scored.groupLog[g]![h]!;
        const groupPen = scored.groupPen[g]![h]!;
        const beforeLog = k > 0 ? groupLog / k : 0;
        const beforePen = k > 0 ? groupPen / k : 0;
        const afterLog = after > 0 ? (groupLog + sign * w * t.logLik[h]!) / after : 0;
        const afterPen = after > 0 ? (groupPen + sign * w * t.penalty[h]!) / after : 0;
        logScore[h]! += afterLog - beforeLog;
        achScore[h]! += afterPen - beforePen;
      }
    }
    const run = evaluateLead(c, config, method, logScore, achScore);
    const deltaPosterior = deltas(c, base.posteriors, run.posteriors);
    const deltaScore = deltas(c, base.scores, run.scores);
    const outcome = outcomeOf(base, run);
    const flipsLead = outcome !== 'holds';
    let moved = 0;
    for (const v of Object.values(deltaPosterior ?? deltaScore ?? {})) moved = Math.max(moved, Math.abs(v));
    return {
      evidenceId: e.id,
      action,
      flipsLead,
      outcome,
      ...((outcome === 'new-leader' || outcome === 'breaks-tie') && run.leader !== null ? { newLeader: run.leader } : {}),
      tiedAfter: run.leadStatus === 'tie' ? run.tiedForLead : [],
      decisive: flipsLead && moved >= config.negligibleDelta,
      deltaPosterior,
      deltaScore,
    };
  });
}

function outcomeOf(before: Pick<Evaluation, 'leader' | 'leadStatus'>, after: Pick<Evaluation, 'leader' | 'leadStatus'>): SensitivityOutcome {
  if (before.leadStatus === 'clear' && after.leadStatus === 'clear') return before.leader === after.leader ? 'holds' : 'new-leader';
  if (before.leadStatus === 'clear' && after.leadStatus === 'tie') return 'becomes-tie';
  if (before.leadStatus === 'tie' && after.leadStatus === 'clear') return 'breaks-tie';
  return 'holds';
}

function deltas(c: PreparedCase, before: number[] | null, after: number[] | null): Record<string, number> | null {
  if (!before || !after) return null;
  // Built key by key in one order, so every record shares one object shape.
  const out: Record<string, number> = {};
  for (let i = 0; i < c.hypotheses.length; i += 1) out[c.hypotheses[i]!.id] = (after[i] ?? 0) - (before[i] ?? 0);
  return out;
}
