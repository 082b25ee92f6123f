import { describe, expect, it } from 'vitest';
import { assess, type AssessmentInput, type HypothesisResult } from '../../../api/src/domain/assessment';

const byId = (hypotheses: HypothesisResult[], id: string): HypothesisResult => {
  const found = hypotheses.find((h) => h.hypothesisId === id);
  if (!found) throw new Error(`no result for ${id}`);
  return found;
};

/**
 * Worked example, computed by hand:
 *            a    b    c      weight
 *   e1       C    I    II     1
 *   e2       I    C    N      2
 *   e3       N    II   C      1 × 0.9 (B) × 0.9 (2) = 0.81
 * ACH (I = -1, II = -2): a = 2·(-1) = -2; b = -1 + 0.81·(-2) = -2.62; c = -2.
 * Bayes (CC .9, C .7, N .5, I .3, II .1), uniform prior:
 *   a ∝ .7 · .3² · .5^.81,  b ∝ .3 · .7² · .1^.81,  c ∝ .1 · .5² · .7^.81.
 */
const worked: AssessmentInput = {
  hypotheses: ['a', 'b', 'c'].map((id) => ({ id, name: id, status: 'open' as const })),
  evidence: [
    {
      id: 'e1',
      name: 'e1',
      knownAt: '2025-12-10',
      ratings: [
        { hypothesisId: 'a', analyst: 'x', rating: 'C' },
        { hypothesisId: 'b', analyst: 'x', rating: 'I' },
        { hypothesisId: 'c', analyst: 'x', rating: 'II' },
      ],
    },
    {
      id: 'e2',
      name: 'e2',
      knownAt: '2025-12-11',
      weight: 2,
      ratings: [
        { hypothesisId: 'a', analyst: 'x', rating: 'I' },
        { hypothesisId: 'b', analyst: 'x', rating: 'C' },
        { hypothesisId: 'c', analyst: 'x', rating: 'N' },
      ],
    },
    {
      id: 'e3',
      name: 'e3',
      knownAt: '2025-12-12',
      reliability: 'B',
      credibility: 2,
      ratings: [
        { hypothesisId: 'a', analyst: 'x', rating: 'N' },
        { hypothesisId: 'b', analyst: 'x', rating: 'II' },
        { hypothesisId: 'c', analyst: 'x', rating: 'C' },
      ],
    },
  ],
};

describe('worked ACH / Bayes example', () => {
  const result = assess(worked);

  it('scores weighted inconsistency and ranks the least inconsistent first, ties by id', () => {
    expect(byId(result.hypotheses, 'a').score).toBeCloseTo(-2, 12);
    expect(byId(result.hypotheses, 'b').score).toBeCloseTo(-2.62, 12);
    expect(byId(result.hypotheses, 'c').score).toBeCloseTo(-2, 12);
    expect(['a', 'b', 'c'].map((id) => byId(result.hypotheses, id).achRank)).toEqual([1, 3, 2]);
  });

  it('computes posteriors from the likelihood table tempered by weight', () => {
    const a = 0.7 * 0.3 ** 2 * 0.5 ** 0.81;
    const b = 0.3 * 0.7 ** 2 * 0.1 ** 0.81;
    const c = 0.1 * 0.5 ** 2 * 0.7 ** 0.81;
    const total = a + b + c;
    expect(byId(result.hypotheses, 'a').posterior).toBeCloseTo(a / total, 12);
    expect(byId(result.hypotheses, 'b').posterior).toBeCloseTo(b / total, 12);
    expect(byId(result.hypotheses, 'c').posterior).toBeCloseTo(c / total, 12);
    expect(result.hypotheses.map((h) => h.hypothesisId)).toEqual(['a', 'b', 'c']);
    expect(result.hypotheses.map((h) => h.rank)).toEqual([1, 2, 3]);
  });

  it('labels the posterior in words and on the STIX scales', () => {
    // a ≈ 0.464: in the 45–55% band, 46 on the STIX scale.
    expect(byId(result.hypotheses, 'a')).toMatchObject({
      label: 'roughly even chance',
      confidence: 46,
      confidenceLevel: 'Med',
      admiraltyCredibility: '3 - Possibly True',
    });
  });

  it('reports diagnosticity as weight × log-likelihood spread', () => {
    const e2 = result.evidence.find((e) => e.evidenceId === 'e2');
    expect(e2?.effectiveWeight).toBe(2);
    expect(e2?.diagnosticity).toBeCloseTo(2 * Math.log(0.7 / 0.3), 12);
    expect(e2?.nonDiagnostic).toBe(false);
    expect(result.evidence.find((e) => e.evidenceId === 'e3')?.effectiveWeight).toBeCloseTo(0.81, 12);
  });

  it('ranks by ACH score and leaves Bayes fields null with method ACH', () => {
    const ach = assess(worked, { method: 'ACH' });
    expect(ach.hypotheses.map((h) => [h.hypothesisId, h.rank])).toEqual([
      ['a', 1],
      ['c', 2],
      ['b', 3],
    ]);
    expect(ach.hypotheses.every((h) => h.posterior === null && h.label === null && h.confidence === null)).toBe(true);
    expect(ach.sensitivity.every((s) => s.deltaPosterior === null && s.deltaScore !== null)).toBe(true);
  });

  it('leaves ACH fields null with method BAYES', () => {
    const bayes = assess(worked, { method: 'BAYES' });
    expect(bayes.hypotheses.every((h) => h.score === null && h.achRank === null)).toBe(true);
    expect(bayes.hypotheses[0]?.hypothesisId).toBe('a');
  });
});

