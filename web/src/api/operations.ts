/**
 * Typed GraphQL operations of the web explorer. Field names follow schema/graphql/*.graphql;
 * test/unit/web/operations.test.ts validates every document against that SDL.
 */
import { operation } from './client';
import type {
  TlpLevel, WebAssessmentQuery, WebAssessmentQueryVariables, WebExportStixBundleQuery, WebExportStixBundleQueryVariables, WebImportFactSheetMutation,
  WebImportFactSheetMutationVariables, WebImportStixBundleMutation, WebImportStixBundleMutationVariables, WebIncidentsQuery, WebNeighborhoodQuery,
  WebNeighborhoodQueryVariables, WebObjectHistoryQuery, WebObjectHistoryQueryVariables, WebPathsQuery, WebPathsQueryVariables, WebSavedViewQuery,
  WebSavedViewQueryVariables, WebSaveViewMutationVariables, WebSearchQuery, WebSearchQueryVariables, WebStixObjectQueryVariables,
  WebStixObjectQuery, WebSystemQuery, WebViewerQuery,
} from './generated/operations';

// ---------------------------------------------------------------------------------------------
// Shared shapes. Results and variables are the generated types of each document
// (./generated/operations.ts, `npm run codegen`); the types below are the explorer's own views.
// ---------------------------------------------------------------------------------------------

/** TLP levels as the API spells them (GraphQL enum: AMBER_STRICT for AMBER+STRICT). */
export type ApiTlp = TlpLevel;

/**
 * A node as the canvas takes it, from whichever answer it came (neighbourhood, path, search hit,
 * incident): the fields a graph node shows, the optional ones absent from some answers.
 */
export interface ApiNode {
  id: string;
  type: string;
  name: string | null;
  tlp?: ApiTlp | null;
  confidence?: number | null;
  created?: string | null;
  modified?: string | null;
  placeholder?: boolean | null;
}

export type Neighborhood = WebNeighborhoodQuery['neighborhood'];

/** A STIX object as stored: the server's `raw` JSON is the object itself (or null when withheld). */
type StixJson = Record<string, unknown>;

export type StixObjectDetail = Omit<NonNullable<WebStixObjectQuery['stixObject']>, 'raw'> & { raw: StixJson | null };

export type IncidentSummary = WebIncidentsQuery['incidents'][number];

export interface ImportError {
  objectId: string | null;
  path: string | null;
  message: string;
  /** Line and column in the file (fact sheets). */
  line?: number | null;
  column?: number | null;
}

/** The report of either import (STIX bundle or fact sheet), as the import view shows it. */
export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errors: ImportError[];
  /** The incident a fact sheet describes, once imported. */
  incidentId?: string | null;
  /** A check (dry run) of a STIX bundle: the counts say what an import would do; nothing stored. */
  dryRun?: boolean;
  /** STIX bundles (tolerant import): objects repaired on the way in, and kept aside in the quarantine. */
  repaired?: number;
  quarantined?: number;
  /** Why objects were quarantined (one row per reason). */
  quarantine?: ImportError[];
}

type ObjectHistory = NonNullable<WebObjectHistoryQuery['objectHistory']>;
export type ObjectVersion = Omit<ObjectHistory['versions'][number], 'raw'> & { raw: StixJson | null };

export type Viewer = WebViewerQuery['viewer'];

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------

export const SYSTEM = operation<WebSystemQuery>(
  'WebSystem',
  `query WebSystem { system { version graphAvailable database } }`,
);

export const VIEWER = operation<WebViewerQuery>(
  'WebViewer',
  `query WebViewer { viewer { id name role clearance } }`,
);

// ---------------------------------------------------------------------------------------------
// Graph exploration
// ---------------------------------------------------------------------------------------------

const NODE_FIELDS = `id type name tlp confidence created modified placeholder`;
const EDGE_FIELDS = `id type source target relationshipType confidence`;

/**
 * A search hit as ranking and the search panel read it: the node, with what identifies it to an
 * analyst (ATT&CK id, source). WebSearch's hits are SearchHits.
 */
export interface SearchHit extends ApiNode {
  externalReferences?: { sourceName: string; externalId: string | null }[];
  createdBy?: { name: string | null } | null;
}

export const SEARCH = operation<WebSearchQuery, WebSearchQueryVariables>(
  'WebSearch',
  `query WebSearch($text: String!, $types: [String!], $first: Int, $after: String) {
    search(text: $text, types: $types, first: $first, after: $after) {
      edges { node { id type name tlp confidence created modified externalReferences { sourceName externalId } createdBy { name } } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }`,
);

/** Types that cite ATT&CK ids in their references rather than being what the id names. */
const CITING_TYPES = new Set(['attribution-evidence', 'attribution-hypothesis', 'incident', 'note', 'opinion', 'report', 'grouping', 'observed-data', 'sighting']);

/** The ATT&CK-style id of a hit (`T1078`, `G0007`), when it has one. */
export function externalIdOf(hit: SearchHit): string | null {
  const refs = hit.externalReferences ?? [];
  return refs.find((r) => r.externalId && /^(mitre-|capec)/.test(r.sourceName))?.externalId ?? refs.find((r) => r.externalId)?.externalId ?? null;
}

/** Where a hit comes from: its creator, else the first external reference's source. */
export function sourceOf(hit: SearchHit): string | null {
  return hit.createdBy?.name ?? hit.externalReferences?.[0]?.sourceName ?? null;
}

/**
 * Hits in the order an analyst expects: an exact ATT&CK id or name first, then the server's
 * relevance order; relationship objects left out unless asked for.
 */
