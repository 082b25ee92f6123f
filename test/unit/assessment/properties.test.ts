import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ASSESSMENT_CONFIG,
  RATINGS,
  applyFloor,
  RATING_COMBINATIONS,
  assess,
  assessmentHistory,
  coherentise,
  type AssessmentInput,
  type AssessmentResult,
  type EvidenceInput,
  type Rating,
} from '../../../api/src/domain/assessment';
import { ANALYSTS, caseArb, evidenceArb, expectClose, hypothesesArb } from './fixtures';

const TOLERANCE = 1e-12;

const posteriorOf = (result: AssessmentResult, id: string): number =>
  result.hypotheses.find((h) => h.hypothesisId === id)?.posterior ?? Number.NaN;

const scoreOf = (result: AssessmentResult, id: string): number =>
  result.hypotheses.find((h) => h.hypothesisId === id)?.score ?? Number.NaN;

const sumOf = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** A case and the same case with evidence, ratings and judgements in another order. */
const permutedCaseArb = caseArb.chain((input) =>
  fc
    .tuple(
      fc.shuffledSubarray(input.evidence, { minLength: input.evidence.length }),
      fc.shuffledSubarray(input.judgements ?? [], { minLength: input.judgements?.length ?? 0 }),
      fc.tuple(...input.evidence.map((e) => fc.shuffledSubarray(e.ratings, { minLength: e.ratings.length }))),
    )
    .map(([evidence, judgements, ratings]): [AssessmentInput, AssessmentInput] => {
      const ratingsById = new Map(input.evidence.map((e, i) => [e.id, ratings[i] ?? []]));
      const shuffled = evidence.map((e) => ({ ...e, ratings: ratingsById.get(e.id) ?? [] }));
      return [input, { ...input, evidence: shuffled, judgements }];
    }),
);

/** A case, one of its hypotheses, and the case with an identically rated twin of it. */
const twinCaseArb = caseArb.chain((input) =>
  fc.nat({ max: input.hypotheses.length - 1 }).map((k) => {
    const original = input.hypotheses[k]!;
    const twin = { ...original, id: 'twin', name: 'twin' };
    const evidence = input.evidence.map((e) => ({
      ...e,
      ratings: [
        ...e.ratings,
        ...e.ratings.filter((r) => r.hypothesisId === original.id).map((r) => ({ ...r, hypothesisId: 'twin' })),
      ],
    }));
    return { originalId: original.id, input: { ...input, hypotheses: [...input.hypotheses, twin], evidence } };
  }),
);

const againstArb = fc.constantFrom<Rating>('I', 'II');

