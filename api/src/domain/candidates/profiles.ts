/**
 * Actor profiles from graph facts: what counts toward an actor is what it did itself plus what
 * every actor attributed to it did (a campaign attributed to a group counts toward the group; a
 * threat actor inherits what its intrusion sets and their campaigns did), transitively, cycles
 * ignored. An actor attributed to another candidate is not a "root": its items already count in
 * its root's profile, so specificity (how many actors have an item) counts roots only.
 */
import type { ActorFacts, ActorProfile, Channel, ProfileItem } from './types';

export function buildProfiles(facts: readonly ActorFacts[]): ActorProfile[] {
  const byId = new Map(facts.map((f) => [f.id, f]));
  /** actor id → the candidate actors attributed to it. */
  const contributors = new Map<string, string[]>();
  const attributedToCandidate = new Set<string>();
  for (const f of facts) {
    for (const target of f.attributedTo) {
      if (!byId.has(target) || target === f.id) continue;
      attributedToCandidate.add(f.id);
      const list = contributors.get(target) ?? [];
      list.push(f.id);
      contributors.set(target, list);
    }
  }
  return facts.map((f) => {
    const items = new Map<string, ProfileItem>();
    const seen = new Set<string>();
    const stack = [f.id];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const item of byId.get(id)!.items) if (!items.has(item.id)) items.set(item.id, item);
      stack.push(...(contributors.get(id) ?? []));
    }
    const families = new Set<string>();
    for (const item of items.values()) if (item.family) families.add(item.family);
    return {
      id: f.id,
      type: f.type,
      name: f.name,
      items,
      families,
      // A cycle (A attributed to B and B to A) would leave no root; such actors count as roots.
      root: !attributedToCandidate.has(f.id) || inCycle(f.id, byId),
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
      primaryMotivation: f.primaryMotivation,
      threatActorTypes: f.threatActorTypes,
    };
  });
}

/** Whether following `attributedTo` from `id` comes back to it. */
function inCycle(id: string, byId: ReadonlyMap<string, ActorFacts>): boolean {
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.attributedTo ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next === id) return true;
    if (seen.has(next) || !byId.has(next)) continue;
    seen.add(next);
    stack.push(...byId.get(next)!.attributedTo);
  }
  return false;
}

/** The family (parent ATT&CK id) of a technique id: `T1078.004` → `T1078`. */
export function techniqueFamily(externalId: string | null | undefined): string | null {
  if (!externalId) return null;
  const m = /^(T\d{4})(\.\d{3})?$/.exec(externalId);
  return m ? m[1]! : null;
}

const INFRASTRUCTURE_TYPES = new Set([
  'infrastructure', 'indicator', 'artifact', 'autonomous-system', 'domain-name', 'email-addr', 'email-message', 'file',
  'ipv4-addr', 'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'url', 'user-account', 'windows-registry-key',
  'x509-certificate', 'directory', 'process', 'software',
]);

/** Every STIX type that can be a profile item. */
export const PROFILE_ITEM_TYPES: readonly string[] = ['attack-pattern', 'vulnerability', 'malware', 'tool', ...INFRASTRUCTURE_TYPES, 'identity', 'location'];

/**
 * The channel of an item by STIX type: attack-pattern (and an exploited vulnerability, also a
 * "how") → technique; malware, tool → software; infrastructure, indicators and observables →
 * infrastructure; identity, location → victimology. Null: not part of a profile.
 */
export function channelOfType(type: string): Channel | null {
  if (type === 'attack-pattern' || type === 'vulnerability') return 'technique';
  if (type === 'malware' || type === 'tool') return 'software';
  if (INFRASTRUCTURE_TYPES.has(type)) return 'infrastructure';
  if (type === 'identity' || type === 'location') return 'victimology';
  return null;
}

/** The ATT&CK id among an object's external ids (T…, S…, G…, C…), if any. */
export function attackIdOf(externalIds: readonly string[] | null | undefined): string | null {
  return (externalIds ?? []).find((x) => /^(T\d{4}(\.\d{3})?|S\d{4}|G\d{4}|C\d{4})$/.test(x)) ?? null;
}

/** A profile item for a graph object of `type` (null when the type is not part of a profile). */
export function itemOf(object: { id: string; type: string; name: string | null; externalIds?: readonly string[] | null }): ProfileItem | null {
  const channel = channelOfType(object.type);
  if (!channel) return null;
  const externalId = attackIdOf(object.externalIds);
  return {
    id: object.id,
    type: object.type,
    name: object.name,
    channel,
    family: object.type === 'attack-pattern' ? techniqueFamily(externalId) : null,
    externalId,
  };
}

/**
 * Victimology values of an identity or location, as items of their own: `sector:<s>` for each of
 * an identity's `sectors`, `country:<CC>` for a location's `country` (upper case). Two actors
 * targeting different ministries of one country then share `country:FR` and `sector:government…`.
 */
export function victimologyItems(raw: { sectors?: unknown; country?: unknown }): ProfileItem[] {
  const out: ProfileItem[] = [];
  if (Array.isArray(raw.sectors)) {
    for (const s of raw.sectors) if (typeof s === 'string' && s) out.push({ id: `sector:${s}`, type: 'sector', name: s, channel: 'victimology', family: null });
  }
  if (typeof raw.country === 'string' && raw.country) {
    const c = raw.country.toUpperCase();
    out.push({ id: `country:${c}`, type: 'country', name: c, channel: 'victimology', family: null });
  }
  return out;
}
