/**
 * Exploration reads: plain records out, `maxRank` (the viewer's clearance rank) in with every
 * call. Functions take a transaction so a request can batch several reads in one.
 */
import type { Tx } from './driver';
import type { Plain, Row } from './mappers';
import {
  COUNT_OBJECTS,
  COUNT_SEARCH,
  LIST_OBJECTS,
  NEIGHBORHOOD,
  OBJECTS_BY_IDS,
  PATHS,
  RAW_SHAREABLE,
  RELATIONSHIPS,
  SEARCH,
} from './explore.queries';
import { num, str, strings } from '../../../schema/json';

/** A stored STIX object: the node's properties (see docs/graph-model.md), `raw` still a string. */
export interface ObjectRecord {
  id: string;
  type: string;
  name: string | null;
  description: string | null;
  spec_version: string | null;
  aliases: string[];
  external_ids: string[];
  labels: string[];
  confidence: number | null;
  revoked: boolean;
  created: string | null;
  modified: string | null;
  created_by_ref: string | null;
  marking_refs: string[];
  tlp_rank: number;
  raw: string | null;
  placeholder: boolean;
  relationship_type: string | null;
  source_ref: string | null;
  target_ref: string | null;
}

/** A node as a graph view needs it. */
export interface GraphNodeRecord {
  id: string;
  type: string;
  name: string | null;
  tlpRank: number;
  confidence: number | null;
  created: string | null;
  modified: string | null;
  placeholder: boolean;
}

/** An edge as a graph view needs it: `type` is the graph edge type (USES, CREATED_BY …). */
export interface GraphEdgeRecord {
  id: string;
  type: string;
  source: string;
  target: string;
  relationshipType: string | null;
  confidence: number | null;
  property: string | null;
}

export interface ObjectFilterParams {
  types: string[] | null;
  labels: string[] | null;
  createdFrom: string | null;
  createdTo: string | null;
  modifiedFrom: string | null;
  modifiedTo: string | null;
  confidenceMin: number | null;
  confidenceMax: number | null;
  markings: string[] | null;
  tlpRanks: number[] | null;
  createdBy: string[] | null;
  revoked: boolean | null;
  nameContains: string | null;
}

export type OrderField = 'name' | 'created' | 'modified' | 'confidence';


export function toObjectRecord(node: Plain | undefined): ObjectRecord | null {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return null;
  const n = node as Record<string, Plain>;
  const id = str(n.id);
  if (!id) return null;
  return {
    id,
    type: str(n.type) ?? id.split('--')[0] ?? '',
    name: str(n.name),
    description: str(n.description),
    spec_version: str(n.spec_version),
    aliases: strings(n.aliases),
    external_ids: strings(n.external_ids),
    labels: strings(n.labels),
    confidence: num(n.confidence),
    revoked: n.revoked === true,
    created: str(n.created),
    modified: str(n.modified),
    created_by_ref: str(n.created_by_ref),
    marking_refs: strings(n.marking_refs),
    tlp_rank: num(n.tlp_rank) ?? 4,
    raw: str(n.raw),
    placeholder: n.placeholder === true,
    relationship_type: str(n.relationship_type),
    source_ref: str(n.source_ref),
    target_ref: str(n.target_ref),
  };
}

function toNode(row: Row): GraphNodeRecord {
  return {
    id: String(row.id),
    type: str(row.type) ?? String(row.id).split('--')[0] ?? '',
    name: str(row.name),
    tlpRank: num(row.tlpRank) ?? 4,
    confidence: num(row.confidence),
    created: str(row.created),
    modified: str(row.modified),
    placeholder: row.placeholder === true,
  };
}

function toEdge(row: Row): GraphEdgeRecord {
  return {
    id: String(row.id),
    type: String(row.type),
    source: String(row.source),
    target: String(row.target),
    relationshipType: str(row.relationshipType),
    confidence: num(row.confidence),
    property: str(row.property),
  };
}

const records = (rows: Row[]) => rows.map((r) => toObjectRecord(r.node)).filter((r): r is ObjectRecord => r !== null);

export async function objectsByIds(tx: Tx, ids: readonly string[], maxRank: number): Promise<ObjectRecord[]> {
  return records(await tx.run(OBJECTS_BY_IDS, { ids, maxRank }));
}

