/**
 * The Hypotheses view's own decisions: the engine's lead or tie said in words (never a "leading"
 * hypothesis where the engine names none), priors rebalanced on request, percentages as analysts type them, and
 * which field a server issue is shown next to.
 */
import { describe, expect, it } from 'vitest';
import { bandOf, leadOf, TIE_MARGIN, tieWords } from '../../../web/src/views/summary';
import { priorsBalanced, priorSum, rebalance } from '../../../web/src/state/priors';
import { fieldFor } from '../../../web/src/views/form-errors';
import { parsePercent } from '../../../web/src/views/case-editor';
import { foldSources, latestRaters } from '../../../schema/assessment/case-reading';

const hyp = (id: string, posterior: number | null) => ({ id, name: id, posterior, label: null });

describe('lead or tie, as the engine says', () => {
  const engine = (status: 'CLEAR' | 'TIE' | 'NONE', tied: string[], restsOn: string[] = []) => ({ status, tied, restsOn });

  it('says a tie the engine found as a tie, naming the tied hypotheses only', () => {
    const lead = leadOf([hyp('a', 0.42), hyp('b', 0.42 - TIE_MARGIN + 0.001), hyp('c', 0.2)], engine('TIE', ['a', 'b']));
    expect(lead.kind === 'tie' && lead.tied.map((x) => x.id)).toEqual(['a', 'b']);
    expect(lead.kind === 'tie' && tieWords(lead, (x) => x.name)).toBe(`a and b are within ${Math.round(TIE_MARGIN * 100)} points of each other: on the present evidence this is a tie.`);
  });

  it('names no leader where the lead rests on one analyst, though the posteriors are far apart', () => {
    const lead = leadOf([hyp('a', 0.7), hyp('b', 0.2), hyp('c', 0.1)], engine('TIE', ['a', 'b'], ['alice']));
    expect(lead.kind).toBe('tie');
    expect(lead.kind === 'tie' && tieWords(lead, (x) => x.name)).toMatch(/^a and b: the lead would rest on the ratings of alice alone/);
  });

  it('names the engine\'s leader, and the runner-up by posterior', () => {
    const lead = leadOf([hyp('b', 0.3), hyp('a', 0.6), hyp('c', 0.1)], engine('CLEAR', ['a']));
    expect(lead).toMatchObject({ kind: 'lead', leader: { id: 'a' }, next: { id: 'b' } });
    expect(leadOf([hyp('a', null)], engine('NONE', [])).kind).toBe('none');
  });

  it('puts probabilities in the ICD 203 bands', () => {
    expect([0.01, 0.1, 0.413, 0.5, 0.7, 0.9, 0.97].map(bandOf)).toEqual([
      'almost no chance', 'very unlikely', 'unlikely', 'roughly even chance', 'likely', 'very likely', 'almost certain',
    ]);
  });
});

describe('priors', () => {
  it('rebalances to 100 % keeping the proportions; a hypothesis without a prior counts as the mean', () => {
    const rows = [{ id: 'a', prior: 0.5 }, { id: 'b', prior: 0.3 }, { id: 'c', prior: null }];
    expect(priorSum(rows)).toBeCloseTo(0.8);
    expect(priorsBalanced(rows)).toBe(false);
    const out = rebalance(rows);
    expect(out).toEqual({ a: 0.4167, b: 0.25, c: 0.3333 });
    expect(Object.values(out).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 10);
    expect(priorsBalanced(Object.entries(out).map(([id, prior]) => ({ id, prior })))).toBe(true);
  });

  it('makes room for "other/unknown": the others fill 90 % in proportion', () => {
    expect(rebalance([{ id: 'a', prior: 0.6 }, { id: 'b', prior: 0.4 }], 0.9)).toEqual({ a: 0.54, b: 0.36 });
    expect(rebalance([{ id: 'a', prior: null }, { id: 'b', prior: null }, { id: 'c', prior: null }])).toEqual({ a: 0.3334, b: 0.3333, c: 0.3333 });
    expect(rebalance([{ id: 'a', prior: 0 }, { id: 'b', prior: 0 }])).toEqual({ a: 0.5, b: 0.5 });
  });

  it('reads percentages as typed', () => {
    expect(parsePercent('42.5')).toBe(0.425);
    expect(parsePercent(' 10 % ')).toBe(0.1);
    expect(parsePercent('12,5')).toBe(0.125);
    expect(parsePercent('')).toBeNull();
    expect(parsePercent('150')).toMatch(/from 0 to 100/);
    expect(parsePercent('abc')).toMatch(/from 0 to 100/);
  });
});

