import { describe, expect, it } from 'vitest';
import { markingForRank, markRevealingParts, revealedIds } from '../../../api/src/services/case-markings';

const RED = markingForRank(4);
const AMBER = markingForRank(2);
const H_RED = 'attribution-hypothesis--red';
const H_CLEAR = 'attribution-hypothesis--clear';
const ACTOR_AMBER = 'threat-actor--amber';

function evidence(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'attribution-evidence--e',
    ratings: [
      { hypothesis_ref: H_CLEAR, analyst: 'a', rating: 'C' },
      { hypothesis_ref: H_RED, analyst: 'b', rating: 'I', rationale: 'secret' },
    ],
    object_refs: [ACTOR_AMBER, 'indicator--clear'],
    ...extra,
  };
}
const ranks: Record<string, number> = { [H_RED]: 4, [H_CLEAR]: 0, [ACTOR_AMBER]: 2, 'indicator--clear': 0 };

describe('markRevealingParts', () => {
  it('marks each part that names an object above the host with that object marking', () => {
    const o = evidence();
    expect(revealedIds(o).sort()).toEqual([ACTOR_AMBER, H_CLEAR, H_RED, 'indicator--clear'].sort());
    expect(markRevealingParts(o, 0, (id) => ranks[id])).toBe(4);
    expect(o.granular_markings).toEqual([
      { marking_ref: RED, selectors: ['ratings.[1]'] },
      { marking_ref: AMBER, selectors: ['object_refs.[0]'] },
    ]);
  });

  it('marks nothing the host marking already covers, and removes markings that no longer apply', () => {
    const o: Record<string, unknown> = evidence({ granular_markings: [{ marking_ref: RED, selectors: ['object_refs.[1]'] }] });
    expect(markRevealingParts(o, 4, (id) => ranks[id])).toBe(4);
    expect(o.granular_markings).toBeUndefined();
  });

  it('keeps granular markings on other properties and on parts naming objects the writer cannot see', () => {
    const other = { marking_ref: AMBER, selectors: ['description'] };
    const o: Record<string, unknown> = evidence({ granular_markings: [other, { marking_ref: RED, selectors: ['ratings.[1]'] }] });
    markRevealingParts(o, 0, (id) => (id === H_RED ? undefined : ranks[id]));
    expect(o.granular_markings).toEqual([other, { marking_ref: RED, selectors: ['ratings.[1]'] }, { marking_ref: AMBER, selectors: ['object_refs.[0]'] }]);
  });
});