export function rankHits(hits: readonly SearchHit[], text: string, includeRelationships: boolean): SearchHit[] {
  const wanted = text.trim().toLowerCase();
  // A case object or report that cites T1078 is not T1078: only the object the id names ranks first.
  const exact = (hit: SearchHit) => (externalIdOf(hit)?.toLowerCase() === wanted && !CITING_TYPES.has(hit.type) ? 0
    : (hit.name ?? '').trim().toLowerCase() === wanted ? 1 : 2);
  return hits.filter((hit) => includeRelationships || (hit.type !== 'relationship' && hit.type !== 'sighting'))
    .map((hit, index) => ({ hit, index }))
    .sort((a, b) => exact(a.hit) - exact(b.hit) || a.index - b.index)
    .map((x) => x.hit);
}

export const NEIGHBORHOOD = operation<WebNeighborhoodQuery, WebNeighborhoodQueryVariables>(
  'WebNeighborhood',
  `query WebNeighborhood($ids: [ID!]!, $depth: Int, $limit: Int, $types: [String!], $relationshipTypes: [String!], $includeRefs: Boolean) {
    neighborhood(ids: $ids, depth: $depth, limit: $limit, types: $types, relationshipTypes: $relationshipTypes, includeRefs: $includeRefs) {
      nodes { ${NODE_FIELDS} }
      edges { ${EDGE_FIELDS} }
      truncated
    }
  }`,
);

export const STIX_OBJECT = operation<{ stixObject: StixObjectDetail | null }, WebStixObjectQueryVariables>(
  'WebStixObject',
  `query WebStixObject($id: ID!) {
    stixObject(id: $id) {
      id type name tlp confidence created modified raw
      markings { id tlp name }
      externalReferences { sourceName externalId url description }
    }
  }`,
);

export const PATHS = operation<WebPathsQuery, WebPathsQueryVariables>(
  'WebPaths',
  `query WebPaths($from: ID!, $to: ID!, $maxLength: Int, $limit: Int) {
    paths(from: $from, to: $to, maxLength: $maxLength, limit: $limit) {
      nodes { ${NODE_FIELDS} }
      edges { ${EDGE_FIELDS} }
      length
    }
  }`,
);

// ---------------------------------------------------------------------------------------------
// Import / export
// ---------------------------------------------------------------------------------------------

/** Imports and exports of big bundles may take minutes (the request can still be cancelled). */
const LONG_TIMEOUT_MS = 10 * 60_000;

export const IMPORT_STIX_BUNDLE = operation<WebImportStixBundleMutation, WebImportStixBundleMutationVariables>(
  'WebImportStixBundle',
  `mutation WebImportStixBundle($bundle: JSON!, $dryRun: Boolean) {
    importStixBundle(bundle: $bundle, dryRun: $dryRun) { created updated unchanged rejected repaired quarantined dryRun errors { objectId path message } quarantine { objectId path message } }
  }`,
  { timeoutMs: LONG_TIMEOUT_MS },
);

export const IMPORT_FACT_SHEET = operation<WebImportFactSheetMutation, WebImportFactSheetMutationVariables>(
  'WebImportFactSheet',
  `mutation WebImportFactSheet($text: String!, $fileName: String) {
    importFactSheet(text: $text, fileName: $fileName) {
      incidentId created updated unchanged rejected errors { objectId path line column message }
    }
  }`,
  { timeoutMs: LONG_TIMEOUT_MS },
);

export const OBJECT_HISTORY = operation<{ objectHistory: (Omit<ObjectHistory, 'versions'> & { versions: ObjectVersion[] }) | null }, WebObjectHistoryQueryVariables>(
  'WebObjectHistory',
  `query WebObjectHistory($id: ID!) {
    objectHistory(id: $id) { id versions { modified current tlp importedBy importedAt changed raw } }
  }`,
);

/** A saved view; `positions` (JSON on the wire) maps object ids to canvas coordinates. */
export type SavedViewData = Omit<NonNullable<WebSavedViewQuery['savedView']>, 'positions'> & { positions: Record<string, { x: number; y: number }> };

export const SAVE_VIEW = operation<{ saveView: SavedViewData }, WebSaveViewMutationVariables>(
  'WebSaveView',
  `mutation WebSaveView($input: SaveViewInput!) { saveView(input: $input) { id objectIds positions state leftOut createdBy } }`,
);

export const SAVED_VIEW = operation<{ savedView: SavedViewData | null }, WebSavedViewQueryVariables>(
  'WebSavedView',
  `query WebSavedView($id: ID!) { savedView(id: $id) { id objectIds positions state leftOut createdBy } }`,
);

export const EXPORT_STIX_BUNDLE = operation<WebExportStixBundleQuery, WebExportStixBundleQueryVariables>(
  'WebExportStixBundle',
  `query WebExportStixBundle($ids: [ID!], $depth: Int, $incidentId: ID) {
    exportStixBundle(ids: $ids, depth: $depth, incidentId: $incidentId)
  }`,
  { timeoutMs: LONG_TIMEOUT_MS },
);

// ---------------------------------------------------------------------------------------------
// Incidents and hypotheses
// ---------------------------------------------------------------------------------------------

export const INCIDENTS = operation<WebIncidentsQuery>(
  'WebIncidents',
  `query WebIncidents { incidents { id name hypotheses { id name category } } }`,
);

export const ASSESSMENT = operation<WebAssessmentQuery, WebAssessmentQueryVariables>(
  'WebAssessment',
  `query WebAssessment($incidentId: ID!, $asOf: DateTime, $method: AssessmentMethod) {
    assessment(incidentId: $incidentId, asOf: $asOf, method: $method) {
      hypotheses { hypothesis { id name category } score posterior rank label }
      evidence { id diagnosticity }
    }
  }`,
);
