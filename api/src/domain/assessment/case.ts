import { applyFloor, coherentiseValues, compareIds } from './probability';
import { knownBy, toInstant } from './time';
import {
  OTHER_HYPOTHESIS_ID,
  type AssessmentConfig,
  type AssessmentInput,
  type EvidenceInput,
  type EvidenceVersion,
  type HypothesisInput,
  type HypothesisVersion,
  type Rating,
} from './types';

/** One analyst's rating in force for one cell. */
export interface CellRating {
  analyst: string;
  rating: Rating;
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
  /** Per hypothesis (aligned with PreparedCase.hypotheses): the ratings in force, by analyst. */
  cells: CellRating[][];
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
  const evidence: PreparedEvidence[] = [];
  for (const e of input.evidence) {
    if (!knownBy(e.knownAt, asOf)) continue;
    const version = versionAt(e.versions, asOf);
    if (version === null) continue;
    evidence.push(prepareEvidence(e, version, index, config, asOf, analyst));
  }
  evidence.sort((a, b) => compareIds(a.id, b.id));
  assignGroups(evidence, input.evidence, config);
  const priors = applyFloor(coherentiseValues(hypotheses.map((h) => h.prior)), config.priorFloor);
  return { hypotheses, other: hypotheses.map((h) => h.category === 'unknown'), priors, evidence };
}

/** The same case seen through one analyst's ratings only (groups and weights unchanged). */
export function restrictToAnalyst(c: PreparedCase, analyst: string): PreparedCase {
  return {
    ...c,
    evidence: c.evidence.map((e) => ({ ...e, cells: e.cells.map((cell) => cell.filter((r) => r.analyst === analyst)) })),
  };
}

/** The same case without one analyst's ratings (groups and weights unchanged). */
export function withoutAnalyst(c: PreparedCase, analyst: string): PreparedCase {
  return {
    ...c,
    evidence: c.evidence.map((e) => ({ ...e, cells: e.cells.map((cell) => cell.filter((r) => r.analyst !== analyst)) })),
  };
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

function hypothesesAt(hypotheses: readonly HypothesisInput[], asOf: number | undefined): HypothesisInput[] {
  const out: HypothesisInput[] = [];
  for (const h of hypotheses) {
    if (asOf !== undefined && h.createdAt !== undefined && toInstant(h.createdAt) > asOf) continue;
    const version: HypothesisVersion | undefined | null = versionAt(h.versions, asOf);
    if (version === null) continue;
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
  analyst: string | undefined,
): PreparedEvidence {
  const grading = version ?? e;
  const cells: CellRating[][] = Array.from({ length: index.size }, () => []);
  for (const r of latestRatings(e, asOf, analyst)) {
    const h = index.get(r.hypothesisId);
    if (h !== undefined) cells[h]!.push({ analyst: r.analyst, rating: r.rating });
  }
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
    cells,
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

/** Per (analyst, hypothesis), the latest rating given by `asOf`; sorted by analyst. */
function latestRatings(e: EvidenceInput, asOf: number | undefined, analyst: string | undefined) {
  const known = toInstant(e.knownAt);
  const latest = new Map<string, { hypothesisId: string; analyst: string; rating: Rating; at: number }>();
  for (const r of e.ratings) {
    if (analyst !== undefined && r.analyst !== analyst) continue;
    const at = r.ratedAt === undefined ? known : toInstant(r.ratedAt);
    if (asOf !== undefined && at > asOf) continue;
    const key = `${r.analyst}\u0000${r.hypothesisId}`;
    const current = latest.get(key);
    if (!current || at > current.at) latest.set(key, { hypothesisId: r.hypothesisId, analyst: r.analyst, rating: r.rating, at });
  }
  return [...latest.values()].sort((a, b) => compareIds(a.analyst, b.analyst));
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
