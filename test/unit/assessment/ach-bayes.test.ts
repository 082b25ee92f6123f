import { describe, expect, it } from 'vitest';
import { assess, type AssessmentInput, type HypothesisResult } from '../../../api/src/domain/assessment';

const byId = (hypotheses: HypothesisResult[], id: string): HypothesisResult => {
  const found = hypotheses.find((h) => h.hypothesisId === id);
  if (!found) throw new Error(`no result for ${id}`);
  return found;
};

/**
 * Worked example, computed by hand:
 *            a    b    c      weight   reliability r
 *   e1       C    I    II     1        0.7 × 0.7 = 0.49 (ungraded: medium, C and 3)
 *   e2       I    C    N      2        0.49
 *   e3       N    II   C      1        0.85 (B) × 0.85 (2) = 0.7225
 * ACH (I = -1, II = -2, times r): a = 2·0.49·(-1) = -0.98; b = -0.49 + 0.7225·(-2) = -1.935;
 * c = 0.49·(-2) = -0.98 (a and c share rank 1).
 * Bayes (CC .9, C .7, N .5, I .3, II .1), mixture m(L, r) = r·L + (1 − r)·0.5, uniform prior:
 *   a ∝ m(.7,.49) · m(.3,.49)² · m(.5,.7225),  b ∝ m(.3,.49) · m(.7,.49)² · m(.1,.7225),
 *   c ∝ m(.1,.49) · m(.5,.49)² · m(.7,.7225)   → a 0.379, b 0.238, c 0.384: a and c tie.
 */
