/**
 * Types of candidate-actor ranking (docs/candidates.md). Pure data: the graph layer fills them
 * from Neo4j, the bench from an ATT&CK bundle, tests by hand.
 */

/** What kind of evidence an item is; each channel has its own weight (config.ts). */
export type Channel = 'technique' | 'software' | 'infrastructure' | 'victimology' | 'time';
export const CHANNELS: readonly Channel[] = ['technique', 'software', 'infrastructure', 'victimology', 'time'];

/** Actor types that can be candidates. */
export type ActorType = 'intrusion-set' | 'threat-actor' | 'campaign';
export const ACTOR_TYPES: readonly ActorType[] = ['intrusion-set', 'threat-actor', 'campaign'];

/**
 * One thing an actor is known for or an incident is known to involve: a graph object (an
 * attack-pattern, a malware, an IP address…) or a victimology value derived from one
 * (`sector:government-national`, `country:FR`), which has no STIX id of its own.
 */
export interface ProfileItem {
  /** STIX id, or `sector:<value>` / `country:<ISO code>` for victimology values. */
  id: string;
  /** STIX type (`attack-pattern`, `malware`…), or `sector` / `country`. */
  type: string;
  name: string | null;
  channel: Channel;
  /**
   * The parent ATT&CK technique id of a technique (`T1078` for T1078 and for T1078.004): an
   * observed sub-technique earns partial credit from actors known for a sibling or the parent.
   * Null for everything else.
   */
  family: string | null;
  /** ATT&CK id (T1078.004, S0002…) when the item has one: for Navigator layers and display. */
  externalId?: string | null;
}

/** What the graph says about one actor, before inheritance (profiles.ts). */
export interface ActorFacts {
  id: string;
  type: ActorType;
  name: string;
  /** Items through the actor's own `uses`, `targets` and incoming `indicates`. */
  items: ProfileItem[];
  /** Actors this one is `attributed-to` (a campaign → its group; a group → its threat actor). */
  attributedTo: string[];
  /** Active period (`first_seen` / `last_seen`), RFC 3339, when known. */
  firstSeen: string | null;
  lastSeen: string | null;
  /** `primary_motivation` (threat-actor, intrusion-set, campaign has none). */
  primaryMotivation: string | null;
  /** `threat_actor_types` of a threat-actor. */
  threatActorTypes: string[];
}

/** An actor with everything that counts toward it. */
export interface ActorProfile {
  id: string;
  type: ActorType;
  name: string;
  items: ReadonlyMap<string, ProfileItem>;
  /** Technique families (parent ATT&CK ids) of the actor's techniques. */
  families: ReadonlySet<string>;
  /** False when the actor is attributed to another candidate: its items already count there. */
  root: boolean;
  firstSeen: string | null;
  lastSeen: string | null;
  primaryMotivation: string | null;
  threatActorTypes: string[];
}

/** An incident's observed profile. */
export interface IncidentProfile {
  items: ProfileItem[];
  /** When the incident happened (first_seen, else created), for the time channel; null: unknown. */
  time: string | null;
}

export type MatchKind = 'exact' | 'family';

export interface SharedItem {
  item: ProfileItem;
  channel: Channel;
  /** Contribution to the score (> 0). */
  weight: number;
  /** Exact match, or a sibling/parent technique of the observed one (partial credit). */
  match: MatchKind;
  /** How many actors (attribution roots) have the item (for a family match: the family). */
  actorsWithItem: number;
}

export interface MissingItem {
  item: ProfileItem;
  /** What its absence costs the score (> 0; subtracted). */
  weight: number;
}

export interface ChannelScore {
  channel: Channel;
  score: number;
}

export interface Candidate {
  actor: { id: string; type: ActorType; name: string };
  /** 1 = best. */
  rank: number;
  score: number;
  probability: number;
  /** Shared items, largest contribution first. */
  shared: SharedItem[];
  /** The actor's most distinctive items not observed, largest penalty first (at most MAX_MISSING_LISTED). */
  missing: MissingItem[];
  /** Total of the missing penalties (all of them, not only those listed). */
  missingPenalty: number;
  /** Score per channel (the missing penalty counted in the channel of each item). */
  channels: ChannelScore[];
  /** The channel with the largest positive score, null when nothing is shared. */
  carriedBy: Channel | null;
}

export interface CandidateRanking {
  candidates: Candidate[];
  /** "None of these / an actor not in the graph": everything not on the list. */
  unknownProbability: number;
  /** The part of unknownProbability that is "an actor not in the graph" (the rest: actors not listed). */
  outsideGraphProbability: number;
  observed: ProfileItem[];
  /** Whether the leading candidate stands out (see config STAND_OUT); false also with no candidate. */
  standsOut: boolean;
  /** Plain sentences: what the ranking says and how much to trust it. */
  explanation: string[];
  /** Actors scored (every visible candidate actor), and attribution roots among them. */
  actorsConsidered: number;
  rootActors: number;
}
