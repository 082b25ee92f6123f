import fc from 'fast-check';
import { expect } from 'vitest';
import {
  INFORMATION_CREDIBILITIES,
  type AnalystJudgement,
  RATINGS,
  SOURCE_RELIABILITIES,
  type AssessmentInput,
  type EvidenceInput,
  type HypothesisInput,
  type RatingInput,
} from '../../../api/src/domain/assessment';

/**
 * Illustrative case modelled on the December 2025 intrusion into the French Ministry of the
 * Interior's mail servers. Evidence items and ratings are invented for the tests.
 */
export function referenceCase(): AssessmentInput {
  return {
    hypotheses: [
      { id: 'h-foreign', name: 'Foreign interference', category: 'foreign-interference', status: 'open' },
      { id: 'h-challenger', name: 'Actors challenging the state', category: 'state-challenger', status: 'open' },
      { id: 'h-crime', name: 'Opportunistic cybercrime', category: 'cybercrime', status: 'open' },
    ],
    evidence: [
      {
        id: 'e-claim',
        name: 'Claim of responsibility on a forum',
        knownAt: '2025-12-12T09:00:00Z',
        reliability: 'C',
        credibility: 3,
        ratings: [
          { hypothesisId: 'h-foreign', analyst: 'alice', rating: 'I' },
          { hypothesisId: 'h-challenger', analyst: 'alice', rating: 'CC' },
          { hypothesisId: 'h-crime', analyst: 'alice', rating: 'C' },
        ],
      },
      {
        id: 'e-creds',
        name: 'Access with reused credentials',
        knownAt: '2025-12-13T10:00:00Z',
        ratings: [
          { hypothesisId: 'h-foreign', analyst: 'alice', rating: 'N' },
          { hypothesisId: 'h-challenger', analyst: 'alice', rating: 'C' },
          { hypothesisId: 'h-crime', analyst: 'alice', rating: 'C' },
        ],
      },
      {
        id: 'e-no-ransom',
        name: 'No ransom demand after two weeks',
        knownAt: '2025-12-20T00:00:00Z',
        weight: 2,
        ratings: [
          { hypothesisId: 'h-foreign', analyst: 'alice', rating: 'C' },
          { hypothesisId: 'h-challenger', analyst: 'alice', rating: 'N' },
          { hypothesisId: 'h-crime', analyst: 'alice', rating: 'II' },
        ],
      },
    ],
    judgements: [
      { analyst: 'alice', hypothesisId: 'h-foreign', probability: 0.2 },
      { analyst: 'alice', hypothesisId: 'h-challenger', probability: 0.7 },
      { analyst: 'bob', hypothesisId: 'h-foreign', probability: 0.6 },
      { analyst: 'bob', hypothesisId: 'h-challenger', probability: 0.3 },
    ],
  };
}

/** Recursive deep equality where numbers may differ by `tolerance`. */
export function expectClose(actual: unknown, expected: unknown, tolerance = 1e-12, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((item, i) => expectClose((actual as unknown[])[i], item, tolerance, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), `${path} keys`).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], value, tolerance, `${path}.${key}`);
    }
    return;
  }
  expect(actual, path).toEqual(expected);
}

export const ANALYSTS = ['ana', 'bob', 'cyd'] as const;
const DAYS = ['2025-12-10', '2025-12-11', '2025-12-12T08:30:00Z', '2025-12-15', '2025-12-20'];

const ratingArb = (hypothesisIds: string[]): fc.Arbitrary<RatingInput[]> => {
  if (hypothesisIds.length === 0) return fc.constant([]);
  return fc.uniqueArray(
    fc.record({
      hypothesisId: fc.constantFrom(...hypothesisIds),
      analyst: fc.constantFrom(...ANALYSTS),
      rating: fc.constantFrom(...RATINGS),
    }),
    { selector: (r) => `${r.analyst}/${r.hypothesisId}`, maxLength: hypothesisIds.length * 2 },
  );
};

export const evidenceArb = (id: string, hypothesisIds: string[]): fc.Arbitrary<EvidenceInput> =>
  fc.record(
    {
      id: fc.constant(id),
      name: fc.constant(`evidence ${id}`),
      knownAt: fc.constantFrom(...DAYS),
      weight: fc.double({ min: 0, max: 5, noNaN: true }),
      reliability: fc.constantFrom(...SOURCE_RELIABILITIES),
      credibility: fc.constantFrom(...INFORMATION_CREDIBILITIES),
      discredited: fc.boolean(),
      ratings: ratingArb(hypothesisIds),
    },
    { requiredKeys: ['id', 'name', 'knownAt', 'ratings'] },
  );

export const hypothesesArb = (options: { priors: 'any' | 'none' | 'all' } = { priors: 'any' }) =>
  fc.integer({ min: 1, max: 5 }).chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.record({
          id: fc.constant(`h${i}`),
          name: fc.constant(`hypothesis ${i}`),
          status: fc.constantFrom('open', 'retained', 'rejected' as const),
          prior:
            options.priors === 'none'
              ? fc.constant(undefined)
              : options.priors === 'all'
                ? fc.double({ min: 0.01, max: 1, noNaN: true })
                : fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        }),
      ),
    ).map((hs): HypothesisInput[] => hs.map(({ prior, ...h }) => (prior === undefined ? h : { ...h, prior }))),
  );

/** Judgements of up to three analysts, incoherent on purpose (missing, summing anywhere, > 1). */
export const judgementsArb = (hypothesisIds: string[]): fc.Arbitrary<AnalystJudgement[]> =>
  fc.uniqueArray(
    fc.record({
      analyst: fc.constantFrom(...ANALYSTS),
      hypothesisId: fc.constantFrom(...hypothesisIds),
      probability: fc.double({ min: 0, max: 1.5, noNaN: true }),
    }),
    { selector: (j) => `${j.analyst}/${j.hypothesisId}`, maxLength: hypothesisIds.length * ANALYSTS.length },
  );

/** A valid case: 1–5 hypotheses, 0–7 evidence items rated by up to three analysts, judgements. */
export const caseArb: fc.Arbitrary<AssessmentInput> = hypothesesArb().chain((hypotheses) => {
  const ids = hypotheses.map((h) => h.id);
  const evidence = fc
    .integer({ min: 0, max: 7 })
    .chain((m) => fc.tuple(...Array.from({ length: m }, (_, i) => evidenceArb(`e${i}`, ids))));
  return fc
    .tuple(evidence, judgementsArb(ids))
    .map(([evidence, judgements]): AssessmentInput => ({ hypotheses, evidence, judgements }));
});
