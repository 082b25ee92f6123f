/**
 * The consensus rating of each ACH matrix cell as the engine uses it (docs/assessment.md,
 * "Several analysts"): each analyst's latest rating of the cell as of `asOf`, combined by the
 * request's `ratingCombination` (mean, or strictest) of their log-likelihoods (Bayes) and penalties
 * (ACH); nobody rated → the missing rating. Computed with the engine's own functions on the same input the assessment used,
 * so the matrix shows what was scored.
 */
import { cellLogLikelihood } from '../domain/assessment/bayes';
import { cellPenalty } from '../domain/assessment/ach';
import { prepareCase } from '../domain/assessment/case';
import { resolveConfig, type AssessmentConfig, type Rating, type RatingCombination } from '../domain/assessment/index';
import { toInstant } from '../domain/assessment/time';
import type { CaseRecord } from './case-model';
import { toAssessmentInput } from './case-model';

export interface ConsensusCell {
  hypothesisId: string;
  rating: Rating;
  raters: number;
  unanimous: boolean;
  likelihood: number;
  achPenalty: number;
}

/** Tie order: the more neutral rating first, so a split cell never reads stronger than it is. */
const NEUTRAL_FIRST: readonly Rating[] = ['N', 'C', 'I', 'CC', 'II'];

/** The rating whose log-likelihood is nearest the combined one (ties: the more neutral). */
function nearestRating(logLikelihood: number, config: AssessmentConfig): Rating {
  let best: Rating = 'N';
  let distance = Number.POSITIVE_INFINITY;
  for (const r of NEUTRAL_FIRST) {
    const d = Math.abs(Math.log(config.likelihood[r]) - logLikelihood);
    if (d < distance - config.epsilon) {
      best = r;
      distance = d;
    }
  }
  return best;
}

/** Consensus cells per evidence id (evidence known as of `asOf` only), hypotheses in id order. */
export function consensusCells(
  c: CaseRecord,
  asOf: string | null,
  ratingCombination: RatingCombination = 'mean',
): Map<string, ConsensusCell[]> {
  const config = resolveConfig({ ratingCombination });
  const { input } = toAssessmentInput(c);
  const prepared = prepareCase(input, config, asOf === null ? undefined : toInstant(asOf));
  const out = new Map<string, ConsensusCell[]>();
  for (const e of prepared.evidence) {
    out.set(e.id, prepared.hypotheses.map((h, i) => {
      const cell = e.cells[i] ?? [];
      const log = cellLogLikelihood(cell, config);
      const unanimous = cell.every((r) => r === cell[0]);
      return {
        hypothesisId: h.id,
        rating: cell.length === 0 ? config.missingRating : unanimous ? cell[0]! : nearestRating(log, config),
        raters: cell.length,
        unanimous,
        likelihood: Math.exp(log),
        achPenalty: cellPenalty(cell, config),
      };
    }));
  }
  return out;
}