/** Ids among `ids` whose stored JSON names no object above `maxRank` (RAW_SHAREABLE). */
export async function rawShareableIds(tx: Tx, ids: readonly string[], maxRank: number): Promise<Set<string>> {
  return new Set((await tx.run(RAW_SHAREABLE, { ids, maxRank })).map((r) => String(r.id)));
}

/** A page position of `objects`: the sort key of the last object seen (null when it has none) and its id. */
export interface ObjectKeyset {
  key: string | number | null;
  id: string;
}

export async function listObjects(
  tx: Tx,
  filter: ObjectFilterParams,
  order: { field: OrderField; descending: boolean },
  page: { after: ObjectKeyset | null; limit: number },
  maxRank: number,
): Promise<{ record: ObjectRecord; key: string | number | null }[]> {
  const rows = await tx.run(LIST_OBJECTS, {
    ...filter,
    orderField: order.field,
    descending: order.descending,
    afterKey: page.after?.key ?? null,
    afterId: page.after?.id ?? null,
    limit: page.limit,
    maxRank,
  });
  return rows.flatMap((row) => {
    const record = toObjectRecord(row.node);
    const key = typeof row.sortKey === 'string' || typeof row.sortKey === 'number' ? row.sortKey : null;
    return record ? [{ record, key }] : [];
  });
}

export async function countObjects(tx: Tx, filter: ObjectFilterParams, maxRank: number): Promise<number> {
  const [row] = await tx.run(COUNT_OBJECTS, { ...filter, maxRank });
  return num(row?.total) ?? 0;
}

export async function searchObjects(
  tx: Tx,
  query: string,
  types: string[] | null,
  page: { skip: number; limit: number },
  maxRank: number,
): Promise<ObjectRecord[]> {
  return records(await tx.run(SEARCH, { query, types, skip: page.skip, limit: page.limit, maxRank }));
}

export async function countSearch(tx: Tx, query: string, types: string[] | null, maxRank: number): Promise<number> {
  const [row] = await tx.run(COUNT_SEARCH, { query, types, maxRank });
  return num(row?.total) ?? 0;
}

/**
 * Optional fields of a neighbourhood: each one left out is not read from the graph nor sent (it
 * comes back null). Ids, types, ends, TLP and placeholder flags are always there.
 */
export interface NeighborhoodFields {
  nodeName: boolean;
  nodeConfidence: boolean;
  nodeCreated: boolean;
  nodeModified: boolean;
  edgeRelationshipType: boolean;
  edgeConfidence: boolean;
}

export const ALL_NEIGHBORHOOD_FIELDS: Readonly<NeighborhoodFields> = Object.freeze({
  nodeName: true,
  nodeConfidence: true,
  nodeCreated: true,
  nodeModified: true,
  edgeRelationshipType: true,
  edgeConfidence: true,
});

export interface NeighborhoodParams {
  ids: string[];
  depth: number;
  limit: number;
  types: string[] | null;
  relationshipTypes: string[] | null;
  includeRefs: boolean;
  maxRank: number;
  /** Optional fields to read (default: all). */
  fields?: NeighborhoodFields;
}

export interface NeighborhoodRecord {
  nodes: GraphNodeRecord[];
  edges: GraphEdgeRecord[];
  truncated: boolean;
}

/** A node key of the neighbourhood columns (an integer, or its decimal string beyond 2^53). */
const keyOf = (v: Plain | undefined): string | number | null => (typeof v === 'number' || typeof v === 'string' ? v : null);
/** A column of a neighbourhood record: its list, or an empty one for a column left out. */
const column = (row: Row, name: string): Plain[] => {
  const v = row[name];
  return Array.isArray(v) ? v : [];
};

/**
 * Breadth-first from the visible seeds over visible edges to visible nodes, up to `limit` nodes,
 * then the edges among them (at most `maxEdges`): one query, one round trip, whatever the size
 * of the neighbourhood. `truncated` when a node or an edge was left out.
 */