describe('errors next to their field', () => {
  const fields = new Set(['name', 'sources', 'sources[0].url', 'objectRefs', 'prior']);
  it('finds the field of an issue, or its nearest parent', () => {
    expect(fieldFor('sources[0].url', fields)).toBe('sources[0].url');
    expect(fieldFor('sources[1].archiveUrl', fields)).toBe('sources');
    expect(fieldFor('objectRefs[2]', fields)).toBe('objectRefs');
    expect(fieldFor('prior', fields)).toBe('prior');
    expect(fieldFor('tlp', fields)).toBeNull();
    expect(fieldFor('', fields)).toBeNull();
  });
});

describe('matrix data', () => {
  it('keeps each analyst’s latest rating of a cell (as of a date), with the rationale', () => {
    const ratings = [
      { hypothesisId: 'h', analyst: 'b', rating: 'C' as const, rationale: 'first', ratedAt: '2025-12-11T10:00:00Z' },
      { hypothesisId: 'h', analyst: 'b', rating: 'I' as const, rationale: 'revised', ratedAt: '2025-12-12T10:00:00Z' },
      { hypothesisId: 'h', analyst: 'a', rating: 'N' as const, rationale: null, ratedAt: '2025-12-11T09:00:00Z' },
      { hypothesisId: 'other', analyst: 'a', rating: 'II' as const, rationale: null, ratedAt: '2025-12-11T09:00:00Z' },
    ];
    expect(latestRaters(ratings, 'h', null).map((r) => `${r.analyst}:${r.rating}:${r.rationale}`)).toEqual(['a:N:null', 'b:I:revised']);
    expect(latestRaters(ratings, 'h', '2025-12-11T23:59:59Z').map((r) => `${r.analyst}:${r.rating}`)).toEqual(['a:N', 'b:C']);
  });

  it('folds an archived copy back into its source', () => {
    expect(foldSources([
      { name: 'Le Monde', url: 'https://lemonde.fr/a', description: null },
      { name: 'Le Monde (archive)', url: 'https://web.archive.org/x', description: 'Archived copy of: https://lemonde.fr/a' },
      { name: 'AFP', url: null, description: null },
    ])).toEqual([
      { name: 'Le Monde', url: 'https://lemonde.fr/a', archiveUrl: 'https://web.archive.org/x', description: null },
      { name: 'AFP', url: null, archiveUrl: null, description: null },
    ]);
  });
});

describe('search ranking', () => {
  it('puts the exact ATT&CK id, then the exact name, first and leaves relationships out unless asked', async () => {
    const { rankHits } = await import('../../../web/src/api/operations');
    const hits = [
      { id: 'attribution-evidence--1', type: 'attribution-evidence', name: 'Analyst judgement: reuse of credentials (≈ T1078)', externalReferences: [{ sourceName: 'mitre-attack', externalId: 'T1078' }] },
      { id: 'relationship--1', type: 'relationship', name: null },
      { id: 'attack-pattern--2', type: 'attack-pattern', name: 'Valid Accounts', externalReferences: [{ sourceName: 'mitre-attack', externalId: 'T1078' }] },
      { id: 'attack-pattern--3', type: 'attack-pattern', name: 'Cloud Accounts', externalReferences: [{ sourceName: 'mitre-attack', externalId: 'T1078.004' }] },
    ];
    expect(rankHits(hits, 'T1078', false).map((x) => x.id)).toEqual(['attack-pattern--2', 'attribution-evidence--1', 'attack-pattern--3']);
    expect(rankHits(hits, 'cloud accounts', true).map((x) => x.id)).toEqual(['attack-pattern--3', 'attribution-evidence--1', 'relationship--1', 'attack-pattern--2']);
  });
});

describe('export marking', () => {
  it('marks with the most restrictive TLP drawn (unmarked counts as CLEAR)', async () => {
    const { highestTlp, svgBanners } = await import('../../../web/src/graph/export-marking');
    expect(highestTlp([undefined, 'GREEN', 'AMBER+STRICT', 'AMBER'])).toBe('AMBER+STRICT');
    expect(highestTlp([])).toBe('CLEAR');
    expect(svgBanners('RED', 300, 200).match(/>TLP:RED</g)).toHaveLength(2);
  });
});
