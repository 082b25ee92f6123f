/**
 * STIX object → graph rows. Pure: no I/O, no neo4j-driver. The repository writes the rows with
 * UNWIND queries whose labels and edge types come from schema/graph/kinds.ts; nothing here ever
 * becomes Cypher text, only parameter values.
 *
 * The graph model is described in docs/graph-model.md.
 */
import { createHash } from 'node:crypto';
import {
  TLP_MARKING_IDS,
  UNKNOWN_MARKING_RANK,
  edgeTypeForRef,
  isEdgeRef,
  edgeTypeForRelationship,
  labelForStixType,
  tlpRank,
  type NodeLabel,
  type RefEdgeType,
  type RelationshipEdgeType,
  type TlpLevel,
} from '../../../schema/graph/kinds';
import { IDENTIFIER_PATTERN, MAX_IDENTIFIER_LENGTH } from '../../../schema/stix/common';
import { isRecord, str, strings } from '../../../schema/json';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Properties stored on every `:StixObject` node (see docs/graph-model.md). */
export interface NodeProps {
  id: string;
  type: string;
  spec_version: string | null;
  name: string;
  description: string | null;
  /** Lists and their text forms are null when empty: Neo4j then stores nothing (fewer records). */
  aliases: string[] | null;
  aliases_text: string | null;
  external_ids: string[] | null;
  external_ids_text: string | null;
  labels: string[] | null;
  confidence: number | null;
  revoked: boolean;
  created_by_ref: string | null;
  marking_refs: string[] | null;
  tlp_rank: number;
  raw: string;
  raw_hash: string;
  /** SROs only: kept for filtering without parsing raw. */
  relationship_type: string | null;
  source_ref: string | null;
  target_ref: string | null;
  /** marking-definitions only: the rank this marking confers on what it marks. */
  marking_rank: number | null;
  /**
   * marking-definitions registered by an analyst (not an admin): their token id. Such a marking
   * confers its rank on later imports by that analyst only; for anyone else it is unknown (RED).
   */
  marking_owner?: string | null;
  /** Repaired objects only (issue 13): the JSON as it came, and the repairs made (JSON list). */
  raw_original?: string | null;
  repairs?: string | null;
}

export interface NodeRow {
  id: string;
  label: NodeLabel;
  /** STIX timestamps as written; converted to Neo4j datetime in Cypher. */
  created: string | null;
  modified: string | null;
  props: NodeProps;
}

/** An edge for a `*_ref` / `*_refs` property. */
export interface RefEdgeRow {
  type: RefEdgeType;
  from: string;
  to: string;
  /** STIX type of the target, from its id; used when the target must be a placeholder. */
  toType: string;
  /** JSON path of the ref inside the object, e.g. `object_refs`, `ratings[0].hypothesis_ref`. */
  property: string;
}

/** The traversable edge of a `relationship` SRO. */
export interface RelationshipEdgeRow {
  type: RelationshipEdgeType;
  from: string;
  to: string;
  /** STIX types of the two ends (from their ids), for placeholders of ends not stored yet. */
  fromType: string;
  toType: string;
  props: { id: string; relationship_type: string; tlp_rank: number; confidence: number | null };
}

export interface MappedObject {
  node: NodeRow;
  refs: RefEdgeRow[];
  relationship: RelationshipEdgeRow | null;
}

/** How the rank of a marking id is found: TLP ids, then markings known from the bundle or graph. */
export type MarkingRankLookup = (markingId: string) => number | undefined;

/** The same identifier rule as the schemas (type--RFC 4122 UUID), so a nested ref the schemas do
 * not type (e.g. inside a custom extension) becomes an edge only when it is a real identifier. */
const IDENTIFIER = new RegExp(IDENTIFIER_PATTERN);

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_IDENTIFIER_LENGTH && IDENTIFIER.test(value);
}

export function stixTypeOfId(id: string): string {
  const cut = id.indexOf('--');
  return cut > 0 ? id.slice(0, cut) : id;
}

/** Content hash of the stored form: equal hashes ⇔ equal `raw`. */
export function hashRaw(raw: string): string {
  return createHash('sha1').update(raw).digest('base64url');
}

const TLP_BY_NAME: Readonly<Record<string, TlpLevel>> = {
  white: 'CLEAR',
  clear: 'CLEAR',
  green: 'GREEN',
  amber: 'AMBER',
  'amber+strict': 'AMBER+STRICT',
  red: 'RED',
};

/** The TLP 2.0 marking extension (OASIS): `extensions[id].tlp_2_0`. */
const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/**
 * The rank a marking-definition confers: a TLP level's rank, 0 for a statement, UNKNOWN_MARKING_RANK
 * for anything we cannot interpret (so only readers cleared for everything see what it marks).
 */
