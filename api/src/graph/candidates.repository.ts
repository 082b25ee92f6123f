/**
 * Candidate-actor reads (candidates.queries.ts): plain records out, the viewer's clearance rank
 * and `asOf` in. Functions take a transaction so the service reads everything in one.
 */
import type { Tx } from './driver';
import { ACTOR_FACTS, CANDIDATE_CONTAINER_TYPES, DEAD_RELATIONSHIPS, GRAPH_STAMP, INCIDENT_OBSERVED, ITEM_DETAILS } from './candidates.queries';
import { str, strings } from '../../../schema/json';

export interface CandidateReadParams {
  maxRank: number;
  /** RFC 3339 instant, or null for now. */
  asOf: string | null;
  /** STIX types that can be profile items. */
  itemTypes: readonly string[];
  /** Relationship ids that do not count (readDeadRelationships). */
  deadRelationships: readonly string[];
}

/** Ids of revoked relationships, and of those created after `asOf`. */
export async function readDeadRelationships(tx: Tx, asOf: string | null): Promise<string[]> {
  const [row] = await tx.run(DEAD_RELATIONSHIPS, { asOf });
  return strings(row?.ids);
}

export interface IncidentObservedRecord {
  raw: string | null;
  observed: Array<{ id: string; via: string | null }>;
}

export interface ActorFactsRecord {
  id: string;
  type: string;
  name: string | null;
  /** Only when the actor has an active period, a motivation or threat-actor types. */
  raw: string | null;
  items: string[];
  indicators: string[];
  attributedTo: string[];
}

export interface ItemDetailsRecord {
  id: string;
  /** Not revoked, not deprecated, created by asOf. */
  live: boolean;
  type: string;
  name: string | null;
  externalIds: string[];
  raw: string | null;
  locations: string[];
}


export async function readIncidentObserved(tx: Tx, incidentId: string, p: CandidateReadParams): Promise<IncidentObservedRecord | null> {
  const [row] = await tx.run(INCIDENT_OBSERVED, {
    incidentId,
    maxRank: p.maxRank,
    asOf: p.asOf,
    itemTypes: [...p.itemTypes],
    deadRelationships: [...p.deadRelationships],
    containerTypes: CANDIDATE_CONTAINER_TYPES,
  });
  if (!row) return null;
  const observed = Array.isArray(row.observed) ? row.observed : [];
  return {
    raw: str(row.raw),
    observed: observed.flatMap((o) => {
      if (!o || typeof o !== 'object' || Array.isArray(o)) return [];
      const id = str(o.id);
      return id ? [{ id, via: str(o.via) }] : [];
    }),
  };
}

export async function readActorFacts(tx: Tx, p: CandidateReadParams): Promise<ActorFactsRecord[]> {
  const rows = await tx.run(ACTOR_FACTS, { maxRank: p.maxRank, asOf: p.asOf, itemTypes: [...p.itemTypes], deadRelationships: [...p.deadRelationships] });
  return rows.map((r) => ({
    id: String(r.id),
    type: String(r.type),
    name: str(r.name),
    raw: str(r.raw),
    items: strings(r.items),
    indicators: strings(r.indicators),
    attributedTo: strings(r.attributedTo),
  }));
}

export async function readItemDetails(tx: Tx, ids: readonly string[], maxRank: number, asOf: string | null): Promise<ItemDetailsRecord[]> {
  if (ids.length === 0) return [];
  const rows = await tx.run(ITEM_DETAILS, { ids: [...ids], maxRank, asOf });
  return rows.map((r) => ({
    id: String(r.id),
    live: r.live === true,
    type: String(r.type),
    name: str(r.name),
    externalIds: strings(r.externalIds),
    raw: str(r.raw),
    locations: strings(r.locations),
  }));
}

/** The count-store stamp of the graph (see GRAPH_STAMP). */
export async function readGraphStamp(tx: Tx): Promise<string> {
  const [row] = await tx.run(GRAPH_STAMP);
  return `${row?.nodes}/${row?.relationships}/${row?.staged}`;
}
