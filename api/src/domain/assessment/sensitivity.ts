import type { PreparedCase, PreparedEvidence } from './case';
import { evaluate, type Evaluation } from './engine';
import type { AssessmentConfig, AssessmentMethod, SensitivityResult } from './types';

/**
 * For each evidence item (by id): the assessment without it (counted items) or with it
 * credited again (discredited items), and whether the leading hypothesis changes.
 */
export function sensitivityAnalysis(
  c: PreparedCase,
  config: AssessmentConfig,
  method: AssessmentMethod,
  base: Evaluation,
): SensitivityResult[] {
  return c.evidence.map((e) => {
    const action = e.discredited ? 'restore' : 'remove';
    const variant = action === 'remove' ? withoutEvidence(c, e.id) : withEvidenceCredited(c, e);
    const after = evaluate(variant, config, method);
    const flipsLead = after.leader !== base.leader;
    return {
      evidenceId: e.id,
      action,
      flipsLead,
      ...(flipsLead && after.leader !== null ? { newLeader: after.leader } : {}),
      deltaPosterior: deltas(c, base.posteriors, after.posteriors),
      deltaScore: deltas(c, base.scores, after.scores),
    };
  });
}

function withoutEvidence(c: PreparedCase, evidenceId: string): PreparedCase {
  return { ...c, evidence: c.evidence.filter((e) => e.id !== evidenceId) };
}

function withEvidenceCredited(c: PreparedCase, target: PreparedEvidence): PreparedCase {
  const credited = { ...target, discredited: false, weight: target.creditedWeight };
  return { ...c, evidence: c.evidence.map((e) => (e.id === target.id ? credited : e)) };
}

function deltas(c: PreparedCase, before: number[] | null, after: number[] | null): Record<string, number> | null {
  if (!before || !after) return null;
  return Object.fromEntries(c.hypotheses.map((h, i) => [h.id, (after[i] ?? 0) - (before[i] ?? 0)]));
}
