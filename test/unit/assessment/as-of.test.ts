import { describe, expect, it } from 'vitest';
import { assess, assessmentHistory, type AssessmentInput } from '../../../api/src/domain/assessment';
import { referenceCase } from './fixtures';

describe('as of a date', () => {
  it('counts only evidence known by then', () => {
    const result = assess(referenceCase(), { asOf: '2025-12-13T10:00:00Z' });
    expect(result.asOf).toBe('2025-12-13T10:00:00Z');
    expect(result.evidence.map((e) => e.evidenceId)).toEqual(['e-claim', 'e-creds']);
  });

  it('gives the prior before any evidence is known', () => {
    const result = assess(referenceCase(), { asOf: '2025-12-01' });
    expect(result.evidence).toEqual([]);
    expect(result.hypotheses.map((h) => h.posterior)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('reads a bare date as 00:00 UTC', () => {
    const input = referenceCase();
    expect(assess(input, { asOf: '2025-12-20' }).evidence).toHaveLength(3);
    expect(assess(input, { asOf: '2025-12-19' }).evidence).toHaveLength(2);
  });

  it('ignores ratings given after the date, falling back to an earlier rating', () => {
    const input: AssessmentInput = {
      hypotheses: [
        { id: 'h1', name: 'one', status: 'open' },
        { id: 'h2', name: 'two', status: 'open' },
      ],
      evidence: [
        {
          id: 'e',
          name: 'e',
          knownAt: '2025-12-10',
          ratings: [
            { hypothesisId: 'h1', analyst: 'x', rating: 'C' },
            { hypothesisId: 'h1', analyst: 'x', rating: 'II', ratedAt: '2025-12-15' },
            { hypothesisId: 'h2', analyst: 'x', rating: 'N' },
          ],
        },
      ],
    };
    const before = assess(input, { asOf: '2025-12-14' });
    const after = assess(input, { asOf: '2025-12-15' });
    expect(before.hypotheses[0]).toMatchObject({ hypothesisId: 'h1', score: 0 });
    expect(after.hypotheses.find((h) => h.hypothesisId === 'h1')?.score).toBeCloseTo(-2 * 0.49, 12);
  });

  it('ignores judgements made after the date', () => {
    const input = referenceCase();
    input.judgements = [
      { analyst: 'alice', hypothesisId: 'h-foreign', probability: 0.9, at: '2025-12-11' },
      { analyst: 'alice', hypothesisId: 'h-foreign', probability: 0.1, at: '2025-12-21' },
    ];
    expect(assess(input, { asOf: '2025-12-20' }).analysts.find((a) => a.analyst === 'alice')?.judgement).toContainEqual({
      hypothesisId: 'h-foreign',
      probability: 0.9,
    });
    expect(assess(input).pooled?.hypotheses.find((h) => h.hypothesisId === 'h-foreign')?.probability).toBeCloseTo(0.1, 12);
    expect(assess(input, { asOf: '2025-12-10' }).pooled).toBeNull();
  });
});

describe('assessment history', () => {
  it('has one point per distinct knownAt instant, oldest first, ending at the full assessment', () => {
    const input = referenceCase();
    const history = assessmentHistory(input);
    expect(history.map((p) => p.asOf)).toEqual([
      '2025-12-12T09:00:00.000Z',
      '2025-12-13T10:00:00.000Z',
      '2025-12-20T00:00:00.000Z',
    ]);
    expect(history.map((p) => p.leader)).toEqual(['h-challenger', 'h-challenger', 'h-challenger']);
    const full = assess(input);
    expect(history.at(-1)?.hypotheses).toEqual(
      full.hypotheses.map(({ hypothesisId, score, posterior, rank }) => ({ hypothesisId, score, posterior, rank })),
    );
  });

  it('adds a point when a rating is revised, and stops at options.asOf', () => {
    const input = referenceCase();
    input.evidence[0]?.ratings.push({ hypothesisId: 'h-challenger', analyst: 'alice', rating: 'II', ratedAt: '2025-12-14' });
    const history = assessmentHistory(input, { asOf: '2025-12-19' });
    expect(history.map((p) => p.asOf)).toEqual([
      '2025-12-12T09:00:00.000Z',
      '2025-12-13T10:00:00.000Z',
      '2025-12-14T00:00:00.000Z',
    ]);
    expect(history.map((p) => p.leader)).toEqual(['h-challenger', 'h-challenger', 'h-crime']);
  });
});
