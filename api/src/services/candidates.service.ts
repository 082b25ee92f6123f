/**
 * Candidate actors for an incident (docs/candidates.md): reads the incident's observed items and
 * every candidate actor's profile as the viewer may see them (api/src/graph/candidates.*), ranks
 * them with the pure scorer (api/src/domain/candidates), exports ATT&CK Navigator layers, and
 * turns chosen candidates into hypotheses with machine-rated evidence through the case service
 * (the one path of every case mutation: validation, audit, events).
 */
import {
  CANDIDATE_CONFIG,
  PROFILE_ITEM_TYPES,
  buildProfiles,
  itemOf,
  navigatorLayer,
  rankCandidates,
  victimologyItems,
  type ActorFacts,
  type ActorProfile,
  type ActorType,
  type Candidate,
  type CandidateRanking,
  type Channel,
  type NavigatorLayer,
  type ProfileItem,
} from '../domain/candidates';
import { ValidationError, NotFoundError, type Issue } from '../errors';
import {
  readActorFacts,
  readDeadRelationships,
  readGraphStamp,
  readIncidentObserved,
  readItemDetails,
  type ActorFactsRecord,
  type ItemDetailsRecord,
} from '../graph/candidates.repository';
import type { Graph } from '../graph/driver';
import type { Logger } from '../logger';
import type { CaseService } from './case.service';
import type { CaseRecord, EvidenceRecord, HypothesisRecord } from './case-model';
import { makeViewer, requireRole, type Viewer } from './viewer';

export const CANDIDATE_LIMITS = Object.freeze({ defaultFirst: 20, maxFirst: 500, maxChosen: 20 });
/** Longest life of cached actor profiles, even when the graph's stamp is unchanged. */
const PROFILE_CACHE_MS = 60_000;

/** The analyst name under which the method rates the evidence it creates. */
export const MACHINE_ANALYST = 'candidate-ranking (machine)';
/** Labels of what the method creates. */
export const MACHINE_LABEL = 'machine-generated';
export const CANDIDATE_HYPOTHESIS_LABEL = 'candidate-actor';
export const channelEvidenceLabel = (channel: Channel) => `candidate-channel:${channel}`;

export interface CandidateOptions {
  first?: number | null;
  asOf?: string | null;
}

export interface CandidateResult extends CandidateRanking {
  incident: { id: string; name: string | null };
  asOf: string | null;
  /** Every profile by actor id (for layers and hypotheses); not part of the API answer. */
  profileItems: ReadonlyMap<string, readonly ProfileItem[]>;
  /** Every actor compared, by id. */
  actors: ReadonlyMap<string, { id: string; type: ActorType; name: string }>;
  /** Motivation and threat-actor types by actor id (for the proposed hypothesis category). */
  actorTraits: ReadonlyMap<string, { primaryMotivation: string | null; threatActorTypes: string[] }>;
}

export interface CreateCandidateHypothesesInput {
  incidentId: string;
  /** STIX ids of ranked candidates (intrusion-set or threat-actor). */
  actorIds: string[];
  asOf?: string | null;
}

export interface CandidateHypotheses {
  hypotheses: HypothesisRecord[];
  /** The channel evidence items rated (created now or reused from an earlier call). */
  evidence: EvidenceRecord[];
}

