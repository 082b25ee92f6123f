/**
 * The scales, words and margins of an assessment, defined once for the engine
 * (api/src/domain/assessment), the attribution extension's schema (schema/stix/attribution.ts),
 * the fact-sheet importer and the web explorer. Browser-safe: imports nothing.
 */

/** Consistency of one evidence item with one hypothesis (Heuer's ACH matrix cell), most consistent first. */
export const RATINGS = ['CC', 'C', 'N', 'I', 'II'] as const;
export type Rating = (typeof RATINGS)[number];

export const RATING_WORDS: Readonly<Record<Rating, string>> = Object.freeze({
  CC: 'very consistent',
  C: 'consistent',
  N: 'neutral / not applicable',
  I: 'inconsistent',
  II: 'very inconsistent',
});

/** Admiralty (NATO) source reliability: A completely reliable … E unreliable, F cannot be judged. */
export const SOURCE_RELIABILITIES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type SourceReliability = (typeof SOURCE_RELIABILITIES)[number];

export const SOURCE_RELIABILITY_WORDS: Readonly<Record<SourceReliability, string>> = Object.freeze({
  A: 'completely reliable',
  B: 'usually reliable',
  C: 'fairly reliable',
  D: 'not usually reliable',
  E: 'unreliable',
  F: 'reliability cannot be judged',
});

/** Admiralty information credibility: 1 confirmed … 5 improbable, 6 truth cannot be judged. */
export const INFORMATION_CREDIBILITIES = [1, 2, 3, 4, 5, 6] as const;
export type InformationCredibility = (typeof INFORMATION_CREDIBILITIES)[number];

export const INFORMATION_CREDIBILITY_WORDS: Readonly<Record<InformationCredibility, string>> = Object.freeze({
  1: 'confirmed by other sources',
  2: 'probably true',
  3: 'possibly true',
  4: 'doubtful',
  5: 'improbable',
  6: 'truth cannot be judged',
});

/** ICD 203 expressions of likelihood (Intelligence Community Directive 203, 2015), as fractions; lower bound inclusive. */
export const ICD203_BANDS: readonly { readonly name: string; readonly min: number; readonly max: number }[] = Object.freeze([
  { name: 'almost no chance', min: 0, max: 0.05 },
  { name: 'very unlikely', min: 0.05, max: 0.2 },
  { name: 'unlikely', min: 0.2, max: 0.45 },
  { name: 'roughly even chance', min: 0.45, max: 0.55 },
  { name: 'likely', min: 0.55, max: 0.8 },
  { name: 'very likely', min: 0.8, max: 0.95 },
  { name: 'almost certain', min: 0.95, max: 1 },
]);

/** Two posteriors closer than this (absolute: 5 percentage points) are a tie: no clear leader. */
export const TIE_MARGIN = 0.05;