describe('evidence handling', () => {
  const twoHypotheses = (evidence: AssessmentInput['evidence']): AssessmentInput => ({
    hypotheses: [
      { id: 'h1', name: 'one', status: 'open' },
      { id: 'h2', name: 'two', status: 'rejected' },
    ],
    evidence,
  });

  it('flags evidence rated the same for every hypothesis as non-diagnostic', () => {
    const result = assess(
      twoHypotheses([
        {
          id: 'same',
          name: 'same',
          knownAt: '2025-12-10',
          ratings: [
            { hypothesisId: 'h1', analyst: 'x', rating: 'C' },
            { hypothesisId: 'h2', analyst: 'x', rating: 'C' },
          ],
        },
        { id: 'unrated', name: 'unrated', knownAt: '2025-12-10', ratings: [] },
      ]),
    );
    expect(result.evidence.map((e) => [e.evidenceId, e.nonDiagnostic, e.diagnosticity])).toEqual([
      ['same', true, 0],
      ['unrated', true, 0],
    ]);
    expect(result.hypotheses.map((h) => h.posterior)).toEqual([0.5, 0.5]);
  });

  it('treats a missing rating as N and keeps rejected hypotheses in the distribution', () => {
    const result = assess(
      twoHypotheses([
        { id: 'e', name: 'e', knownAt: '2025-12-10', ratings: [{ hypothesisId: 'h1', analyst: 'x', rating: 'CC' }] },
      ]),
    );
    expect(result.hypotheses.find((h) => h.hypothesisId === 'h1')?.posterior).toBeCloseTo(0.9 / 1.4, 12);
    expect(result.hypotheses.find((h) => h.hypothesisId === 'h2')?.posterior).toBeCloseTo(0.5 / 1.4, 12);
  });

  it('ignores discredited evidence by default', () => {
    const result = assess(
      twoHypotheses([
        {
          id: 'e',
          name: 'e',
          knownAt: '2025-12-10',
          discredited: true,
          ratings: [{ hypothesisId: 'h1', analyst: 'x', rating: 'II' }],
        },
      ]),
    );
    expect(result.hypotheses.map((h) => h.posterior)).toEqual([0.5, 0.5]);
    expect(result.evidence[0]?.effectiveWeight).toBe(0);
  });

  it('combines several analysts on one cell by the mean of log-likelihoods', () => {
    const result = assess(
      twoHypotheses([
        {
          id: 'e',
          name: 'e',
          knownAt: '2025-12-10',
          ratings: [
            { hypothesisId: 'h1', analyst: 'x', rating: 'CC' },
            { hypothesisId: 'h1', analyst: 'y', rating: 'I' },
          ],
        },
      ]),
    );
    const h1 = Math.sqrt(0.9 * 0.3);
    expect(result.hypotheses.find((h) => h.hypothesisId === 'h1')?.posterior).toBeCloseTo(h1 / (h1 + 0.5), 12);
    expect(result.hypotheses.find((h) => h.hypothesisId === 'h1')?.score).toBeCloseTo(-0.5, 12);
  });

  it('uses the latest rating of an analyst when a rating was revised', () => {
    const result = assess(
      twoHypotheses([
        {
          id: 'e',
          name: 'e',
          knownAt: '2025-12-10',
          ratings: [
            { hypothesisId: 'h1', analyst: 'x', rating: 'II', ratedAt: '2025-12-10' },
            { hypothesisId: 'h1', analyst: 'x', rating: 'CC', ratedAt: '2025-12-14' },
          ],
        },
      ]),
    );
    expect(result.hypotheses[0]).toMatchObject({ hypothesisId: 'h1', score: 0 });
    expect(result.hypotheses[0]?.posterior).toBeCloseTo(0.9 / 1.4, 12);
  });

  it('fills missing priors with the mass the given ones leave', () => {
    const result = assess({
      hypotheses: [
        { id: 'h1', name: 'one', status: 'open', prior: 0.5 },
        { id: 'h2', name: 'two', status: 'open' },
        { id: 'h3', name: 'three', status: 'open' },
      ],
      evidence: [],
    });
    expect(result.hypotheses.map((h) => [h.hypothesisId, h.posterior])).toEqual([
      ['h1', 0.5],
      ['h2', 0.25],
      ['h3', 0.25],
    ]);
  });

  it('applies configuration overrides entry by entry', () => {
    const input = twoHypotheses([
      { id: 'e', name: 'e', knownAt: '2025-12-10', ratings: [{ hypothesisId: 'h1', analyst: 'x', rating: 'I' }] },
    ]);
    const result = assess(input, { config: { likelihood: { I: 0.25 }, achPenalty: { I: -3 } } });
    expect(result.hypotheses.find((h) => h.hypothesisId === 'h1')?.posterior).toBeCloseTo(0.25 / 0.75, 12);
    expect(result.hypotheses.find((h) => h.hypothesisId === 'h1')?.score).toBe(-3);
  });

  it('gives an empty assessment for an incident without hypotheses', () => {
    const result = assess({
      hypotheses: [],
      evidence: [{ id: 'e', name: 'e', knownAt: '2025-12-10', ratings: [] }],
    });
    expect(result.hypotheses).toEqual([]);
    expect(result.sensitivity).toEqual([
      { evidenceId: 'e', action: 'remove', flipsLead: false, deltaPosterior: {}, deltaScore: {} },
    ]);
    expect(result.pooled).toBeNull();
  });
});
