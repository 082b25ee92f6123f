/**
 * Candidate ranking: which known actors fit an incident's observed profile, how much, and why.
 *
 * Specificity of an item i: w(i) = ln((N + 1) / (df(i) + 1)), N the attribution roots (actors not
 * attributed to another candidate), df(i) how many roots have i. An item every root has weighs 0;
 * an item one root has weighs ln((N + 1) / 2) (4.5 with ATT&CK's 172 groups). A technique family
 * (parent id) has its own df: the roots having the parent or any of its sub-techniques.
 *
 * Score of actor a for observed items O:
 *   Σ exact matches i ∈ O ∩ a          channelWeight(i) × w(i)
 * + Σ families f matched only by family familyCredit × channelWeight(technique) × w_family(f)
 *   (an observed technique the actor does not have, whose family it has; once per family)
 * + time                               +channelWeight(time) when the incident falls in the actor's
 *                                      active period (± activeWindowDays), − when outside, 0 unknown
 * − Σ items j ∈ a \ O                  missingWeight × channelWeight(j) × w(j)
 *
 * Probabilities: p(a) ∝ (1 − unknownPrior) / M × exp(score(a) / temperature) over the M visible
 * actors, and "an actor not in the graph" ∝ unknownPrior × exp(0); the actors not listed add to
 * the latter, so the listed probabilities and `unknownProbability` sum to 1.
 *
 * Properties (test/unit/candidates): an item every root has changes no score; observing one more
 * item an actor has never lowers its rank; only what the caller passes counts (TLP is decided when
 * the facts are read).
 */
import { CANDIDATE_CONFIG, type CandidateConfig } from './config';
import type {
  ActorProfile,
  Candidate,
  CandidateRanking,
  Channel,
  ChannelScore,
  IncidentProfile,
  MissingItem,
  ProfileItem,
  SharedItem,
} from './types';
import { CHANNELS } from './types';

export interface RankOptions {
  /** How many candidates to list (the others add to unknownProbability). */
  first?: number;
  config?: CandidateConfig;
}

/** Document frequencies over attribution roots, computed once per set of profiles. */
export interface Specificity {
  roots: number;
  itemRoots: ReadonlyMap<string, number>;
  familyRoots: ReadonlyMap<string, number>;
}

export function specificityOf(profiles: readonly ActorProfile[]): Specificity {
  const itemRoots = new Map<string, number>();
  const familyRoots = new Map<string, number>();
  let roots = 0;
  for (const p of profiles) {
    if (!p.root) continue;
    roots += 1;
    for (const id of p.items.keys()) itemRoots.set(id, (itemRoots.get(id) ?? 0) + 1);
    for (const f of p.families) familyRoots.set(f, (familyRoots.get(f) ?? 0) + 1);
  }
  return { roots, itemRoots, familyRoots };
}

/** ln((N + 1) / (df + 1)): 0 for an item every root has. */
export function idf(roots: number, df: number): number {
  return Math.log((roots + 1) / (Math.min(df, roots) + 1));
}

interface Scored {
  profile: ActorProfile;
  score: number;
  shared: SharedItem[];
  missingPenalty: number;
  channels: Map<Channel, number>;
}

function scoreActor(
  profile: ActorProfile,
  observed: readonly ProfileItem[],
  incidentTime: string | null,
  pre: Precomputed,
  config: CandidateConfig,
): Scored {
  const spec = pre.spec;
  const channels = new Map<Channel, number>();
  const add = (c: Channel, v: number) => channels.set(c, (channels.get(c) ?? 0) + v);
  const shared: SharedItem[] = [];
  const familiesCredited = new Set<string>();
  for (const o of observed) {
    if (profile.items.has(o.id)) {
      const df = spec.itemRoots.get(o.id) ?? 0;
      const weight = config.channelWeights[o.channel] * idf(spec.roots, df);
      add(o.channel, weight);
      shared.push({ item: o, channel: o.channel, weight, match: 'exact', actorsWithItem: df });
    }
  }
  for (const o of observed) {
    if (profile.items.has(o.id) || !o.family || !profile.families.has(o.family) || familiesCredited.has(o.family)) continue;
    familiesCredited.add(o.family);
    const df = spec.familyRoots.get(o.family) ?? 0;
    const weight = config.familyCredit * config.channelWeights.technique * idf(spec.roots, df);
    add('technique', weight);
    shared.push({ item: o, channel: 'technique', weight, match: 'family', actorsWithItem: df });
  }
  const time = timeFit(profile, incidentTime, config);
  if (time !== 0) add('time', time);
  // Missing: the actor's precomputed penalty of all its items, less those observed.
  const totals = pre.missingTotals.get(profile)!;
  let missingPenalty = 0;
  for (const [channel, total] of totals) {
    let v = total;
    for (const o of observed) if (o.channel === channel && profile.items.has(o.id)) v -= missingWeightOf(o, spec, config);
    if (v > 1e-12) {
      missingPenalty += v;
      add(channel, -v);
    }
  }
  shared.sort((a, b) => b.weight - a.weight || a.item.id.localeCompare(b.item.id));
  const score = [...channels.values()].reduce((s, v) => s + v, 0);
  return { profile, score, shared, missingPenalty, channels };
}