export function markingRankOf(marking: JsonObject): number {
  const id = typeof marking.id === 'string' ? marking.id : '';
  const builtIn = TLP_MARKING_IDS[id];
  if (builtIn !== undefined) return tlpRank(builtIn);
  const definition = marking.definition;
  if (marking.definition_type === 'statement' && isRecord(definition) && typeof definition.statement === 'string') {
    return 0;
  }
  return markingTlpLevel(marking) ?? UNKNOWN_MARKING_RANK;
}

/**
 * The TLP level a marking-definition's content states (TLP 1.0 `definition.tlp` or the TLP 2.0
 * extension's `tlp_2_0`), as a rank, whatever its id; null when it states none.
 */
export function markingTlpLevel(marking: JsonObject): number | null {
  const definition = marking.definition;
  if (marking.definition_type === 'tlp' && isRecord(definition) && typeof definition.tlp === 'string') {
    const level = TLP_BY_NAME[definition.tlp.toLowerCase()];
    if (level !== undefined) return tlpRank(level);
  }
  const ext = isRecord(marking.extensions) ? marking.extensions[TLP2_EXTENSION_ID] : undefined;
  if (isRecord(ext) && typeof ext.tlp_2_0 === 'string') {
    const level = TLP_BY_NAME[ext.tlp_2_0.toLowerCase()];
    if (level !== undefined) return tlpRank(level);
  }
  return null;
}

/** Marking ids an object is marked with: object_marking_refs and granular markings' marking_ref. */
export function markingRefsOf(obj: JsonObject): string[] {
  const out: string[] = [];
  if (Array.isArray(obj.object_marking_refs)) {
    for (const m of obj.object_marking_refs) if (typeof m === 'string') out.push(m);
  }
  if (Array.isArray(obj.granular_markings)) {
    for (const g of obj.granular_markings) {
      if (isRecord(g) && typeof g.marking_ref === 'string') out.push(g.marking_ref);
    }
  }
  return out;
}

/**
 * tlp_rank of an object: the highest rank among its markings (object-level and granular — a
 * granular RED marking on one property makes the whole stored object RED); 0 when unmarked.
 * A marking we cannot find or interpret counts as UNKNOWN_MARKING_RANK.
 */
export function tlpRankOf(obj: JsonObject, lookup: MarkingRankLookup): number {
  let rank = 0;
  for (const ref of markingRefsOf(obj)) {
    const r = lookup(ref) ?? UNKNOWN_MARKING_RANK;
    if (r > rank) rank = r;
  }
  return rank;
}

/** An empty list is stored as nothing (null): one property record less per node. */
function orNull(values: string[]): string[] | null {
  return values.length > 0 ? values : null;
}

const HASH_PREFERENCE = ['SHA-256', 'SHA-1', 'MD5', 'SHA-512'];

/** The display name: the object's name, or a fallback that lets analysts find it in search. */
export function displayName(obj: JsonObject): string {
  const name = str(obj.name);
  if (name !== null) return name;
  for (const key of ['value', 'path', 'account_login', 'user_id', 'key', 'subject', 'pattern'] as const) {
    const v = obj[key];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
  }
  if (typeof obj.number === 'number') return `AS${obj.number}`;
  if (obj.type === 'relationship') return str(obj.relationship_type) ?? 'relationship';
  if (obj.type === 'sighting') return `sighting of ${str(obj.sighting_of_ref) ?? 'unknown'}`;
  if (isRecord(obj.hashes)) {
    const hashes = obj.hashes;
    for (const algo of [...HASH_PREFERENCE, ...Object.keys(hashes)]) {
      const h = hashes[algo];
      if (typeof h === 'string') return `${algo}:${h}`;
    }
  }
  if (obj.type === 'marking-definition') {
    const def = obj.definition;
    if (isRecord(def) && typeof def.tlp === 'string') return `TLP:${def.tlp.toUpperCase()}`;
    if (isRecord(def) && typeof def.statement === 'string') return def.statement;
  }
  if (typeof obj.abstract === 'string') return obj.abstract;
  if (typeof obj.opinion === 'string') return `opinion: ${obj.opinion}`;
  return typeof obj.id === 'string' ? obj.id : '';
}

