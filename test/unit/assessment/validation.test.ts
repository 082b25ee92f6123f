import { describe, expect, it } from 'vitest';
import { assess, AssessmentInputError, type AssessmentInput } from '../../../api/src/domain/assessment';
import { referenceCase } from './fixtures';

function errorOf(input: AssessmentInput, options = {}): AssessmentInputError {
  try {
    assess(input, options);
  } catch (error) {
    if (error instanceof AssessmentInputError) return error;
    throw error;
  }
  throw new Error('expected an AssessmentInputError');
}

/** JSON input is untyped: tests put wrong values where the types would not let them. */
function untyped(mutate: (input: any) => void): AssessmentInput {
  const input = referenceCase();
  mutate(input);
  return input;
}

describe('invalid input', () => {
  it.each([
    [
      'unknown hypothesis in a rating',
      untyped((i) => (i.evidence[0].ratings[1].hypothesisId = 'h-ghost')),
      'e-claim: ratings[1].hypothesisId: "h-ghost" is not a hypothesis of this incident',
    ],
    ['duplicate hypothesis id', untyped((i) => i.hypotheses.push({ ...i.hypotheses[0] })), 'h-foreign: id: duplicate hypothesis id'],
    ['duplicate evidence id', untyped((i) => i.evidence.push({ ...i.evidence[2] })), 'e-no-ransom: id: duplicate evidence id'],
    ['prior out of range', untyped((i) => (i.hypotheses[1].prior = 1.5)), 'h-challenger: prior: must be a number in [0, 1], got 1.5'],
    ['bad rating code', untyped((i) => (i.evidence[1].ratings[0].rating = 'X')), 'e-creds: ratings[0].rating: must be one of CC, C, N, I, II, got X'],
    ['bad status', untyped((i) => (i.hypotheses[2].status = 'maybe')), 'h-crime: status: must be one of open, retained, rejected, got maybe'],
    ['bad knownAt', untyped((i) => (i.evidence[0].knownAt = 'last week')), 'e-claim: knownAt: must be an ISO 8601 date, got last week'],
    ['negative weight', untyped((i) => (i.evidence[0].weight = -1)), 'e-claim: weight: must be a finite number from 0 to 10, got -1'],
    ['huge weight', untyped((i) => (i.evidence[0].weight = 1e308)), 'e-claim: weight: must be a finite number from 0 to 10, got 1e+308'],
    ['missing judgement probability', untyped((i) => delete i.judgements[1].probability), 'alice: judgements[1].probability: is missing (a judgement without a probability is not 0) for h-challenger'],
    ['bad reliability', untyped((i) => (i.evidence[0].reliability = 'G')), 'e-claim: reliability: must be one of A-F, got G'],
    ['bad credibility', untyped((i) => (i.evidence[0].credibility = 7)), 'e-claim: credibility: must be an integer 1-6, got 7'],
    ['negative judgement', untyped((i) => (i.judgements[1].probability = -0.1)), 'alice: judgements[1].probability: must be a finite number >= 0, got -0.1'],
    ['NaN judgement', untyped((i) => (i.judgements[2].probability = Number.NaN)), 'bob: judgements[2].probability: must be a finite number >= 0, got NaN'],
    [
      'duplicate rating',
      untyped((i) => i.evidence[2].ratings.push({ ...i.evidence[2].ratings[0], rating: 'I' })),
      'e-no-ransom: ratings[3]: duplicate rating by alice of h-foreign at the same time',
    ],
  ])('%s', (_, input, message) => {
    const error = errorOf(input);
    expect(error.name).toBe('AssessmentInputError');
    expect(error.message).toBe(message);
  });

  it('reports every problem at once', () => {
    const input = untyped((i) => {
      i.hypotheses[0].prior = -1;
      i.evidence[0].ratings[0].rating = 'Z';
    });
    const error = errorOf(input);
    expect(error.issues).toEqual([
      { objectId: 'h-foreign', field: 'prior', message: 'must be a number in [0, 1], got -1' },
      { objectId: 'e-claim', field: 'ratings[0].rating', message: 'must be one of CC, C, N, I, II, got Z' },
    ]);
    expect(error.message).toMatch(/\(and 1 more\)$/);
  });

  it('rejects bad options and configuration', () => {
    expect(errorOf(referenceCase(), { asOf: 'soon' }).message).toBe('options: asOf: must be an ISO 8601 date, got soon');
    expect(errorOf(referenceCase(), { method: 'VOTE' }).message).toBe('options: method: must be one of ACH, BAYES, BOTH, got VOTE');
    expect(errorOf(referenceCase(), { config: { likelihood: { II: 0 } } }).message).toBe(
      'config: likelihood.II: must be a finite number > 0, got 0',
    );
    expect(errorOf(referenceCase(), { config: { wepBands: [{ name: 'x', min: 0, max: 0.5 }, { name: 'y', min: 0.6, max: 1 }] } }).message).toBe(
      "config: wepBands[1].min: must equal the previous band's max (0.5)",
    );
    expect(errorOf(referenceCase(), { config: { ratingCombination: 'median' as never } }).message).toBe(
      'config: ratingCombination: must be one of mean, strictest, got median',
    );
  });

  it('accepts an analyst probability above 1 and clamps it', () => {
    // 1.3 → 1; with 0.7 they leave nothing for h-crime, which alice did not judge: it stays
    // missing and keeps the judgement floor (0.01) in reserve, so the two share 0.99.
    const input = untyped((i) => (i.judgements[0].probability = 1.3));
    const alice = assess(input).analysts.find((a) => a.analyst === 'alice');
    expect(alice?.judgement?.find((j) => j.hypothesisId === 'h-foreign')?.probability).toBeCloseTo(0.99 / 1.7, 12);
  });
});
