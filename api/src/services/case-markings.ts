/**
 * What a case object reveals about other objects, and the marking that follows from it.
 *
 * A hypothesis or evidence item names other objects: an evidence item's `ratings[].hypothesis_ref`
 * (with the analyst, rating and rationale of that cell) and `object_refs`, a hypothesis's
 * `candidate_refs`. Such a part reveals the object it names, so it carries that object's marking:
 * when the named object is marked above the host object, the part gets a STIX 2.1 granular marking
 * (`{ marking_ref, selectors: ['ratings.[3]'] }`, the TLP 2.0 marking of the named object's rank).
 * The graph's rule that a stored object is as restricted as its most restricted marking, granular
 * ones included (`tlpRankOf` in api/src/graph/stix.mapping.ts), then hides the whole host from every reader
 * below that rank on every path (objects, case reads, history, audit, exports, subscriptions).
 *
 * The trade-off, chosen over redacting parts of an object on each read path: an evidence item a
 * RED analyst rated against a RED hypothesis is RED afterwards, for everyone, including readers who
 * saw it as CLEAR before (its earlier versions stay visible to them in history; its audit entries
 * up to the rating too). See docs/api.md ("What a write reveals").
 *
 * Pure: no I/O. The granular markings this module manages are those whose selectors all point into
 * the lists above; other granular markings of the object are left as they are.
 */
import { TLP_LEVELS } from '../../../schema/graph/kinds';
import { TLP2_MARKING_IDS } from '../../../schema/stix/vocab';
import { isRecord } from '../../../schema/json';

type Json = Record<string, unknown>;

/** The lists whose items name another object, and how to find the id named by an item. */
const REVEALING_LISTS: ReadonlyArray<{ list: string; ref(item: unknown): string | null }> = [
  { list: 'ratings', ref: (item) => (isRecord(item) && typeof item.hypothesis_ref === 'string' ? item.hypothesis_ref : null) },
  { list: 'object_refs', ref: (item) => (typeof item === 'string' ? item : null) },
  { list: 'candidate_refs', ref: (item) => (typeof item === 'string' ? item : null) },
];

const MANAGED_SELECTOR = new RegExp(`^(${REVEALING_LISTS.map((l) => l.list).join('|')})\\.\\[(\\d+)\\]$`);

/** Every id the revealing lists of `obj` name (to look their ranks up). */
export function revealedIds(obj: Json): string[] {
  const out = new Set<string>();
  for (const { list, ref } of REVEALING_LISTS) {
    const items = obj[list];
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      const id = ref(item);
      if (id !== null) out.add(id);
    }
  }
  return [...out];
}

/** The TLP 2.0 marking-definition id for a rank (0 CLEAR … 4 RED; out of range counts as RED). */
export function markingForRank(rank: number): string {
  const level = TLP_LEVELS[Math.min(Math.max(Math.trunc(rank), 0), TLP_LEVELS.length - 1)] ?? 'RED';
  return TLP2_MARKING_IDS[level];
}

/**
 * Rewrites `obj.granular_markings` (in place) so each item of a revealing list that names an object
 * marked above `objectRank` (the rank of the object's own `object_marking_refs`) carries that
 * object's marking. `rankOf(id)` gives the rank of a named object, or undefined when the caller
 * cannot see it: such an item keeps the granular marking it had. Returns the highest rank given to
 * a part (or `objectRank`).
 */
export function markRevealingParts(obj: Json, objectRank: number, rankOf: (id: string) => number | undefined): number {
  const kept: Json[] = [];
  const previous = new Map<string, string>();
  for (const g of Array.isArray(obj.granular_markings) ? obj.granular_markings : []) {
    const selectors = isRecord(g) && Array.isArray(g.selectors) ? g.selectors : [];
    const managed = selectors.length > 0 && selectors.every((s) => typeof s === 'string' && MANAGED_SELECTOR.test(s));
    if (managed && isRecord(g) && typeof g.marking_ref === 'string') {
      for (const s of selectors as string[]) previous.set(s, g.marking_ref);
    } else {
      kept.push(g as Json);
    }
  }

  const bySelector = new Map<string, string[]>();
  let highest = objectRank;
  for (const { list, ref } of REVEALING_LISTS) {
    const items = obj[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      const selector = `${list}.[${i}]`;
      const id = ref(item);
      const rank = id === null ? undefined : rankOf(id);
      let marking: string | undefined;
      if (rank === undefined) marking = previous.get(selector);
      else if (rank > objectRank) {
        marking = markingForRank(rank);
        highest = Math.max(highest, rank);
      }
      if (marking === undefined) return;
      bySelector.set(marking, [...(bySelector.get(marking) ?? []), selector]);
    });
  }

  const managed = [...bySelector].map(([marking_ref, selectors]) => ({ marking_ref, selectors }));
  const all = [...kept, ...managed];
  if (all.length > 0) obj.granular_markings = all;
  else delete obj.granular_markings;
  return highest;
}