describe('assessment invariants', () => {
  it('1. evidence order does not matter', () => {
    fc.assert(
      fc.property(permutedCaseArb, ([input, permuted]) => {
        expectClose(assess(permuted), assess(input), TOLERANCE);
        expectClose(assessmentHistory(permuted), assessmentHistory(input), TOLERANCE);
      }),
    );
  });

  it('2. identically rated hypotheses with equal priors get equal scores and posteriors', () => {
    fc.assert(
      fc.property(twinCaseArb, ({ originalId, input }) => {
        const result = assess(input);
        expect(Math.abs(scoreOf(result, 'twin') - scoreOf(result, originalId))).toBeLessThanOrEqual(TOLERANCE);
        expect(Math.abs(posteriorOf(result, 'twin') - posteriorOf(result, originalId))).toBeLessThanOrEqual(TOLERANCE);
      }),
    );
  });

  it('3a. a new evidence item rating a hypothesis I or II never raises its posterior or its ACH score (both combinations)', () => {
    const arb = caseArb.chain((input) =>
      fc.record({
        input: fc.constant(input),
        target: fc.constantFrom(...input.hypotheses.map((h) => h.id)),
        rating: againstArb,
        analyst: fc.constantFrom(...ANALYSTS),
        item: evidenceArb('zz-new', []),
        combination: fc.constantFrom(...RATING_COMBINATIONS),
      }),
    );
    fc.assert(
      fc.property(arb, ({ input, target, rating, analyst, item, combination }) => {
        const options = { config: { ratingCombination: combination } };
        const added: EvidenceInput = { ...item, ratings: [{ hypothesisId: target, analyst, rating }] };
        const before = assess(input, options);
        const after = assess({ ...input, evidence: [...input.evidence, added] }, options);
        expect(posteriorOf(after, target)).toBeLessThanOrEqual(posteriorOf(before, target) + TOLERANCE);
        expect(scoreOf(after, target)).toBeLessThanOrEqual(scoreOf(before, target));
      }),
    );
  });

  /**
   * A case, one of its cells (evidence × hypothesis, rated or not, by anyone), and that cell with
   * one more I or II rating by an analyst who had not rated it (one of the case's or a newcomer).
   */
  const addedRatingArb = caseArb
    .filter((input) => input.evidence.length > 0)
    .chain((input) =>
      fc
        .record({
          input: fc.constant(input),
          target: fc.constantFrom(...input.hypotheses.map((h) => h.id)),
          evidenceIndex: fc.nat({ max: input.evidence.length - 1 }),
          rating: againstArb,
          analyst: fc.constantFrom(...ANALYSTS, 'newcomer'),
        })
        .filter(({ input, target, evidenceIndex, analyst }) =>
          input.evidence[evidenceIndex]!.ratings.every((r) => !(r.hypothesisId === target && r.analyst === analyst)),
        )
        .map(({ input, target, evidenceIndex, rating, analyst }) => ({
          input,
          target,
          rating,
          cell: input.evidence[evidenceIndex]!.ratings.filter((r) => r.hypothesisId === target).map((r) => r.rating),
          rated: {
            ...input,
            evidence: input.evidence.map((e, i) =>
              i === evidenceIndex ? { ...e, ratings: [...e.ratings, { hypothesisId: target, analyst, rating }] } : e,
            ),
          },
        })),
    );

  it('3b. with the strictest combination, adding an I or II rating to any rated cell never raises that hypothesis posterior or ACH score', () => {
    // A blank cell is missing, not N: rating it I where the others are II raises it, as it should.
    const options = { config: { ratingCombination: 'strictest' as const } };
    fc.assert(
      fc.property(addedRatingArb, ({ input, rated, target, cell }) => {
        fc.pre(cell.length > 0);
        const before = assess(input, options);
        const after = assess(rated, options);
        expect(posteriorOf(after, target)).toBeLessThanOrEqual(posteriorOf(before, target) + TOLERANCE);
        expect(scoreOf(after, target)).toBeLessThanOrEqual(scoreOf(before, target) + TOLERANCE);
      }),
    );
  });

  it('3c. with the mean combination (default), adding an I or II rating no milder than the cell so far never raises them', () => {
    const config = DEFAULT_ASSESSMENT_CONFIG;
    const cellMean = (cell: Rating[], value: (r: Rating) => number) => sumOf(cell.map(value)) / cell.length;
    const logLikelihood = (r: Rating) => Math.log(config.likelihood[r]);
    fc.assert(
      fc.property(addedRatingArb, ({ input, rated, target, rating, cell }) => {
        fc.pre(cell.length > 0);
        // The added rating is no milder than the cell's combined likelihood and penalty so far.
        fc.pre(logLikelihood(rating) <= cellMean(cell, logLikelihood) + TOLERANCE);
        fc.pre(config.achPenalty[rating] <= cellMean(cell, (r) => config.achPenalty[r]));
        const before = assess(input);
        const after = assess(rated);
        expect(posteriorOf(after, target)).toBeLessThanOrEqual(posteriorOf(before, target) + TOLERANCE);
        expect(scoreOf(after, target)).toBeLessThanOrEqual(scoreOf(before, target) + TOLERANCE);
      }),
    );
  });

  it('3d. the mean combination cannot hold the invariant in full: an I added to a cell rated II raises the posterior', () => {
    // docs/assessment.md, "Several analysts": any mean puts the combined cell between II and I.
    const input: AssessmentInput = {
      hypotheses: [
        { id: 'h1', name: 'one', status: 'open' },
        { id: 'h2', name: 'two', status: 'open' },
      ],
      evidence: [
        {
          id: 'e',
          name: 'e',
          knownAt: '2025-12-12',
          ratings: [
            { hypothesisId: 'h1', analyst: 'ana', rating: 'II' },
            { hypothesisId: 'h2', analyst: 'ana', rating: 'CC' },
          ],
        },
      ],
    };
    const added: AssessmentInput = {
      ...input,
      evidence: [{ ...input.evidence[0]!, ratings: [...input.evidence[0]!.ratings, { hypothesisId: 'h1', analyst: 'bob', rating: 'I' }] }],
    };
    // Reliability mixture of an ungraded item: m(L) = 0.49·L + 0.51·0.5.
    const m = (likelihood: number) => 0.49 * likelihood + 0.51 * 0.5;
    expect(posteriorOf(assess(input), 'h1')).toBeCloseTo(m(0.1) / (m(0.1) + m(0.9)), 12);
    const combined = m(Math.sqrt(0.03));
    expect(posteriorOf(assess(added), 'h1')).toBeCloseTo(combined / (combined + m(0.9)), 12);
    expect(posteriorOf(assess(added), 'h1')).toBeGreaterThan(posteriorOf(assess(input), 'h1'));
    const strictest = { config: { ratingCombination: 'strictest' as const } };
    expect(posteriorOf(assess(added, strictest), 'h1')).toBeCloseTo(m(0.1) / (m(0.1) + m(0.9)), 12);
  });

  it('4. non-diagnostic evidence changes no posterior', () => {
    const arb = caseArb.chain((input) =>
      fc.record({
        input: fc.constant(input),
        rating: fc.option(fc.constantFrom(...RATINGS), { nil: undefined }),
        analyst: fc.constantFrom(...ANALYSTS),
        item: evidenceArb('zz-flat', []),
      }),
    );
    fc.assert(
      fc.property(arb, ({ input, rating, analyst, item }) => {
        const ratings = rating === undefined ? [] : input.hypotheses.map((h) => ({ hypothesisId: h.id, analyst, rating }));
        const after = assess({ ...input, evidence: [...input.evidence, { ...item, ratings }] });
        const before = assess(input);
        expect(after.evidence.find((e) => e.evidenceId === 'zz-flat')?.nonDiagnostic).toBe(true);
        for (const h of input.hypotheses) {
          expect(Math.abs(posteriorOf(after, h.id) - posteriorOf(before, h.id))).toBeLessThanOrEqual(TOLERANCE);
        }
      }),
    );
  });

  it('5. with no evidence the posterior equals the normalised prior, floored at priorFloor', () => {
    const { priorFloor } = DEFAULT_ASSESSMENT_CONFIG;
    fc.assert(
      fc.property(hypothesesArb({ priors: 'all' }), (hypotheses) => {
        const total = sumOf(hypotheses.map((h) => h.prior ?? 0));
        const expected = applyFloor(hypotheses.map((h) => (h.prior ?? 0) / total), priorFloor);
        const result = assess({ hypotheses, evidence: [] });
        hypotheses.forEach((h, i) => {
          expect(Math.abs(posteriorOf(result, h.id) - expected[i]!)).toBeLessThanOrEqual(TOLERANCE);
        });
      }),
    );
    fc.assert(
      fc.property(hypothesesArb({ priors: 'none' }), (hypotheses) => {
        const result = assess({ hypotheses, evidence: [] });
        for (const h of hypotheses) {
          expect(Math.abs(posteriorOf(result, h.id) - 1 / hypotheses.length)).toBeLessThanOrEqual(TOLERANCE);
        }
      }),
    );
  });

  it('posteriors sum to 1, in the consensus view and in every analyst view', () => {
    fc.assert(
      fc.property(caseArb, (input) => {
        const result = assess(input);
        const views = [result.hypotheses, ...result.analysts.map((a) => a.hypotheses)];
        for (const view of views) {
          expect(Math.abs(sumOf(view.map((h) => h.posterior ?? Number.NaN)) - 1)).toBeLessThanOrEqual(TOLERANCE);
        }
      }),
    );
  });

  it('pooled probabilities sum to 1 under both pooling rules', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom('linear' as const, 'logarithmic' as const), (input, pooling) => {
        const pooled = assess(input, { config: { pooling } }).pooled;
        const expectedAnalysts = new Set((input.judgements ?? []).map((j) => j.analyst)).size;
        expect(pooled?.analysts.length ?? 0).toBe(expectedAnalysts);
        const probabilities = pooled?.hypotheses.map((h) => h.probability) ?? [1];
        expect(Math.abs(sumOf(probabilities) - 1)).toBeLessThanOrEqual(TOLERANCE);
      }),
    );
  });

  it('coherentised judgements sum to 1 and stay in [0, 1]', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const partial = fc.dictionary(fc.constantFrom(...ids), fc.double({ min: 0, max: 10, noNaN: true }));
    fc.assert(
      fc.property(partial, (given) => {
        const probabilities = coherentise(ids, given).map((e) => e.probability);
        expect(Math.abs(sumOf(probabilities) - 1)).toBeLessThanOrEqual(TOLERANCE);
        expect(probabilities.every((p) => p >= 0 && p <= 1)).toBe(true);
      }),
    );
  });

  it('ranks are competition ranks by posterior (equal posteriors share a rank), listed by rank then id', () => {
    fc.assert(
      fc.property(caseArb, (input) => {
        const hypotheses = assess(input).hypotheses;
        for (const h of hypotheses) {
          expect(h.rank).toBe(1 + hypotheses.filter((o) => o.posterior! - h.posterior! > 1e-9).length);
        }
        hypotheses.slice(1).forEach((h, i) => {
          const previous = hypotheses[i]!;
          expect(previous.rank < h.rank || (previous.rank === h.rank && previous.hypothesisId < h.hypothesisId)).toBe(true);
        });
      }),
    );
  });
});
