import { applyFloor, coherentiseValues, compareIds } from './probability';
import { knownBy, toInstant } from './time';
import {
  OTHER_HYPOTHESIS_ID,
  RATINGS,
  type AssessmentConfig,
  type AssessmentInput,
  type EvidenceInput,
  type EvidenceVersion,
  type HypothesisInput,
  type HypothesisVersion,
  type Rating,
} from './types';

/** Index of each rating code in RATINGS (CC 0 … II 4), for the compact rating arrays. */
export const RATING_INDEX: Readonly<Record<Rating, number>> = Object.freeze(
  Object.fromEntries(RATINGS.map((r, i) => [r, i])) as Record<Rating, number>,
);

/** Whose ratings a view counts: everyone, one analyst (`only`), or all but one (`except`). */
export interface AnalystFilter {
  only?: number;
  except?: number;
}

/** True when the view counts analyst `a` (an index into PreparedCase.analysts). */
export function inView(view: AnalystFilter, a: number): boolean {
  return (view.only === undefined || view.only === a) && view.except !== a;
}

/** Evidence reduced to what the scoring needs, in canonical order. */
export interface PreparedEvidence {
  id: string;
  name: string;
  discredited: boolean;
  /** Weight that counts now (discredited factor applied), before the group shares it. */
  weight: number;
  /** Weight the item would have if it were not discredited. */
  creditedWeight: number;
  /** Mixture weight r = reliability factor × credibility factor (absent grade: medium). */
  reliability: number;
  /** Dependency group: the smallest id among the items it depends on or duplicates. */
  group: string;
  /** Other counted items with the same normalised name. */
  duplicateOf: string[];
  /** Other items whose names overlap by the near-duplicate threshold (flagged only). */
  nearDuplicateOf: string[];
  /**
   * The ratings in force, one entry per (hypothesis, analyst), sorted by hypothesis index then
   * analyst index: hypothesis index, analyst index (into PreparedCase.analysts), RATING_INDEX.
   */
  ratingH: Int32Array;
  ratingA: Int32Array;
  ratingR: Uint8Array;
  /**
   * The same entries grouped by analyst: `byAnalyst[analystStart[a] .. analystStart[a + 1])` are
   * the indices of analyst a's ratings (at most one per hypothesis), for one-analyst views.
   */
  byAnalyst: Int32Array;
  analystStart: Int32Array;
}

/** One incident as of one instant, seen by all analysts or by one. */
export interface PreparedCase {
  /** Sorted by id; every array below is aligned with this one. */
  hypotheses: HypothesisInput[];
  /** Index of each "other / not considered" hypothesis (category `unknown` or added). */
  other: boolean[];
  /** Coherentised priors, floored at `priorFloor`. */
  priors: number[];
  /** Evidence known as of the instant (and existing then), sorted by id. */
  evidence: PreparedEvidence[];
  /** Every analyst named in a rating, sorted; ratings refer to them by index. */
  analysts: string[];
  /** Analysts with at least one rating in force (counted or not), sorted. */
  raters: string[];
  /** Whose ratings this view counts. */
  view: AnalystFilter;
}

export interface PrepareOptions {
  includeOther?: boolean;
}

/**
 * Canonicalises validated input as of `asOf` (epoch ms): the version of each hypothesis and item
 * valid then (objects created later are left out), hypotheses and evidence sorted by id, each
 * analyst's latest rating per cell, dependency groups and duplicates. With `analyst`, only that
 * analyst's ratings are kept.
 */
export function prepareCase(
  input: AssessmentInput,
  config: AssessmentConfig,
  asOf?: number,
  analyst?: string,
  options: PrepareOptions = {},
): PreparedCase {
  const hypotheses = hypothesesAt(input.hypotheses, asOf);
  if (options.includeOther && !hypotheses.some((h) => h.category === 'unknown')) {
    hypotheses.push({
      id: OTHER_HYPOTHESIS_ID,
      name: 'Another actor, not considered',
      category: 'unknown',
      prior: config.otherPrior,
      status: 'open',
    });
  }
  hypotheses.sort((a, b) => compareIds(a.id, b.id));
  const index = new Map(hypotheses.map((h, i) => [h.id, i]));
  const names = new Set<string>();
  for (const e of input.evidence) for (const r of e.ratings) names.add(r.analyst);
  const analysts = [...names].sort(compareIds);
  const scratch = new Scratch(hypotheses.length, analysts);
  const evidence: PreparedEvidence[] = [];
  for (const e of input.evidence) {
    if (!knownBy(e.knownAt, asOf)) continue;
    // An item stored after `asOf` but known by then is scored as first stored.
    const version = versionAt(e.versions, asOf) ?? earliest(e.versions);
    if (version?.deleted) continue;
    evidence.push(prepareEvidence(e, version, index, config, asOf, scratch));
  }
  evidence.sort((a, b) => compareIds(a.id, b.id));
  assignGroups(evidence, input.evidence, config);
  const priors = applyFloor(coherentiseValues(hypotheses.map((h) => h.prior)), config.priorFloor);
  const rated = new Array<boolean>(analysts.length).fill(false);
  for (const e of evidence) for (const a of e.ratingA) rated[a] = true;
  const only = analyst === undefined ? undefined : analysts.indexOf(analyst);
  return {
    hypotheses,
    other: hypotheses.map((h) => h.category === 'unknown'),
    priors,
    evidence,
    analysts,
    raters: analysts.filter((_, a) => rated[a]),
    view: only === undefined ? {} : { only },
  };
}

