/**
 * Pure mapping from API graph shapes to Cytoscape element definitions. Element data holds only
 * semantic fields (kind, STIX type, TLP, confidence, dates); the stylesheet turns them into looks.
 */
import type { ElementDefinition } from 'cytoscape';
import { labelForStixType, TLP_LEVELS, type TlpLevel } from '../../../schema/graph/kinds';

/** A node as the API gives it; only id and type are guaranteed. */
export interface GraphNodeInput {
  id: string;
  type: string;
  name?: string | null;
  tlp?: string | null;
  confidence?: number | null;
  created?: string | null;
  modified?: string | null;
  placeholder?: boolean | null;
  /** Incident-scoped grouping hint (e.g. the hypothesis an evidence item supports most). */
  hypothesisId?: string | null;
}

export interface GraphEdgeInput {
  id: string;
  type: string;
  source: string;
  target: string;
  relationshipType?: string | null;
  confidence?: number | null;
  created?: string | null;
}

export interface NodeData {
  id: string;
  label: string;
  name: string;
  stixType: string;
  kind: string;
  tlp?: TlpLevel;
  confidence?: number;
  created?: string;
  modified?: string;
  /** When what the object records happened or became known (evidence: collected; see docs/web.md), when known. */
  eventTime?: string;
  placeholder?: boolean;
}

/** The date the as-of slider and the date filters use: the event time, else `created`. */
export function timeOf(node: Pick<NodeData, 'eventTime' | 'created'>): string | undefined {
  return node.eventTime ?? node.created;
}

export interface EdgeData {
  id: string;
  /** What makes two edges the same link (see `edgeKey`): the canvas never draws a key twice. */
  key: string;
  source: string;
  target: string;
  edgeType: string;
  label: string;
  confidence?: number;
  created?: string;
}

/** TLP as stored in element data (kinds.ts spelling); the GraphQL enum writes AMBER_STRICT. */
export function normaliseTlp(value: string | null | undefined): TlpLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const level = value === 'AMBER_STRICT' ? 'AMBER+STRICT' : value;
  return (TLP_LEVELS as readonly string[]).includes(level) ? (level as TlpLevel) : undefined;
}

/** A readable name: the STIX name, else a short form of the id (`indicator--1a2b3c4d`). */
export function displayName(node: Pick<GraphNodeInput, 'id' | 'type' | 'name'>): string {
  const name = node.name?.trim();
  if (name) return name;
  const [type, uuid] = node.id.split('--');
  return uuid ? `${type}--${uuid.slice(0, 8)}` : node.id;
}

export function nodeElement(node: GraphNodeInput): ElementDefinition {
  const data: NodeData = {
    id: node.id,
    name: displayName(node),
    label: displayName(node),
    stixType: node.type,
    kind: labelForStixType(node.type),
  };
  const tlp = normaliseTlp(node.tlp);
  if (tlp) data.tlp = tlp;
  if (typeof node.confidence === 'number') data.confidence = node.confidence;
  if (node.created) data.created = node.created;
  if (node.modified) data.modified = node.modified;
  if (node.placeholder) data.placeholder = true;
  return { group: 'nodes', data };
}

/** Edge label: the STIX relationship type when known (`uses`), else the edge type in words. */
export function edgeLabel(edge: Pick<GraphEdgeInput, 'type' | 'relationshipType'>): string {
  if (edge.relationshipType) return edge.relationshipType;
  return edge.type.toLowerCase().replace(/_/g, '-');
}

/**
 * The identity of a link on the canvas. A STIX relationship or sighting is its own link (two
 * relationships between the same objects are two links); any other edge (an embedded reference,
 * an analyst's RATED edge: one per analyst and rating) is one link per type and direction between
 * two objects, however many records back it.
 */
export function edgeKey(edge: Pick<GraphEdgeInput, 'id' | 'type' | 'source' | 'target'>): string {
  const sro = /^(relationship|sighting)--/.test(edge.id);
  return sro ? `${edge.id}\u0000${edge.type}` : `${edge.type}\u0000${edge.source}\u0000${edge.target}`;
}

export function edgeElement(edge: GraphEdgeInput, key = edgeKey(edge)): ElementDefinition {
  const data: EdgeData = {
    key,
    id: edge.id,
    source: edge.source,
    target: edge.target,
    edgeType: edge.type,
    label: edgeLabel(edge),
  };
  if (typeof edge.confidence === 'number') data.confidence = edge.confidence;
  if (edge.created) data.created = edge.created;
  return { group: 'edges', data };
}

/**
 * Elements for a set of nodes and edges: nodes first, duplicates dropped, and edges whose ends are
 * not among the known node ids dropped (never a dangling edge). `knownIds` are ids already on the
 * canvas, so an expansion may connect to them.
 */
export function toElements(
  nodes: readonly GraphNodeInput[],
  edges: readonly GraphEdgeInput[],
  knownIds: ReadonlySet<string> = new Set(),
  /** Keys (`edgeKey`) of the edges already on the canvas. */
  knownEdgeKeys: ReadonlySet<string> = new Set(),
): ElementDefinition[] {
  const out: ElementDefinition[] = [];
  const ids = new Set<string>(knownIds);
  const added = new Set<string>();
  for (const node of nodes) {
    if (added.has(node.id)) continue;
    added.add(node.id);
    ids.add(node.id);
    if (!knownIds.has(node.id)) out.push(nodeElement(node));
  }
  const edgeIds = new Set<string>();
  const seen = new Set<string>();
  for (const edge of edges) {
    // The same link twice (two overlapping neighbourhoods, two expansions, two analysts' RATED
    // edges) is one edge.
    const key = edgeKey(edge);
    if (seen.has(key) || knownEdgeKeys.has(key)) continue;
    seen.add(key);
    // A typed edge shares its id with the relationship SRO node it mirrors; the canvas needs
    // unique ids, so such an edge gets a type suffix.
    let id = edge.id;
    if (edgeIds.has(id) || ids.has(id)) id = `${edge.id}#${edge.type}`;
    if (edgeIds.has(id) || knownIds.has(id)) continue;
    if (!ids.has(edge.source) || !ids.has(edge.target)) continue;
    edgeIds.add(id);
    out.push(edgeElement({ ...edge, id }, key));
  }
  return out;
}

/** STIX types present among node elements, sorted: drives the type filter and the legend. */
export function presentTypes(elements: readonly ElementDefinition[]): string[] {
  const types = new Set<string>();
  for (const element of elements) {
    if (element.group === 'nodes') types.add((element.data as NodeData).stixType);
  }
  return [...types].sort();
}