/** What missing `item` costs: missingWeight × channel weight × specificity. */
function missingWeightOf(item: ProfileItem, spec: Specificity, config: CandidateConfig): number {
  return config.missingWeight * config.channelWeights[item.channel] * idf(spec.roots, spec.itemRoots.get(item.id) ?? 0);
}

/** The actor's missing items for display, largest penalty first (only for listed candidates). */
function missingList(profile: ActorProfile, observedIds: ReadonlySet<string>, spec: Specificity, config: CandidateConfig): MissingItem[] {
  const missing: MissingItem[] = [];
  for (const item of profile.items.values()) {
    if (observedIds.has(item.id)) continue;
    const weight = missingWeightOf(item, spec, config);
    if (weight > 0) missing.push({ item, weight });
  }
  missing.sort((a, b) => b.weight - a.weight || a.item.id.localeCompare(b.item.id));
  return missing.slice(0, config.maxMissingListed);
}

/** What depends only on the profiles (and config): specificity, each actor's total missing penalty per channel. */
interface Precomputed {
  spec: Specificity;
  missingTotals: Map<ActorProfile, Map<Channel, number>>;
}
const PRECOMPUTED = new WeakMap<readonly ActorProfile[], WeakMap<CandidateConfig, Precomputed>>();

function precompute(profiles: readonly ActorProfile[], config: CandidateConfig): Precomputed {
  let byConfig = PRECOMPUTED.get(profiles);
  if (!byConfig) PRECOMPUTED.set(profiles, (byConfig = new WeakMap()));
  const hit = byConfig.get(config);
  if (hit) return hit;
  const spec = specificityOf(profiles);
  const missingTotals = new Map<ActorProfile, Map<Channel, number>>();
  for (const p of profiles) {
    const totals = new Map<Channel, number>();
    for (const item of p.items.values()) totals.set(item.channel, (totals.get(item.channel) ?? 0) + missingWeightOf(item, spec, config));
    missingTotals.set(p, totals);
  }
  const out = { spec, missingTotals };
  byConfig.set(config, out);
  return out;
}

/** +weight inside the active period (± window), −weight outside, 0 when either side is unknown. */
function timeFit(profile: ActorProfile, incidentTime: string | null, config: CandidateConfig): number {
  if (!incidentTime || (!profile.firstSeen && !profile.lastSeen)) return 0;
  const t = Date.parse(incidentTime);
  if (Number.isNaN(t)) return 0;
  const window = config.activeWindowDays * 86_400_000;
  const from = profile.firstSeen ? Date.parse(profile.firstSeen) - window : -Infinity;
  const to = profile.lastSeen ? Date.parse(profile.lastSeen) + window : Infinity;
  return t >= from && t <= to ? config.channelWeights.time : -config.channelWeights.time;
}

const fmt = (p: number) => (p < 0.01 ? '<1%' : `${Math.round(p * 100)}%`);