export interface CandidateService {
  rank(incidentId: string, viewer: Viewer, options?: CandidateOptions): Promise<CandidateResult>;
  /** The incident's techniques, or (with `actorId`) their comparison with a candidate's. */
  navigatorLayer(incidentId: string, viewer: Viewer, options?: { actorId?: string | null; asOf?: string | null }): Promise<NavigatorLayer>;
  /** The same from a ranking already made (its viewer's). */
  layerOf(result: CandidateResult, actorId: string | null): NavigatorLayer;
  createHypotheses(input: CreateCandidateHypothesesInput, viewer: Viewer): Promise<CandidateHypotheses>;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const ACTOR_TYPES = new Set<string>(['intrusion-set', 'threat-actor', 'campaign']);
const HYPOTHESIS_ACTOR_TYPES = new Set<string>(['intrusion-set', 'threat-actor']);

function parseJson(raw: string | null): Record<string, unknown> {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
const strOf = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const stringsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The profile items a graph object stands for: itself, plus victimology values of identities and locations. */
function expand(d: ItemDetailsRecord): ProfileItem[] {
  const self = itemOf({ id: d.id, type: d.type, name: d.name, externalIds: d.externalIds });
  if (!self) return [];
  if (d.type !== 'identity' && d.type !== 'location') return [self];
  const raw = parseJson(d.raw);
  return [self, ...victimologyItems(raw), ...d.locations.flatMap((l) => victimologyItems(parseJson(l)))];
}

/**
 * The hypothesis category proposed for an actor: from a threat actor's `threat_actor_types`, else
 * its `primary_motivation`; `unknown` when neither says (every ATT&CK group): the analyst decides.
 */
export function proposedCategory(threatActorTypes: readonly string[], motivation: string | null): string {
  const t = new Set(threatActorTypes);
  if (t.has('nation-state') || t.has('spy')) return 'foreign-interference';
  if (t.has('insider-accidental') || t.has('insider-disgruntled')) return 'insider';
  if (t.has('crime-syndicate') || t.has('criminal')) return 'cybercrime';
  if (t.has('activist') || t.has('terrorist') || t.has('hacker')) return 'state-challenger';
  switch (motivation) {
    case 'personal-gain':
      return 'cybercrime';
    case 'dominance':
      return 'foreign-interference';
    case 'ideology':
    case 'notoriety':
    case 'revenge':
    case 'coercion':
      return 'state-challenger';
    default:
      return 'unknown';
  }
}

/**
 * The rating the method gives a channel's evidence against a candidate, from the channel's score
 * on the probability scale (score / temperature, a log-likelihood ratio): ≥ 2 CC, ≥ 0.5 C,
 * > −0.5 N, > −2 I, else II. The engine's likelihood ratios are C/N = 1.4 (ln 0.34) and CC/N = 1.8
 * (ln 0.59): the engine, not the rating, decides how much the channel moves the posterior.
 */
export function channelRating(channelScore: number, temperature: number): 'CC' | 'C' | 'N' | 'I' | 'II' {
  const llr = channelScore / temperature;
  if (llr >= 2) return 'CC';
  if (llr >= 0.5) return 'C';
  if (llr > -0.5) return 'N';
  if (llr > -2) return 'I';
  return 'II';
}

/** What the operations below need, made once by createCandidateService. */
interface CandidateDeps {
  graph: Graph;
  /** The candidates area's child logger. */
  log: Logger;
  cases: CaseService;
  /** Actor profiles per clearance rank (see CachedSide). */
  profileCache: Map<number, CachedSide>;
}

export function createCandidateService(serviceDeps: { graph: Graph; logger: Logger; cases: CaseService }): CandidateService {
  const deps: CandidateDeps = {
    graph: serviceDeps.graph,
    log: serviceDeps.logger.child({ area: 'candidates' }),
    cases: serviceDeps.cases,
    profileCache: new Map(),
  };
  return {
    rank: (incidentId, viewer, options) => rank(deps, incidentId, viewer, options),
    async navigatorLayer(incidentId, viewer, options = {}) {
      const result = await rank(deps, incidentId, viewer, { first: CANDIDATE_LIMITS.maxFirst, asOf: options.asOf ?? null });
      return layerOf(result, options.actorId ?? null);
    },
    layerOf,
    createHypotheses: (input, viewer) => createHypotheses(deps, input, viewer),
  };
}

function check(incidentId: string, options: CandidateOptions): { first: number; asOf: string | null } {
  const issues: Issue[] = [];
  if (typeof incidentId !== 'string' || incidentId.trim() === '' || incidentId.length > 320) {
    issues.push({ objectId: null, path: 'incidentId', message: 'must be a STIX id of at most 320 characters' });
  }
  const first = options.first ?? CANDIDATE_LIMITS.defaultFirst;
  if (!Number.isInteger(first) || first < 1 || first > CANDIDATE_LIMITS.maxFirst) {
    issues.push({ objectId: incidentId ?? null, path: 'first', message: `must be an integer from 1 to ${CANDIDATE_LIMITS.maxFirst}` });
  }
  const asOf = options.asOf ?? null;
  if (asOf !== null && (!RFC3339.test(asOf) || Number.isNaN(Date.parse(asOf)))) {
    issues.push({ objectId: incidentId ?? null, path: 'asOf', message: 'must be an RFC 3339 timestamp with a time zone' });
  }
  if (issues.length > 0) throw new ValidationError(`Cannot rank candidates: ${issues[0]!.path} ${issues[0]!.message}`, issues);
  return { first, asOf: asOf === null ? null : new Date(asOf).toISOString() };
}

/**
 * Actor profiles per clearance rank (only for "now", not for `asOf`), valid while the graph's
 * count-store stamp is unchanged and for at most PROFILE_CACHE_MS: reading every actor's profile
 * costs ~0.3–3 s on ATT&CK (measured, docs/candidates.md), ranking against it a few ms.
 */
interface CachedSide { stamp: string; at: number; profiles: ActorProfile[]; deadRelationships: string[] }

function factsOf(actors: readonly ActorFactsRecord[], itemsOf: (ids: readonly string[]) => ProfileItem[]): ActorFacts[] {
  return actors
    .filter((a) => ACTOR_TYPES.has(a.type))
    .map((a) => {
      const raw = parseJson(a.raw);
      return {
        id: a.id,
        type: a.type as ActorType,
        name: a.name ?? a.id,
        items: itemsOf([...a.items, ...a.indicators]),
        attributedTo: a.attributedTo,
        firstSeen: strOf(raw.first_seen),
        lastSeen: strOf(raw.last_seen),
        primaryMotivation: strOf(raw.primary_motivation),
        threatActorTypes: stringsOf(raw.threat_actor_types),
      };
    });
}

/** Profile items of the given graph ids (dead items dropped; identities and locations expanded). */
function itemsFrom(details: readonly ItemDetailsRecord[]) {
  const expanded = new Map(details.filter((d) => d.live).map((d) => [d.id, expand(d)]));
  return (ids: readonly string[]) => {
    const out = new Map<string, ProfileItem>();
    for (const id of ids) for (const item of expanded.get(id) ?? []) out.set(item.id, item);
    return [...out.values()];
  };
}

async function rank(deps: CandidateDeps, incidentId: string, viewer: Viewer, options: CandidateOptions = {}): Promise<CandidateResult> {
  const { graph, log, profileCache } = deps;
  const { first, asOf } = check(incidentId, options);
  const read = await graph.read(
    async (tx) => {
      // Cached actor profiles (and dead relationships) for "now", while the graph's stamp holds.
      let cached: CachedSide | null = null;
      let stamp: string | null = null;
      if (asOf === null) {
        stamp = await readGraphStamp(tx);
        const hit = profileCache.get(viewer.clearanceRank);
        if (hit && hit.stamp === stamp && Date.now() - hit.at < PROFILE_CACHE_MS) cached = hit;
      }
      const deadRelationships = cached?.deadRelationships ?? (await readDeadRelationships(tx, asOf));
      const params = { maxRank: viewer.clearanceRank, asOf, itemTypes: PROFILE_ITEM_TYPES, deadRelationships };
      const incident = await readIncidentObserved(tx, incidentId, params);
      if (!incident) return null;
      let profiles = cached?.profiles ?? null;
      if (!profiles) {
        const actors = await readActorFacts(tx, params);
        const ids = new Set<string>();
        for (const a of actors) for (const id of [...a.items, ...a.indicators]) ids.add(id);
        const details = await readItemDetails(tx, [...ids], viewer.clearanceRank, asOf);
        profiles = buildProfiles(factsOf(actors, itemsFrom(details)));
        if (stamp !== null) profileCache.set(viewer.clearanceRank, { stamp, at: Date.now(), profiles, deadRelationships });
      }
      const observedDetails = await readItemDetails(tx, [...new Set(incident.observed.map((o) => o.id))], viewer.clearanceRank, asOf);
      return { incident, profiles, observed: itemsFrom(observedDetails)(incident.observed.map((o) => o.id)) };
    },
    { metadata: { op: 'candidates' } },
  );
  if (!read) throw new NotFoundError(`No incident ${incidentId} that you may see.`);

  const { profiles, observed } = read;
  const incidentRaw = parseJson(read.incident.raw);
  const ranking = rankCandidates(profiles, { items: observed, time: strOf(incidentRaw.first_seen) ?? strOf(incidentRaw.created) }, { first });
  log.debug({ incidentId, actors: profiles.length, observed: observed.length }, 'candidates ranked');
  return {
    ...ranking,
    incident: { id: incidentId, name: strOf(incidentRaw.name) },
    asOf,
    profileItems: new Map(profiles.map((p) => [p.id, [...p.items.values()]])),
    actors: new Map(profiles.map((p) => [p.id, { id: p.id, type: p.type, name: p.name }])),
    actorTraits: new Map(profiles.map((p) => [p.id, { primaryMotivation: p.primaryMotivation, threatActorTypes: p.threatActorTypes }])),
  };
}

function layerOf(result: CandidateResult, actorId: string | null): NavigatorLayer {
  let candidate: { candidate: Candidate; techniques: readonly ProfileItem[] } | null = null;
  if (actorId !== null) {
    const items = result.profileItems.get(actorId);
    const actor = result.actors.get(actorId);
    if (!items || !actor) throw new NotFoundError(`No candidate actor ${actorId} that you may see.`);
    // An actor that shares nothing still gets a comparison layer (rank 0, score 0).
    const listed = result.candidates.find((x) => x.actor.id === actorId);
    const fallback: Candidate = { actor, rank: 0, score: 0, probability: 0, shared: [], missing: [], missingPenalty: 0, channels: [], carriedBy: null };
    candidate = { candidate: listed ?? fallback, techniques: items };
  }
  return navigatorLayer({ incidentName: result.incident.name ?? result.incident.id, observed: result.observed, candidate });
}

async function createHypotheses(deps: CandidateDeps, input: CreateCandidateHypothesesInput, viewer: Viewer): Promise<CandidateHypotheses> {
  const { cases } = deps;
  requireRole(viewer, 'analyst');
  const issues: Issue[] = [];
  const ids = Array.isArray(input.actorIds) ? input.actorIds : [];
  if (ids.length === 0 || ids.length > CANDIDATE_LIMITS.maxChosen) {
    issues.push({ objectId: input.incidentId, path: 'actorIds', message: `must name 1 to ${CANDIDATE_LIMITS.maxChosen} candidates` });
  }
  if (new Set(ids).size !== ids.length) issues.push({ objectId: input.incidentId, path: 'actorIds', message: 'names a candidate twice' });
  const result = await rank(deps, input.incidentId, viewer, { first: CANDIDATE_LIMITS.maxFirst, asOf: input.asOf ?? null });
  const chosen: Candidate[] = [];
  ids.forEach((id, i) => {
    const c = result.candidates.find((x) => x.actor.id === id);
    if (!c) issues.push({ objectId: id, path: `actorIds[${i}]`, message: `${id} is not a candidate of this incident that you may see (it shares nothing with it)` });
    else if (!HYPOTHESIS_ACTOR_TYPES.has(c.actor.type)) {
      issues.push({ objectId: id, path: `actorIds[${i}]`, message: `${c.actor.name} is a ${c.actor.type}; a hypothesis names an intrusion-set or threat-actor (choose the group the campaign is attributed to)` });
    } else chosen.push(c);
  });
  const existing = await cases.incident(input.incidentId, viewer);
  const already = new Set(existing.hypotheses.filter((h) => h.labels.includes(CANDIDATE_HYPOTHESIS_LABEL)).flatMap((h) => h.candidateRefs));
  ids.forEach((id, i) => {
    if (already.has(id)) issues.push({ objectId: id, path: `actorIds[${i}]`, message: `the incident already has a candidate hypothesis for ${id}` });
  });
  if (issues.length > 0) throw new ValidationError(`Cannot create candidate hypotheses: ${issues[0]!.path} ${issues[0]!.message}`, issues);

  const hypotheses: HypothesisRecord[] = [];
  for (const c of chosen) {
    const traits = result.actorTraits.get(c.actor.id);
    const channels = c.channels.map((ch) => `${ch.channel} ${ch.score.toFixed(2)}`).join(', ');
    hypotheses.push(
      await cases.createHypothesis(
        {
          incidentId: input.incidentId,
          name: `${c.actor.name} (candidate from the graph)`.slice(0, 500),
          category: proposedCategory(traits?.threatActorTypes ?? [], traits?.primaryMotivation ?? null),
          description:
            `Proposed by the candidate ranking (docs/candidates.md): rank ${c.rank}, score ${c.score.toFixed(2)}, ` +
            `probability ${(c.probability * 100).toFixed(1)}% (channels: ${channels}). ` +
            `Shared: ${c.shared.slice(0, 10).map((s) => s.item.externalId ?? s.item.name ?? s.item.id).join(', ')}.`,
          candidateRefs: [c.actor.id],
          labels: [MACHINE_LABEL, CANDIDATE_HYPOTHESIS_LABEL],
          rationale: result.explanation.join(' '),
        },
        viewer,
      ),
    );
  }
  const evidence = await rateChannelEvidence(cases, input.incidentId, viewer, result, existing, chosen, hypotheses);
  return { hypotheses, evidence };
}

/**
 * One evidence item per channel for the whole incident, so a channel counts once in the
 * assessment however many items it holds; reused by later calls. The method rates it against
 * each new hypothesis (hypotheses[i] proposes chosen[i]).
 */
async function rateChannelEvidence(
  cases: CaseService,
  incidentId: string,
  viewer: Viewer,
  result: CandidateResult,
  existing: CaseRecord,
  chosen: readonly Candidate[],
  hypotheses: readonly HypothesisRecord[],
): Promise<EvidenceRecord[]> {
  const machine = makeViewer(viewer.id, MACHINE_ANALYST, 'analyst', viewer.clearance);
  const channelsUsed = new Set<Channel>(chosen.flatMap((c) => c.shared.map((s) => s.channel)));
  const evidence: EvidenceRecord[] = [];
  const ratedHypotheses = hypotheses.map((h, i) => ({ hypothesisId: h.id, candidate: chosen[i]! }));
  for (const channel of channelsUsed) {
    const label = channelEvidenceLabel(channel);
    let item = existing.evidence.find((e) => e.labels.includes(label) && e.labels.includes(MACHINE_LABEL));
    const refs = [...new Set(result.observed.filter((o) => o.channel === channel && o.id.includes('--')).map((o) => o.id))].slice(0, 1000);
    if (!item) {
      item = await cases.createEvidence(
        {
          incidentId,
          name: `Observed ${channel} items, as the candidate ranking reads them`,
          kind: 'judgement',
          collectedAt: new Date().toISOString(),
          description:
            `Machine-generated by the candidate ranking: the incident's observed ${channel} items (${refs.length}), ` +
            `rated against candidate hypotheses by "${MACHINE_ANALYST}" from the channel's share of each candidate's score. Edit or discredit it like any evidence.`,
          objectRefs: refs,
          labels: [MACHINE_LABEL, label],
        },
        viewer,
      );
    }
    for (const { hypothesisId, candidate } of ratedHypotheses) {
      const score = candidate.channels.find((x) => x.channel === channel)?.score ?? 0;
      item = await cases.rateEvidence(
        {
          evidenceId: item.id,
          hypothesisId,
          rating: channelRating(score, CANDIDATE_CONFIG.temperature),
          rationale: `${channel} score ${score.toFixed(2)} for ${candidate.actor.name}: ${candidate.shared.filter((s) => s.channel === channel).slice(0, 5).map((s) => `${s.item.externalId ?? s.item.name ?? s.item.id} (+${s.weight.toFixed(2)})`).join(', ') || 'nothing shared'}`,
        },
        machine,
      );
    }
    evidence.push(item);
  }
  return evidence;
}
