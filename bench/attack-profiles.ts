/**
 * Actor facts straight from an ATT&CK bundle (no database), for `npm run bench:candidates` and
 * unit tests that need ATT&CK's real distribution of techniques. Follows the rules the graph read
 * applies (api/src/graph/candidates.queries.ts): revoked and deprecated objects and relationships
 * do not count; `uses` → attack-pattern, malware, tool; `attributed-to` between actors.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { itemOf, type ActorFacts, type ActorType, type ProfileItem } from '../api/src/domain/candidates';

export const ATTACK_FILE = resolve(import.meta.dirname, '../../shared/corpus/attack/enterprise-attack-18.1.stix20.json');

interface StixLike {
  type: string;
  id: string;
  name?: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  external_references?: Array<{ external_id?: string }>;
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
  first_seen?: string;
  last_seen?: string;
  primary_motivation?: string;
}

export interface AttackData {
  actors: ActorFacts[];
  /** Every live technique item (for noise draws). */
  techniques: ProfileItem[];
}

export function loadAttack(file = ATTACK_FILE): AttackData {
  const bundle = JSON.parse(readFileSync(file, 'utf8')) as { objects: StixLike[] };
  const live = new Map(bundle.objects.filter((o) => !o.revoked && !o.x_mitre_deprecated).map((o) => [o.id, o]));
  const items = new Map<string, ProfileItem>();
  for (const o of live.values()) {
    const item = itemOf({ id: o.id, type: o.type, name: o.name ?? null, externalIds: (o.external_references ?? []).flatMap((r) => (r.external_id ? [r.external_id] : [])) });
    if (item) items.set(o.id, item);
  }
  const actors = new Map<string, ActorFacts>();
  for (const o of live.values()) {
    if (o.type !== 'intrusion-set' && o.type !== 'campaign' && o.type !== 'threat-actor') continue;
    actors.set(o.id, {
      id: o.id,
      type: o.type as ActorType,
      name: o.name ?? o.id,
      items: [],
      attributedTo: [],
      firstSeen: o.first_seen ?? null,
      lastSeen: o.last_seen ?? null,
      primaryMotivation: o.primary_motivation ?? null,
      threatActorTypes: [],
    });
  }
  for (const r of live.values()) {
    if (r.type !== 'relationship' || !r.source_ref || !r.target_ref) continue;
    const actor = actors.get(r.source_ref);
    if (!actor) continue;
    if (r.relationship_type === 'uses' || r.relationship_type === 'targets') {
      const item = items.get(r.target_ref);
      if (item && !actor.items.some((i) => i.id === item.id)) actor.items.push(item);
    } else if (r.relationship_type === 'attributed-to' && actors.has(r.target_ref)) {
      actor.attributedTo.push(r.target_ref);
    }
  }
  return { actors: [...actors.values()], techniques: [...items.values()].filter((i) => i.type === 'attack-pattern') };
}
