/**
 * The consensus rating of each ACH matrix cell as the engine used it (docs/assessment.md,
 * "Several analysts" and "Blank cells"): each analyst's latest rating of the cell as of `asOf`,
 * combined by the request's `ratingCombination` (mean, or strictest) of their log-likelihoods
 * (Bayes) and penalties (ACH). A blank cell (nobody rated it) is missing: it counts with the
 * item's mean over its rated cells, and says so (`blank`). Read from the engine's own result, so
 * the matrix shows what was scored.
 */
import { resolveConfig, type AssessmentConfig, type AssessmentResult, type Rating } from '../domain/assessment/index';

export interface ConsensusCell {
  hypothesisId: string;
  rating: Rating;
  raters: number;
  unanimous: boolean;
  blank: boolean;
  spread: number;
  likelihood: number;
  achPenalty: number;
}

/** Tie order: the more neutral rating first, so a split cell never reads stronger than it is. */
const NEUTRAL_FIRST: readonly Rating[] = ['N', 'C', 'I', 'CC', 'II'];

/** The rating whose likelihood is nearest the combined one in log terms (ties: the more neutral). */
function nearestRating(likelihood: number, config: AssessmentConfig): Rating {
  const log = Math.log(likelihood);
  let best: Rating = 'N';
  let distance = Number.POSITIVE_INFINITY;
  for (const r of NEUTRAL_FIRST) {
    const d = Math.abs(Math.log(config.likelihood[r]) - log);
    if (d < distance - config.epsilon) {
      best = r;
      distance = d;
    }
  }
  return best;
}

/** Consensus cells per evidence id (the evidence the result counted), hypotheses in id order. */
export function consensusCells(result: AssessmentResult): Map<string, ConsensusCell[]> {
  const config = resolveConfig();
  const out = new Map<string, ConsensusCell[]>();
  for (const e of result.evidence) {
    out.set(
      e.evidenceId,
      e.cells.map((cell) => ({
        hypothesisId: cell.hypothesisId,
        rating: nearestRating(cell.likelihood, config),
        raters: cell.raters,
        unanimous: cell.spread === 0,
        blank: cell.blank,
        spread: cell.spread,
        likelihood: cell.likelihood,
        achPenalty: cell.achPenalty,
      })),
    );
  }
  return out;
}
