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
  RELATIONSHIPS,
  SEARCH,
} from './explore.queries';

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

const str = (v: Plain | undefined): string | null => (typeof v === 'string' ? v : null);
const num = (v: Plain | undefined): number | null => (typeof v === 'number' ? v : null);
const strs = (v: Plain | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

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
    aliases: strs(n.aliases),
    external_ids: strs(n.external_ids),
    labels: strs(n.labels),
    confidence: num(n.confidence),
    revoked: n.revoked === true,
    created: str(n.created),
    modified: str(n.modified),
    created_by_ref: str(n.created_by_ref),
    marking_refs: strs(n.marking_refs),
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

export interface NeighborhoodParams {
  ids: string[];
  depth: number;
  limit: number;
  types: string[] | null;
  relationshipTypes: string[] | null;
  includeRefs: boolean;
  maxRank: number;
}

export interface NeighborhoodRecord {
  nodes: GraphNodeRecord[];
  edges: GraphEdgeRecord[];
  truncated: boolean;
}

const at = (values: Plain[], i: number): Plain | undefined => values[i];

/** A node from the positional list of NEIGHBORHOOD_NODE_FIELDS (built directly: 500 per call). */
function nodeOfList(v: Plain): GraphNodeRecord | null {
  if (!Array.isArray(v) || typeof v[0] !== 'string') return null;
  const id = v[0];
  return {
    id,
    type: str(at(v, 1)) ?? id.split('--')[0] ?? '',
    name: str(at(v, 2)),
    tlpRank: num(at(v, 3)) ?? 4,
    confidence: num(at(v, 4)),
    created: str(at(v, 5)),
    modified: str(at(v, 6)),
    placeholder: at(v, 7) === true,
  };
}

/** An edge from the positional list of NEIGHBORHOOD_EDGE_FIELDS (built directly: thousands per call). */
function edgeOfList(v: Plain): GraphEdgeRecord | null {
  if (!Array.isArray(v) || typeof v[0] !== 'string') return null;
  return {
    id: v[0],
    type: String(at(v, 1)),
    source: String(at(v, 2)),
    target: String(at(v, 3)),
    relationshipType: str(at(v, 4)),
    confidence: num(at(v, 5)),
    property: str(at(v, 6)),
  };
}

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
  });
  const nodes: GraphNodeRecord[] = [];
  const edges: GraphEdgeRecord[] = [];
  let truncated = false;
  for (const row of rows) {
    if (Array.isArray(row.nodes)) {
      for (const n of row.nodes) {
        const node = nodeOfList(n);
        if (node) nodes.push(node);
      }
    }
    if (Array.isArray(row.edges)) {
      for (const e of row.edges) {
        const edge = edgeOfList(e);
        if (edge) edges.push(edge);
      }
    }
    truncated ||= row.truncated === true;
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
