import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CANDIDATE_CONFIG,
  buildProfiles,
  idf,
  rankCandidates,
  type ActorFacts,
  type ProfileItem,
} from '../../../api/src/domain/candidates';

const tech = (n: number, sub?: number): ProfileItem => {
  const ext = sub === undefined ? `T${1000 + n}` : `T${1000 + n}.${String(sub).padStart(3, '0')}`;
  return { id: `attack-pattern--${ext}`, type: 'attack-pattern', name: ext, channel: 'technique', family: `T${1000 + n}`, externalId: ext };
};
const soft = (n: number): ProfileItem => ({ id: `malware--${n}`, type: 'malware', name: `malware ${n}`, channel: 'software', family: null });

const actor = (id: string, items: ProfileItem[], extra: Partial<ActorFacts> = {}): ActorFacts => ({
  id: `intrusion-set--${id}`,
  type: 'intrusion-set',
  name: id,
  items,
  attributedTo: [],
  firstSeen: null,
  lastSeen: null,
  primaryMotivation: null,
  threatActorTypes: [],
  ...extra,
});

describe('candidate scoring, a hand-worked example', () => {
  // Four roots. T1001 is used by all four (weight ln(5/5) = 0); T1002 by a and b (ln(5/3));
  // malware 1 by a alone (software 1.5 × ln(5/2)); T1003.001 by c only, T1003 family by c and d.
  const facts = [
    actor('a', [tech(1), tech(2), soft(1)]),
    actor('b', [tech(1), tech(2), tech(4)]),
    actor('c', [tech(1), tech(3, 1)]),
    actor('d', [tech(1), tech(3)]),
  ];
  const profiles = buildProfiles(facts);
  const { missingWeight: m, familyCredit: g } = CANDIDATE_CONFIG;

  it('adds channel-weighted specificity of what is shared and subtracts a little for what is missing', () => {
    const r = rankCandidates(profiles, { items: [tech(1), tech(2), soft(1)], time: null });
    const a = r.candidates.find((c) => c.actor.name === 'a')!;
    const b = r.candidates.find((c) => c.actor.name === 'b')!;
    expect(a.score).toBeCloseTo(Math.log(5 / 3) + 1.5 * Math.log(5 / 2), 10);
    // b misses T1004 (ln(5/2)), which costs missingWeight of it.
    expect(b.score).toBeCloseTo(Math.log(5 / 3) - m * Math.log(5 / 2), 10);
    expect(a.rank).toBe(1);
    expect(a.carriedBy).toBe('software');
    expect(b.missing.map((x) => x.item.id)).toEqual([tech(4).id]);
    // c and d share only T1001, which weighs nothing; they are listed (they share it) with scores ≤ 0.
    expect(r.candidates.find((c) => c.actor.name === 'c')!.score).toBeCloseTo(-m * Math.log(5 / 2), 10);
  });

  it('gives a sub-technique partial credit through its family, less than an exact match', () => {
    const r = rankCandidates(profiles, { items: [tech(3, 1)], time: null });
    const c = r.candidates.find((x) => x.actor.name === 'c')!;
    const d = r.candidates.find((x) => x.actor.name === 'd')!;
    expect(c.shared[0]!.match).toBe('exact');
    expect(c.score).toBeCloseTo(Math.log(5 / 2), 10);
    expect(d.shared[0]!.match).toBe('family');
    expect(d.score).toBeCloseTo(g * Math.log(5 / 3) - m * Math.log(5 / 2), 10);
    expect(c.rank).toBeLessThan(d.rank);
  });

  it('counts a campaign toward the group it is attributed to, and counts roots only for specificity', () => {
    const withCampaign = [
      ...facts,
      { ...actor('camp', [soft(7)]), id: 'campaign--x', type: 'campaign' as const, attributedTo: ['intrusion-set--b'] },
    ];
    const r = rankCandidates(buildProfiles(withCampaign), { items: [soft(7)], time: null });
    expect(r.rootActors).toBe(4);
    const b = r.candidates.find((x) => x.actor.name === 'b')!;
    expect(b.shared.map((s) => s.item.id)).toEqual([soft(7).id]);
    expect(b.shared[0]!.actorsWithItem).toBe(1);
  });

  it('says nothing stands out when only a common item is shared', () => {
    const r = rankCandidates(profiles, { items: [tech(2)], time: null });
    expect(r.standsOut).toBe(false);
    expect(r.explanation.join(' ')).toMatch(/Nothing stands out/);
  });

  it('says nothing stands out and lists nobody when nothing was observed', () => {
    const r = rankCandidates(profiles, { items: [], time: null });
    expect(r.candidates).toEqual([]);
    expect(r.unknownProbability).toBe(1);
    expect(r.explanation[0]).toMatch(/nothing to compare/);
  });

  it('uses the time channel only when both the incident time and an active period are known', () => {
    const timed = buildProfiles([
      actor('old', [soft(1)], { firstSeen: '2010-01-01T00:00:00Z', lastSeen: '2012-01-01T00:00:00Z' }),
      actor('now', [soft(1)], { firstSeen: '2024-01-01T00:00:00Z' }),
      actor('x', [soft(2)]),
    ]);
    const r = rankCandidates(timed, { items: [soft(1)], time: '2025-12-11T00:00:00Z' });
    expect(r.candidates.map((c) => c.actor.name)).toEqual(['now', 'old']);
    expect(r.candidates[0]!.channels.find((c) => c.channel === 'time')!.score).toBe(CANDIDATE_CONFIG.channelWeights.time);
    expect(r.candidates[1]!.channels.find((c) => c.channel === 'time')!.score).toBe(-CANDIDATE_CONFIG.channelWeights.time);
  });

  it('idf is 0 for an item every root has', () => {
    expect(idf(10, 10)).toBe(0);
    expect(idf(10, 0)).toBeGreaterThan(idf(10, 1));
  });
});

