import { describe, expect, it } from 'vitest';
import { assess } from '../../../api/src/domain/assessment';
import { referenceCase } from './fixtures';

describe('sensitivity', () => {
  const result = assess(referenceCase());
  const item = (id: string) => result.sensitivity.find((s) => s.evidenceId === id);

  it('detects evidence whose removal flips the lead', () => {
    expect(result.leader).toBe('h-challenger');
    expect(item('e-claim')).toMatchObject({ action: 'remove', flipsLead: true, outcome: 'new-leader', newLeader: 'h-foreign', decisive: true });
    expect(item('e-creds')).toMatchObject({ action: 'remove', flipsLead: false, outcome: 'holds' });
  });

  it('reports no new leader when the lead holds', () => {
    expect(item('e-no-ransom')?.flipsLead).toBe(false);
    expect(item('e-no-ransom')).not.toHaveProperty('newLeader');
  });

  it('gives posterior deltas that match a rerun without the item and sum to zero', () => {
    const input = referenceCase();
    input.evidence = input.evidence.filter((e) => e.id !== 'e-no-ransom');
    const without = assess(input);
    const delta = item('e-no-ransom')?.deltaPosterior ?? {};
    for (const h of result.hypotheses) {
      const after = without.hypotheses.find((w) => w.hypothesisId === h.hypothesisId)?.posterior ?? Number.NaN;
      expect(delta[h.hypothesisId]).toBeCloseTo(after - (h.posterior ?? Number.NaN), 12);
    }
    expect(Object.values(delta).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    // ACH: weight 2 × II (−2) × reliability 0.49 (ungraded: medium) comes off h-crime's score.
    expect(item('e-no-ransom')?.deltaScore?.['h-crime']).toBeCloseTo(1.96, 12);
    expect(item('e-no-ransom')?.deltaScore?.['h-foreign']).toBe(0);
  });

  it('asks of discredited evidence what crediting it again would do', () => {
    const input = referenceCase();
    input.evidence.push({
      id: 'e-wiper',
      name: 'Destructive wiper found (discredited: lab contamination)',
      knownAt: '2025-12-21',
      weight: 5,
      discredited: true,
      ratings: [
        { hypothesisId: 'h-foreign', analyst: 'alice', rating: 'CC' },
        { hypothesisId: 'h-challenger', analyst: 'alice', rating: 'I' },
        { hypothesisId: 'h-crime', analyst: 'alice', rating: 'II' },
      ],
    });
    const withDiscredited = assess(input);
    expect(withDiscredited.hypotheses[0]?.hypothesisId).toBe('h-challenger');
    expect(withDiscredited.sensitivity.find((s) => s.evidenceId === 'e-wiper')).toMatchObject({
      action: 'restore',
      flipsLead: true,
      newLeader: 'h-foreign',
    });
  });
});