export async function neighborhood(tx: Tx, p: NeighborhoodParams, maxEdges: number): Promise<NeighborhoodRecord> {
  const query = NEIGHBORHOOD.get(`${p.depth}${p.includeRefs ? '+refs' : ''}`);
  if (!query) throw new RangeError(`no neighbourhood query for depth ${p.depth}`);
  const rows = await tx.run(query, {
    ids: p.ids,
    types: p.types,
    relationshipTypes: p.relationshipTypes,
    limit: p.limit,
    maxEdges,
    maxRank: p.maxRank,
    ...(p.fields ?? ALL_NEIGHBORHOOD_FIELDS),
  });
  const nodes: GraphNodeRecord[] = [];
  const edges: GraphEdgeRecord[] = [];
  /** STIX id by node key. */
  const idOfKey = new Map<string | number, string>();
  let truncated = false;
  // Nodes of every record first, so that every edge finds its ends.
  for (const row of rows) {
    const keys = column(row, 'nodeKeys');
    const ids = column(row, 'nodeIds');
    const types = column(row, 'nodeTypes');
    const tlpRanks = column(row, 'nodeTlpRanks');
    const placeholders = column(row, 'nodePlaceholders');
    const names = column(row, 'nodeNames');
    const confidences = column(row, 'nodeConfidences');
    const created = column(row, 'nodeCreated');
    const modified = column(row, 'nodeModified');
    for (let i = 0; i < keys.length; i++) {
      const key = keyOf(keys[i]);
      const id = ids[i];
      if (key === null || typeof id !== 'string') continue;
      idOfKey.set(key, id);
      nodes.push({
        id,
        type: str(types[i]) ?? id.split('--')[0] ?? '',
        name: str(names[i]),
        tlpRank: num(tlpRanks[i]) ?? 4,
        confidence: num(confidences[i]),
        created: str(created[i]),
        modified: str(modified[i]),
        placeholder: placeholders[i] === true,
      });
    }
  }
  for (const row of rows) {
    truncated ||= row.truncated === true;
    const sourceKeys = column(row, 'edgeSourceKeys');
    const targetKeys = column(row, 'edgeTargetKeys');
    const types = column(row, 'edgeTypes');
    const properties = column(row, 'edgeProperties');
    const ids = column(row, 'edgeIds');
    const relationshipTypes = column(row, 'edgeRelationshipTypes');
    const confidences = column(row, 'edgeConfidences');
    for (let i = 0; i < sourceKeys.length; i++) {
      const sourceKey = keyOf(sourceKeys[i]);
      const targetKey = keyOf(targetKeys[i]);
      const source = sourceKey === null ? undefined : idOfKey.get(sourceKey);
      const target = targetKey === null ? undefined : idOfKey.get(targetKey);
      if (source === undefined || target === undefined) continue;
      const type = String(types[i]);
      const property = str(properties[i]);
      edges.push({
        id: str(ids[i]) ?? `${source}|${property ?? type}|${target}`,
        type,
        source,
        target,
        relationshipType: str(relationshipTypes[i]),
        confidence: num(confidences[i]),
        property,
      });
    }
  }
  if (edges.length > maxEdges) {
    truncated = true;
    edges.length = maxEdges;
  }
  return { nodes, edges, truncated };
}

export async function relationshipsOf(
  tx: Tx,
  p: { id: string; direction: 'OUTGOING' | 'INCOMING' | 'BOTH'; types: string[] | null; skip: number; limit: number },
  maxRank: number,
): Promise<GraphEdgeRecord[]> {
  return (await tx.run(RELATIONSHIPS, { ...p, maxRank })).map(toEdge);
}

export interface PathRecord {
  nodes: GraphNodeRecord[];
  edges: GraphEdgeRecord[];
}

export async function shortestPaths(
  tx: Tx,
  p: { from: string; to: string; maxLength: number; limit: number },
  maxRank: number,
): Promise<PathRecord[]> {
  const query = PATHS.get(p.maxLength);
  if (!query) throw new RangeError(`no paths query for maxLength ${p.maxLength}`);
  const rows = await tx.run(query, { from: p.from, to: p.to, limit: p.limit, maxRank });
  return rows.map((row) => ({
    nodes: (Array.isArray(row.nodes) ? row.nodes : []).map((n) => toNode(n as Row)),
    edges: (Array.isArray(row.edges) ? row.edges : []).map((e) => toEdge(e as Row)),
  }));
}