const m = (likelihood: number, r: number) => r * likelihood + (1 - r) * 0.5;
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

  it('scores weighted inconsistency times reliability; equal scores share a rank', () => {
    expect(byId(result.hypotheses, 'a').score).toBeCloseTo(-0.98, 12);
    expect(byId(result.hypotheses, 'b').score).toBeCloseTo(-1.935, 12);
    expect(byId(result.hypotheses, 'c').score).toBeCloseTo(-0.98, 12);
    expect(['a', 'b', 'c'].map((id) => byId(result.hypotheses, id).achRank)).toEqual([1, 3, 1]);
  });

  it('computes posteriors from the reliability mixture of the likelihood table, tempered by weight', () => {
    const a = m(0.7, 0.49) * m(0.3, 0.49) ** 2 * m(0.5, 0.7225);
    const b = m(0.3, 0.49) * m(0.7, 0.49) ** 2 * m(0.1, 0.7225);
    const c = m(0.1, 0.49) * m(0.5, 0.49) ** 2 * m(0.7, 0.7225);
    const total = a + b + c;
    expect(byId(result.hypotheses, 'a').posterior).toBeCloseTo(a / total, 12);
    expect(byId(result.hypotheses, 'b').posterior).toBeCloseTo(b / total, 12);
    expect(byId(result.hypotheses, 'c').posterior).toBeCloseTo(c / total, 12);
    expect(result.hypotheses.map((h) => h.hypothesisId)).toEqual(['c', 'a', 'b']);
    expect(result.hypotheses.map((h) => h.rank)).toEqual([1, 2, 3]);
  });

  it('says "no clear leader" when the top two are within the tie margin', () => {
    expect(result.leadStatus).toBe('tie');
    expect(result.leader).toBeNull();
    expect(result.tiedForLead).toEqual(['c', 'a']);
  });

  it('labels the posterior in words and on the STIX scales', () => {
    // c ≈ 0.384: "unlikely" (20–45 %), 38 on the STIX scale.
    expect(byId(result.hypotheses, 'c')).toMatchObject({
      label: 'unlikely',
      confidence: 38,
      confidenceLevel: 'Med',
      admiraltyCredibility: '4 - Doubtful',
      bound: null,
      blankCells: 0,
      ratedCells: 3,
    });
  });

  it('reports diagnosticity as weight × log-likelihood spread under the mixture', () => {
    const e2 = result.evidence.find((e) => e.evidenceId === 'e2');
    expect(e2?.effectiveWeight).toBe(2);
    expect(e2?.reliability).toBeCloseTo(0.49, 12);
    expect(e2?.diagnosticity).toBeCloseTo(2 * Math.log(m(0.7, 0.49) / m(0.3, 0.49)), 12);
    expect(e2?.nonDiagnostic).toBe(false);
    expect(result.evidence.find((e) => e.evidenceId === 'e3')?.reliability).toBeCloseTo(0.7225, 12);
  });

  it('ranks by ACH score and leaves Bayes fields null with method ACH', () => {
    const ach = assess(worked, { method: 'ACH' });
    expect(ach.hypotheses.map((h) => [h.hypothesisId, h.rank])).toEqual([
      ['a', 1],
      ['c', 1],
      ['b', 3],
    ]);
    expect(ach.leadStatus).toBe('tie');
    expect(ach.hypotheses.every((h) => h.posterior === null && h.label === null && h.confidence === null)).toBe(true);
    expect(ach.sensitivity.every((s) => s.deltaPosterior === null && s.deltaScore !== null)).toBe(true);
  });

  it('leaves ACH fields null with method BAYES', () => {
    const bayes = assess(worked, { method: 'BAYES' });
    expect(bayes.hypotheses.every((h) => h.score === null && h.achRank === null)).toBe(true);
    expect(bayes.hypotheses[0]?.hypothesisId).toBe('c');
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

  it('treats a blank cell as missing, not N, and keeps rejected hypotheses in the distribution', () => {
    const result = assess(
      twoHypotheses([
        { id: 'e', name: 'e', knownAt: '2025-12-10', ratings: [{ hypothesisId: 'h1', analyst: 'x', rating: 'CC' }] },
      ]),
    );
    expect(result.hypotheses.map((h) => h.posterior)).toEqual([0.5, 0.5]);
    expect(result.hypotheses.find((h) => h.hypothesisId === 'h2')).toMatchObject({ status: 'rejected', blankCells: 1, ratedCells: 0 });
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
    // h2 is blank: it takes h1's value, so the item cannot move anything; h1's cell is √(0.9 × 0.3).
    expect(result.evidence[0]?.cells.find((c) => c.hypothesisId === 'h1')?.likelihood).toBeCloseTo(Math.sqrt(0.9 * 0.3), 12);
    expect(result.evidence[0]?.cells.find((c) => c.hypothesisId === 'h1')).toMatchObject({ raters: 2, spread: 3, blank: false });
    expect(result.hypotheses.find((h) => h.hypothesisId === 'h1')?.score).toBeCloseTo(-0.5 * 0.49, 12);
    expect(result.hypotheses.map((h) => h.posterior)).toEqual([0.5, 0.5]);
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
            { hypothesisId: 'h2', analyst: 'x', rating: 'N', ratedAt: '2025-12-10' },
          ],
        },
      ]),
    );
    expect(result.hypotheses[0]).toMatchObject({ hypothesisId: 'h1', score: 0 });
    expect(result.hypotheses[0]?.posterior).toBeCloseTo(m(0.9, 0.49) / (m(0.9, 0.49) + 0.5), 12);
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
      {
        id: 'e',
        name: 'e',
        knownAt: '2025-12-10',
        reliability: 'A',
        credibility: 1,
        ratings: [
          { hypothesisId: 'h1', analyst: 'x', rating: 'I' },
          { hypothesisId: 'h2', analyst: 'x', rating: 'N' },
        ],
      },
    ]);
    const result = assess(input, { config: { likelihood: { I: 0.25 }, achPenalty: { I: -3 }, reliabilityFactor: { A: 1 }, credibilityFactor: { '1': 1 } } });
    expect(result.hypotheses.find((h) => h.hypothesisId === 'h1')?.posterior).toBeCloseTo(0.25 / 0.75, 12);
    expect(result.hypotheses.find((h) => h.hypothesisId === 'h1')?.score).toBe(-3);
  });

  it('gives an empty assessment for an incident without hypotheses', () => {
    const result = assess({
      hypotheses: [],
      evidence: [{ id: 'e', name: 'e', knownAt: '2025-12-10', ratings: [] }],
    });
    expect(result.hypotheses).toEqual([]);
    expect(result.leadStatus).toBe('none');
    expect(result.sensitivity).toEqual([
      {
        evidenceId: 'e',
        action: 'remove',
        flipsLead: false,
        outcome: 'holds',
        tiedAfter: [],
        decisive: false,
        deltaPosterior: {},
        deltaScore: {},
      },
    ]);
    expect(result.pooled).toBeNull();
  });
});