// ---------------------------------------------------------------------------------------------
// Properties on random graphs

const itemPool: ProfileItem[] = [...Array.from({ length: 8 }, (_, i) => tech(i)), tech(1, 1), tech(1, 2), tech(2, 1), ...Array.from({ length: 4 }, (_, i) => soft(i))];
const arbActors = fc
  .array(fc.subarray(itemPool, { minLength: 1 }), { minLength: 2, maxLength: 8 })
  .map((sets) => sets.map((items, i) => actor(`g${i}`, items)));
const arbObserved = fc.subarray(itemPool);
const universal: ProfileItem = { id: 'attack-pattern--universal', type: 'attack-pattern', name: 'everyone', channel: 'technique', family: 'T9999', externalId: 'T9999' };

const scores = (r: ReturnType<typeof rankCandidates>) => new Map(r.candidates.map((c) => [c.actor.id, c]));

describe('candidate scoring properties', () => {
  it('an item every actor has changes no score, probability or order (observed or not)', () => {
    fc.assert(
      fc.property(arbActors, arbObserved, fc.boolean(), (facts, observed, observeIt) => {
        const before = rankCandidates(buildProfiles(facts), { items: observed, time: null }, { first: 100 });
        const withItem = facts.map((f) => ({ ...f, items: [...f.items, universal] }));
        const after = rankCandidates(buildProfiles(withItem), { items: observeIt ? [...observed, universal] : observed, time: null }, { first: 100 });
        const a = scores(after);
        for (const c of before.candidates) {
          expect(a.get(c.actor.id)!.score).toBeCloseTo(c.score, 9);
          expect(a.get(c.actor.id)!.probability).toBeCloseTo(c.probability, 9);
        }
        const order = after.candidates.filter((c) => scores(before).has(c.actor.id)).map((c) => c.actor.id);
        expect(order).toEqual(before.candidates.map((c) => c.actor.id));
      }),
      { numRuns: 300 },
    );
  });

  it('observing one more item an actor has never lowers its rank', () => {
    fc.assert(
      fc.property(arbActors, arbObserved, fc.nat(), fc.nat(), (facts, observed, pickActor, pickItem) => {
        const profiles = buildProfiles(facts);
        const target = facts[pickActor % facts.length]!;
        const candidates = target.items.filter((i) => !observed.some((o) => o.id === i.id));
        fc.pre(candidates.length > 0);
        const extra = candidates[pickItem % candidates.length]!;
        const rankOf = (items: ProfileItem[]) =>
          rankCandidates(profiles, { items, time: null }, { first: 100 }).candidates.find((c) => c.actor.id === target.id)?.rank ?? Infinity;
        expect(rankOf([...observed, extra])).toBeLessThanOrEqual(rankOf(observed));
      }),
      { numRuns: 500 },
    );
  });

  it('an actor known for one more observed item never ranks lower', () => {
    fc.assert(
      fc.property(arbActors, arbObserved, fc.nat(), fc.nat(), (facts, observed, pickActor, pickItem) => {
        fc.pre(observed.length > 0);
        const i = pickActor % facts.length;
        const target = facts[i]!;
        const extra = observed[pickItem % observed.length]!;
        fc.pre(!target.items.some((x) => x.id === extra.id));
        const grown = facts.map((f, j) => (j === i ? { ...f, items: [...f.items, extra] } : f));
        const rankOf = (fs: ActorFacts[]) =>
          rankCandidates(buildProfiles(fs), { items: observed, time: null }, { first: 100 }).candidates.find((c) => c.actor.id === target.id)?.rank ?? Infinity;
        expect(rankOf(grown)).toBeLessThanOrEqual(rankOf(facts));
      }),
      { numRuns: 500 },
    );
  });

  it('the listed probabilities and unknownProbability sum to 1, whatever is listed', () => {
    fc.assert(
      fc.property(arbActors, arbObserved, fc.integer({ min: 0, max: 10 }), (facts, observed, first) => {
        const r = rankCandidates(buildProfiles(facts), { items: observed, time: null }, { first });
        const total = r.candidates.reduce((s, c) => s + c.probability, 0) + r.unknownProbability;
        expect(total).toBeCloseTo(1, 12);
        expect(r.unknownProbability).toBeGreaterThanOrEqual(r.outsideGraphProbability - 1e-12);
        for (const c of r.candidates) expect(c.probability).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