function segment(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/**
 * Every `*_ref` / `*_refs` in the object, at any depth (extensions, granular markings, ratings
 * …), with the JSON path of the property. Values that are not STIX identifiers (e.g. the local
 * `"0"` refs inside 2.0 observed-data `objects`) are not refs to graph nodes and are skipped.
 * Iterative, so deep input cannot exhaust the stack (depth is bounded by checkSafety anyway).
 */
export function collectRefs(obj: JsonObject): { property: string; name: string; to: string }[] {
  const out: { property: string; name: string; to: string }[] = [];
  const stack: { value: Json; path: string }[] = [{ value: obj, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const item = value[i]!;
        if (typeof item === 'object' && item !== null) stack.push({ value: item, path: `${path}[${i}]` });
      }
      continue;
    }
    if (!isRecord(value)) continue;
    const keys = Object.keys(value);
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k]!;
      const inner = value[key]!;
      const property = segment(path, key);
      if (key.endsWith('_ref') && typeof inner === 'string') {
        if (isIdentifier(inner)) out.push({ property, name: key, to: inner });
      } else if (key.endsWith('_refs') && Array.isArray(inner) && inner.every((v) => typeof v === 'string')) {
        for (const to of inner) if (isIdentifier(to)) out.push({ property, name: key, to });
      } else if (typeof inner === 'object' && inner !== null) {
        stack.push({ value: inner, path: property });
      }
    }
  }
  return out;
}

/**
 * Map one validated STIX 2.1 object (already upgraded from 2.0) to its node row, its ref edges
 * and, for a relationship, its typed edge. `raw` is the exact JSON text stored (lossless).
 */
export function mapStixObject(
  obj: JsonObject,
  lookup: MarkingRankLookup,
  raw = JSON.stringify(obj),
  rawHash = hashRaw(raw),
): MappedObject {
  const id = obj.id as string;
  const type = obj.type as string;
  const aliases = [...strings(obj.aliases), ...strings(obj.x_mitre_aliases)];
  const externalIds: string[] = [];
  if (Array.isArray(obj.external_references)) {
    for (const ref of obj.external_references) {
      if (isRecord(ref) && typeof ref.external_id === 'string') externalIds.push(ref.external_id);
    }
  }
  const tlp = tlpRankOf(obj, lookup);
  const confidence = typeof obj.confidence === 'number' && Number.isInteger(obj.confidence) ? obj.confidence : null;
  const isRelationship = type === 'relationship';
  const isSro = isRelationship || type === 'sighting';
  const node: NodeRow = {
    id,
    label: labelForStixType(type),
    created: str(obj.created),
    modified: str(obj.modified),
    props: {
      id,
      type,
      spec_version: str(obj.spec_version),
      name: displayName(obj),
      description: str(obj.description),
      aliases: orNull(aliases),
      aliases_text: aliases.length > 0 ? aliases.join(' ') : null,
      external_ids: orNull(externalIds),
      external_ids_text: externalIds.length > 0 ? externalIds.join(' ') : null,
      labels: orNull(strings(obj.labels)),
      confidence,
      revoked: obj.revoked === true,
      created_by_ref: str(obj.created_by_ref),
      marking_refs: orNull(markingRefsOf(obj)),
      tlp_rank: tlp,
      raw,
      raw_hash: rawHash,
      relationship_type: isRelationship ? str(obj.relationship_type) : null,
      source_ref: isSro ? (str(obj.source_ref) ?? str(obj.sighting_of_ref)) : null,
      target_ref: isRelationship ? str(obj.target_ref) : null,
      marking_rank: type === 'marking-definition' ? markingRankOf(obj) : null,
    },
  };
  // Metadata refs live in `created_by_ref` / `marking_refs` (and raw); a relationship's ends are
  // its typed edge (kinds.isEdgeRef).
  const refs: RefEdgeRow[] = collectRefs(obj).filter((r) => isEdgeRef(type, r.property, r.name)).map((r) => ({
    type: edgeTypeForRef(r.name),
    from: id,
    to: r.to,
    toType: stixTypeOfId(r.to),
    property: r.property,
  }));
  let relationship: RelationshipEdgeRow | null = null;
  if (isRelationship && isIdentifier(obj.source_ref) && isIdentifier(obj.target_ref)) {
    const relationshipType = str(obj.relationship_type) ?? 'related-to';
    relationship = {
      type: edgeTypeForRelationship(relationshipType),
      from: obj.source_ref,
      to: obj.target_ref,
      fromType: stixTypeOfId(obj.source_ref),
      toType: stixTypeOfId(obj.target_ref),
      props: { id, relationship_type: relationshipType, tlp_rank: tlp, confidence },
    };
  }
  return { node, refs, relationship };
}

/** Extension-definition ids an object uses (keys of `extensions` that are identifiers). */
export function extensionDefinitionIds(obj: JsonObject): string[] {
  if (!isRecord(obj.extensions)) return [];
  return Object.keys(obj.extensions).filter((k) => k.startsWith('extension-definition--'));
}
