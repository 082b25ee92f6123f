import { describe, expect, it } from 'vitest';
import {
  assess,
  coherentise,
  linearPool,
  logarithmicPool,
  type AnalystJudgement,
} from '../../../api/src/domain/assessment';
import { referenceCase } from './fixtures';

const IDS = ['a', 'b', 'c'];
const probabilities = (entries: { probability: number }[]) => entries.map((e) => e.probability);

describe('coherentise', () => {
  it('spreads the mass left over evenly on missing hypotheses', () => {
    const result = probabilities(coherentise(IDS, { a: 0.2, b: 0.5 }));
    expect(result[0]).toBeCloseTo(0.2, 15);
    expect(result[1]).toBeCloseTo(0.5, 15);
    expect(result[2]).toBeCloseTo(0.3, 15);
  });

  it('clamps values above 1 and gives missing hypotheses nothing when the mass is spent', () => {
    expect(probabilities(coherentise(IDS, { a: 1.5 }))).toEqual([1, 0, 0]);
  });

  it('normalises an over-full distribution', () => {
    expect(probabilities(coherentise(IDS, { a: 0.8, b: 0.8, c: 0.4 }))).toEqual([0.4, 0.4, 0.2]);
  });

  it('falls back to uniform when every value is 0, and with nothing given', () => {
    expect(probabilities(coherentise(IDS, { a: 0, b: 0, c: 0 }))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(probabilities(coherentise(IDS, {}))).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
});

describe('pools', () => {
  const alice = [0.7, 0.1, 0.2];
  const bob = [0.3, 0.1, 0.6];

  it('linear pool is the mean', () => {
    expect(linearPool([alice, bob]).map((p) => Number(p.toFixed(12)))).toEqual([0.5, 0.1, 0.4]);
  });

  it('logarithmic pool is the normalised geometric mean', () => {
    const raw = [Math.sqrt(0.21), 0.1, Math.sqrt(0.12)];
    const total = raw[0]! + raw[1]! + raw[2]!;
    logarithmicPool([alice, bob], 1e-3).forEach((p, i) => expect(p).toBeCloseTo(raw[i]! / total, 12));
  });

  it('logarithmic pool floors a zero instead of letting it veto', () => {
    const pooled = logarithmicPool([[1, 0], [0, 1]], 1e-3);
    expect(pooled).toEqual([0.5, 0.5]);
  });
});

describe('analysts in the assessment', () => {
  it('pools coherentised judgements linearly by default', () => {
    const result = assess(referenceCase());
    // alice: foreign .2, challenger .7, crime .1 (filled); bob: foreign .6, challenger .3, crime .1.
    expect(result.pooled?.rule).toBe('linear');
    expect(result.pooled?.analysts).toEqual(['alice', 'bob']);
    expect(result.pooled?.hypotheses.map((h) => [h.hypothesisId, Number(h.probability.toFixed(12)), h.rank])).toEqual([
      ['h-challenger', 0.5, 1],
      ['h-foreign', 0.4, 2],
      ['h-crime', 0.1, 3],
    ]);
    expect(result.pooled?.hypotheses[0]).toMatchObject({ label: 'roughly even chance', confidence: 50 });
  });

  it('pools logarithmically when configured', () => {
    const result = assess(referenceCase(), { config: { pooling: 'logarithmic' } });
    expect(result.pooled?.rule).toBe('logarithmic');
    expect(result.pooled?.hypotheses[0]?.probability).toBeCloseTo(Math.sqrt(0.21) / (Math.sqrt(0.21) + 0.1 + Math.sqrt(0.12)), 12);
  });

  it('gives each analyst a view from their own ratings and judgements', () => {
    const result = assess(referenceCase());
    expect(result.analysts.map((a) => a.analyst)).toEqual(['alice', 'bob']);
    const bob = result.analysts.find((a) => a.analyst === 'bob');
    // bob rated nothing: his rating view is the prior.
    expect(bob?.hypotheses.map((h) => h.posterior)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(bob?.judgement?.map((j) => j.hypothesisId)).toEqual(['h-challenger', 'h-crime', 'h-foreign']);
    const alice = result.analysts.find((a) => a.analyst === 'alice');
    expect(alice?.hypotheses).toEqual(result.hypotheses);
  });

  it('orders the disagreement report by spread, biggest first', () => {
    const judgements: AnalystJudgement[] = [
      { analyst: 'ana', hypothesisId: 'h-foreign', probability: 0.8 },
      { analyst: 'ana', hypothesisId: 'h-challenger', probability: 0.1 },
      { analyst: 'ana', hypothesisId: 'h-crime', probability: 0.1 },
      { analyst: 'ben', hypothesisId: 'h-foreign', probability: 0.2 },
      { analyst: 'ben', hypothesisId: 'h-challenger', probability: 0.3 },
      { analyst: 'ben', hypothesisId: 'h-crime', probability: 0.5 },
      { analyst: 'cat', hypothesisId: 'h-foreign', probability: 0.5 },
      { analyst: 'cat', hypothesisId: 'h-challenger', probability: 0.3 },
      { analyst: 'cat', hypothesisId: 'h-crime', probability: 0.2 },
    ];
    const report = assess({ ...referenceCase(), judgements }).disagreement;
    expect(report.map((d) => d.hypothesisId)).toEqual(['h-foreign', 'h-crime', 'h-challenger']);
    expect(report[0]?.spread).toBeCloseTo(0.6, 12);
    expect(report[0]?.lowest).toEqual({ analyst: 'ben', probability: 0.2 });
    expect(report[0]?.highest).toEqual({ analyst: 'ana', probability: 0.8 });
    expect(report[0]?.stdDev).toBeCloseTo(Math.sqrt((0.09 + 0.09 + 0) / 3), 12);
    expect(report[2]?.spread).toBeCloseTo(0.2, 12);
  });

  it('has no pool and no disagreement without judgements, no disagreement with one analyst', () => {
    const input = referenceCase();
    expect(assess({ ...input, judgements: [] })).toMatchObject({ pooled: null, disagreement: [] });
    const single = (input.judgements ?? []).filter((j) => j.analyst === 'bob');
    expect(assess({ ...input, judgements: single }).disagreement).toEqual([]);
  });
});