/** The same case seen through one analyst's ratings only (groups and weights unchanged). */
export function restrictToAnalyst(c: PreparedCase, analyst: string): PreparedCase {
  return { ...c, view: { only: c.analysts.indexOf(analyst) } };
}

/** The same case without one analyst's ratings (groups and weights unchanged). */
export function withoutAnalyst(c: PreparedCase, analyst: string): PreparedCase {
  return { ...c, view: { except: c.analysts.indexOf(analyst) } };
}

/** Per-case working memory for picking each analyst's latest rating per cell. */
class Scratch {
  readonly at: Float64Array;
  readonly rating: Int8Array;
  readonly analystIndex: Map<string, number>;
  constructor(
    readonly hypotheses: number,
    analysts: readonly string[],
  ) {
    this.at = new Float64Array(hypotheses * analysts.length);
    this.rating = new Int8Array(hypotheses * analysts.length);
    this.analystIndex = new Map(analysts.map((a, i) => [a, i]));
  }
}

/**
 * The version valid at `asOf`: the latest with `validFrom <= asOf`. Without versions, the object
 * as given (`undefined`); with versions all later than `asOf`, null (it did not exist yet).
 */
function versionAt<V extends { validFrom: string }>(versions: readonly V[] | undefined, asOf: number | undefined): V | undefined | null {
  if (!versions || versions.length === 0) return undefined;
  let best: V | null = null;
  let bestAt = Number.NEGATIVE_INFINITY;
  for (const v of versions) {
    const at = toInstant(v.validFrom);
    if (asOf !== undefined && at > asOf) continue;
    if (at >= bestAt) {
      best = v;
      bestAt = at;
    }
  }
  return best;
}

function earliest<V extends { validFrom: string }>(versions: readonly V[] | undefined): V | undefined {
  let best: V | undefined;
  for (const v of versions ?? []) if (!best || toInstant(v.validFrom) < toInstant(best.validFrom)) best = v;
  return best;
}

function hypothesesAt(hypotheses: readonly HypothesisInput[], asOf: number | undefined): HypothesisInput[] {
  const out: HypothesisInput[] = [];
  for (const h of hypotheses) {
    if (asOf !== undefined && h.createdAt !== undefined && toInstant(h.createdAt) > asOf) continue;
    const version: HypothesisVersion | undefined | null = versionAt(h.versions, asOf);
    if (version === null || version?.deleted) continue;
    if (version === undefined) {
      out.push(h);
      continue;
    }
    const { prior: _prior, ...rest } = h;
    out.push({
      ...rest,
      name: version.name ?? h.name,
      status: version.status,
      ...(version.prior !== undefined ? { prior: version.prior } : {}),
    });
  }
  return out;
}

function prepareEvidence(
  e: EvidenceInput,
  version: EvidenceVersion | undefined,
  index: ReadonlyMap<string, number>,
  config: AssessmentConfig,
  asOf: number | undefined,
  scratch: Scratch,
): PreparedEvidence {
  const grading = version ?? e;
  const { ratingH, ratingA, ratingR, byAnalyst, analystStart } = latestRatings(e, asOf, index, scratch);
  const creditedWeight = grading.weight ?? 1;
  const discredited = grading.discredited === true;
  return {
    id: e.id,
    name: e.name,
    discredited,
    weight: discredited ? creditedWeight * config.discreditedFactor : creditedWeight,
    creditedWeight,
    reliability: sourceReliability(grading, config),
    group: e.id,
    duplicateOf: [],
    nearDuplicateOf: [],
    ratingH,
    ratingA,
    ratingR,
    byAnalyst,
    analystStart,
  };
}

/** r = reliability factor × credibility factor; an absent grade counts as a medium one. */
export function sourceReliability(
  grading: Pick<EvidenceInput, 'reliability' | 'credibility'>,
  config: AssessmentConfig,
): number {
  const reliability = grading.reliability === undefined ? config.unassessedFactor : config.reliabilityFactor[grading.reliability];
  const credibility =
    grading.credibility === undefined ? config.unassessedFactor : config.credibilityFactor[`${grading.credibility}`];
  return reliability * credibility;
}

/**
 * Per (hypothesis, analyst), the latest rating given by `asOf` (a rating without a date counts
 * from the item's `knownAt`); compact arrays sorted by hypothesis then analyst. Ratings of
 * hypotheses not in the case (created later) are left out.
 */
