/**
 * The words and margins of an assessment that the engine (api/src/domain/assessment) and the web
 * explorer both show, defined once. Browser-safe: imports nothing.
 */

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
