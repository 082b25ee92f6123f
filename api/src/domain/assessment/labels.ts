import { DEFAULT_ASSESSMENT_CONFIG } from './config';
import type { AssessmentConfig, ScaleBand } from './types';

type LabelConfig = Pick<AssessmentConfig, 'wepBands' | 'stixLevels' | 'admiraltyLevels' | 'epsilon'>;

/**
 * Name of the band holding `value`. Bands are [min, max) except the last, which includes its
 * max; values below the first band or above the last get the end band. A value within
 * `epsilon` under a band's min counts as in that band (0.55 computed as 0.5499999999999999
 * is "likely", not "roughly even chance").
 */
export function bandName(value: number, bands: readonly ScaleBand[], epsilon = 0): string {
  let name = bands[0]?.name ?? '';
  for (const band of bands) {
    if (value + epsilon >= band.min) name = band.name;
  }
  return name;
}

/** ICD 203 words of estimative probability for a probability in [0, 1]. */
export function estimativeLabel(probability: number, config: LabelConfig = DEFAULT_ASSESSMENT_CONFIG): string {
  return bandName(probability, config.wepBands, config.epsilon);
}

/** A probability on the STIX 2.1 confidence scale: an integer 0–100 (rounded half up). */
export function stixConfidence(probability: number): number {
  return Math.min(100, Math.max(0, Math.round(probability * 100)));
}

/** STIX 2.1 Appendix A "None / Low / Med / High" name of a 0–100 confidence. */
export function stixConfidenceLevel(confidence: number, config: LabelConfig = DEFAULT_ASSESSMENT_CONFIG): string {
  return bandName(confidence, config.stixLevels, config.epsilon);
}

/** STIX 2.1 Appendix A Admiralty-credibility name of a 0–100 confidence. */
export function admiraltyCredibilityName(confidence: number, config: LabelConfig = DEFAULT_ASSESSMENT_CONFIG): string {
  return bandName(confidence, config.admiraltyLevels, config.epsilon);
}