function latestRatings(e: EvidenceInput, asOf: number | undefined, index: ReadonlyMap<string, number>, scratch: Scratch) {
  const { at, rating, analystIndex } = scratch;
  at.fill(Number.NEGATIVE_INFINITY);
  const known = toInstant(e.knownAt);
  const width = analystIndex.size;
  let count = 0;
  for (const r of e.ratings) {
    const h = index.get(r.hypothesisId);
    if (h === undefined) continue;
    const when = r.ratedAt === undefined ? known : toInstant(r.ratedAt);
    if (asOf !== undefined && when > asOf) continue;
    const slot = h * width + analystIndex.get(r.analyst)!;
    if (at[slot] === Number.NEGATIVE_INFINITY) count += 1;
    if (when > at[slot]! || at[slot] === Number.NEGATIVE_INFINITY) {
      at[slot] = when;
      rating[slot] = RATING_INDEX[r.rating];
    }
  }
  const ratingH = new Int32Array(count);
  const ratingA = new Int32Array(count);
  const ratingR = new Uint8Array(count);
  const analystStart = new Int32Array(width + 1);
  let k = 0;
  for (let slot = 0; slot < at.length && k < count; slot += 1) {
    if (at[slot] === Number.NEGATIVE_INFINITY) continue;
    ratingH[k] = Math.floor(slot / width);
    ratingA[k] = slot % width;
    ratingR[k] = rating[slot]!;
    analystStart[(slot % width) + 1]! += 1;
    k += 1;
  }
  for (let a = 0; a < width; a += 1) analystStart[a + 1]! += analystStart[a]!;
  const byAnalyst = new Int32Array(count);
  const next = analystStart.slice(0, width);
  for (let j = 0; j < count; j += 1) byAnalyst[next[ratingA[j]!]!++] = j;
  return { ratingH, ratingA, ratingR, byAnalyst, analystStart };
}

/** Lower case, letters and digits only, single spaces: the name two duplicates share. */
export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Dependency groups (union–find over the evidence known now): the same `sourceKey`, a
 * `derivedFrom` link, or the same normalised name (an exact duplicate). Near duplicates (word
 * sets with Jaccard >= threshold) are flagged, not grouped.
 */
function assignGroups(evidence: PreparedEvidence[], inputs: readonly EvidenceInput[], config: AssessmentConfig): void {
  const position = new Map(evidence.map((e, i) => [e.id, i]));
  const parent = evidence.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[i] !== root) {
      const next = parent[i]!;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const bySource = new Map<string, number>();
  const byName = new Map<string, number[]>();
  for (const input of inputs) {
    const i = position.get(input.id);
    if (i === undefined) continue;
    if (input.sourceKey !== undefined && input.sourceKey !== '') {
      const first = bySource.get(input.sourceKey);
      if (first === undefined) bySource.set(input.sourceKey, i);
      else union(first, i);
    }
    for (const ref of input.derivedFrom ?? []) {
      const j = position.get(ref);
      if (j !== undefined) union(i, j);
    }
    const name = normaliseName(input.name);
    if (name === '') continue;
    const same = byName.get(name);
    if (same) same.push(i);
    else byName.set(name, [i]);
  }
  for (const members of byName.values()) {
    if (members.length < 2) continue;
    for (const i of members) {
      union(members[0]!, i);
      evidence[i]!.duplicateOf = members.filter((j) => j !== i).map((j) => evidence[j]!.id).sort(compareIds);
    }
  }
  evidence.forEach((e, i) => {
    e.group = evidence[find(i)]!.id;
  });
  flagNearDuplicates(evidence, config.nearDuplicateThreshold);
}

/**
 * Pairs of items whose name word sets have a Jaccard index >= `threshold` and are not exact
 * duplicates. Prefix filtering (Chaudhuri et al. 2006): words ordered rarest first, a pair can
 * only reach the threshold if it shares one of the first |A| − ⌈t·|A|⌉ + 1 words of each set.
 */
function flagNearDuplicates(evidence: PreparedEvidence[], threshold: number): void {
  const sets = evidence.map((e) => [...new Set(normaliseName(e.name).split(' ').filter((w) => w !== ''))]);
  const frequency = new Map<string, number>();
  for (const words of sets) for (const w of words) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const rarestFirst = (a: string, b: string) => (frequency.get(a)! - frequency.get(b)!) || compareIds(a, b);
  const index = new Map<string, number[]>();
  const found = evidence.map(() => new Set<number>());
  sets.forEach((words, i) => {
    if (words.length === 0) return;
    const ordered = [...words].sort(rarestFirst);
    const prefix = ordered.slice(0, words.length - Math.ceil(threshold * words.length) + 1);
    const candidates = new Set<number>();
    for (const w of prefix) for (const j of index.get(w) ?? []) candidates.add(j);
    for (const j of candidates) {
      const other = new Set(sets[j]);
      const shared = words.filter((w) => other.has(w)).length;
      const jaccard = shared / (words.length + other.size - shared);
      if (jaccard >= threshold && !evidence[i]!.duplicateOf.includes(evidence[j]!.id)) {
        found[i]!.add(j);
        found[j]!.add(i);
      }
    }
    for (const w of prefix) {
      const list = index.get(w);
      if (list) list.push(i);
      else index.set(w, [i]);
    }
  });
  evidence.forEach((e, i) => {
    e.nearDuplicateOf = [...found[i]!].map((j) => evidence[j]!.id).sort(compareIds);
  });
}