export function rankCandidates(
  profiles: readonly ActorProfile[],
  incident: IncidentProfile,
  options: RankOptions = {},
): CandidateRanking {
  const config = options.config ?? CANDIDATE_CONFIG;
  const first = options.first ?? 20;
  const pre = precompute(profiles, config);
  const spec = pre.spec;
  // One observation per item (the same technique reached twice counts once).
  const observed = [...new Map(incident.items.map((i) => [i.id, i])).values()];
  const observedIds = new Set(observed.map((o) => o.id));
  const scored = profiles.map((p) => scoreActor(p, observed, incident.time, pre, config));

  // Probabilities over every visible actor plus "an actor not in the graph" (score 0). Computed in
  // log space relative to the largest term so nothing overflows.
  const m = Math.max(1, profiles.length);
  const logActorPrior = Math.log((1 - config.unknownPrior) / m);
  const logUnknown = Math.log(config.unknownPrior);
  const logs = scored.map((s) => logActorPrior + s.score / config.temperature);
  const top = Math.max(logUnknown, ...logs);
  const weights = logs.map((l) => Math.exp(l - top));
  const unknownWeight = Math.exp(logUnknown - top);
  const z = unknownWeight + weights.reduce((s, w) => s + w, 0);

  const order = scored
    .map((s, i) => ({ s, p: weights[i]! / z }))
    .filter(({ s }) => s.shared.length > 0)
    .sort((a, b) => b.s.score - a.s.score || a.s.profile.name.localeCompare(b.s.profile.name) || a.s.profile.id.localeCompare(b.s.profile.id));
  const listed = order.slice(0, Math.max(0, first));
  const candidates: Candidate[] = listed.map(({ s, p }, i) => {
    const channels: ChannelScore[] = CHANNELS.filter((c) => s.channels.has(c)).map((c) => ({ channel: c, score: s.channels.get(c)! }));
    const best = channels.filter((c) => c.score > 0).sort((a, b) => b.score - a.score)[0];
    return {
      actor: { id: s.profile.id, type: s.profile.type, name: s.profile.name },
      rank: i + 1,
      score: s.score,
      probability: p,
      shared: s.shared,
      missing: missingList(s.profile, observedIds, spec, config),
      missingPenalty: s.missingPenalty,
      channels,
      carriedBy: best?.channel ?? null,
    };
  });
  const unknownProbability = Math.max(0, 1 - candidates.reduce((sum, c) => sum + c.probability, 0));
  const outsideGraphProbability = unknownWeight / z;
  const standsOut = standsOutOf(candidates, config);
  return {
    candidates,
    unknownProbability,
    outsideGraphProbability,
    observed,
    standsOut,
    explanation: explain(candidates, observed, unknownProbability, standsOut, spec),
    actorsConsidered: profiles.length,
    rootActors: spec.roots,
  };
}

function standsOutOf(candidates: readonly Candidate[], config: CandidateConfig): boolean {
  const [lead, next] = candidates;
  if (!lead) return false;
  return lead.probability >= config.standOut && lead.probability >= 2 * (next?.probability ?? 0);
}

function explain(
  candidates: readonly Candidate[],
  observed: readonly ProfileItem[],
  unknown: number,
  standsOut: boolean,
  spec: Specificity,
): string[] {
  const out: string[] = [];
  if (observed.length === 0) {
    return [
      'The incident has no observed technique, software, infrastructure, observable or victim in the graph: nothing to compare. ' +
        'Link it (`uses`, `targets`, evidence about ATT&CK techniques) to get candidates.',
    ];
  }
  const byChannel = new Map<Channel, number>();
  for (const o of observed) byChannel.set(o.channel, (byChannel.get(o.channel) ?? 0) + 1);
  out.push(`Observed: ${[...byChannel].map(([c, n]) => `${n} ${c}${n > 1 ? ' items' : ''}`).join(', ')}; ${spec.roots} actors compared.`);
  const lead = candidates[0];
  if (!lead) {
    out.push('Nothing stands out: no actor in the graph shares anything with the incident.');
    return out;
  }
  const items = (c: Candidate) => c.shared.slice(0, 3).map((s) => `${label(s.item)} (${s.actorsWithItem} of ${spec.roots} actors)`).join(', ');
  if (standsOut) {
    out.push(`${lead.actor.name} stands out: probability ${fmt(lead.probability)}, carried by ${lead.carriedBy ?? 'nothing'}: ${items(lead)}.`);
  } else {
    const next = candidates[1];
    out.push(
      `Nothing stands out: the leading candidate, ${lead.actor.name}, has ${fmt(lead.probability)}` +
        (next ? ` (next: ${next.actor.name}, ${fmt(next.probability)})` : '') +
        `, and an actor not in the graph or none of these keeps ${fmt(unknown)}.`,
    );
  }
  const common = observed
    .map((o) => ({ o, df: spec.itemRoots.get(o.id) ?? 0 }))
    .filter(({ df }) => spec.roots > 0 && df / spec.roots >= 0.1)
    .sort((a, b) => b.df - a.df)
    .slice(0, 3);
  if (common.length > 0) {
    out.push(`Common, so weak: ${common.map(({ o, df }) => `${label(o)} is known for ${df} of ${spec.roots} actors`).join('; ')}.`);
  }
  if (observed.every((o) => o.channel === 'technique')) {
    out.push('Only techniques were observed: techniques are shared by many actors, so a ranking on techniques alone is often wrong; software, infrastructure and victimology weigh more.');
  }
  return out;
}

function label(item: ProfileItem): string {
  const name = item.name ?? item.id;
  return item.externalId ? `${item.externalId} ${name}` : name;
}
