import { describe, expect, it } from 'vitest';
import {
  admiraltyCredibilityName,
  estimativeLabel,
  stixConfidence,
  stixConfidenceLevel,
} from '../../../api/src/domain/assessment';

describe('words of estimative probability (ICD 203)', () => {
  it.each([
    [0, 'almost no chance'],
    [0.049, 'almost no chance'],
    [0.05, 'very unlikely'],
    [0.199, 'very unlikely'],
    [0.2, 'unlikely'],
    [0.45, 'roughly even chance'],
    [0.5499, 'roughly even chance'],
    [0.55, 'likely'],
    [0.8, 'very likely'],
    [0.95, 'almost certain'],
    [1, 'almost certain'],
  ])('%s → %s', (probability, label) => {
    expect(estimativeLabel(probability)).toBe(label);
  });

  it('puts a value a rounding error under a band edge in the upper band', () => {
    const computed = 0.7 - 0.15; // 0.5499999999999999
    expect(computed).toBeLessThan(0.55);
    expect(estimativeLabel(computed)).toBe('likely');
  });

  it('accepts custom bands', () => {
    const bands = [
      { name: 'low', min: 0, max: 0.5 },
      { name: 'high', min: 0.5, max: 1 },
    ];
    const config = { wepBands: bands, stixLevels: [], admiraltyLevels: [], epsilon: 0 };
    expect(estimativeLabel(0.49, config)).toBe('low');
    expect(estimativeLabel(0.5, config)).toBe('high');
  });
});

describe('STIX confidence', () => {
  it.each([
    [0, 0],
    [0.004, 0],
    [0.005, 1],
    [0.555, 56],
    [1, 100],
  ])('probability %s → %s', (probability, confidence) => {
    expect(stixConfidence(probability)).toBe(confidence);
  });

  it.each([
    [0, 'None'],
    [1, 'Low'],
    [29, 'Low'],
    [30, 'Med'],
    [69, 'Med'],
    [70, 'High'],
    [100, 'High'],
  ])('None/Low/Med/High: %s → %s', (confidence, level) => {
    expect(stixConfidenceLevel(confidence)).toBe(level);
  });

  it.each([
    [0, '5 - Improbable'],
    [19, '5 - Improbable'],
    [20, '4 - Doubtful'],
    [59, '3 - Possibly True'],
    [60, '2 - Probably True'],
    [80, '1 - Confirmed by other sources'],
    [100, '1 - Confirmed by other sources'],
  ])('Admiralty credibility: %s → %s', (confidence, name) => {
    expect(admiraltyCredibilityName(confidence)).toBe(name);
  });
});
