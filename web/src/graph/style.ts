/**
 * The one stylesheet of the canvas, keyed by schema/graph/kinds.ts.
 *
 * Every known STIX type has a colour and a shape here (the Record type makes a missing kind a
 * compile error, and test/unit/web/style.test.ts checks the stylesheet); anything else falls back
 * to the `node` base rule. Colours live only in this module: element data carries semantic fields
 * (`kind`, `stixType`, `tlp`, `confidence`) and classes carry view state.
 */
import type { StylesheetJson } from 'cytoscape';
import {
  CUSTOM_OBJECT,
  PREVIOUS_VERSION,
  REF_EDGE_TYPES,
  REFERS_TO,
  STIX_TYPE_LABELS,
  TLP_LEVELS,
  type KnownStixType,
  type TlpLevel,
} from '../../../schema/graph/kinds';

export type NodeShape =
  | 'ellipse' | 'triangle' | 'round-triangle' | 'rectangle' | 'round-rectangle' | 'cut-rectangle'
  | 'barrel' | 'rhomboid' | 'diamond' | 'round-diamond' | 'pentagon' | 'round-pentagon' | 'hexagon'
  | 'round-hexagon' | 'concave-hexagon' | 'heptagon' | 'octagon' | 'round-octagon' | 'star' | 'tag'
  | 'round-tag' | 'vee';

export interface KindStyle {
  colour: string;
  shape: NodeShape;
  /** Legend group. */
  group: 'Attribution' | 'Actors' | 'Behaviour' | 'Incident' | 'Context' | 'Observables' | 'Meta' | 'Relationships';
  /** Relative size, 1 = default. */
  size?: number;
}

const OBS: Omit<KindStyle, 'shape'> = { colour: '#7c8ea3', group: 'Observables', size: 0.7 };

export const KIND_STYLES: Record<KnownStixType, KindStyle> = {
  // Attribution model
  'attribution-hypothesis': { colour: '#7b2cbf', shape: 'star', group: 'Attribution', size: 1.5 },
  'attribution-evidence': { colour: '#c77dff', shape: 'round-tag', group: 'Attribution', size: 1.1 },
  // Actors
  'threat-actor': { colour: '#c1121f', shape: 'octagon', group: 'Actors', size: 1.3 },
  'intrusion-set': { colour: '#e85d04', shape: 'round-octagon', group: 'Actors', size: 1.2 },
  campaign: { colour: '#f48c06', shape: 'round-hexagon', group: 'Actors' },
  identity: { colour: '#2a9d8f', shape: 'round-rectangle', group: 'Actors' },
  location: { colour: '#52b788', shape: 'round-pentagon', group: 'Actors' },
  // Behaviour and capabilities
  'attack-pattern': { colour: '#d62828', shape: 'diamond', group: 'Behaviour', size: 0.9 },
  malware: { colour: '#9d0208', shape: 'concave-hexagon', group: 'Behaviour' },
  tool: { colour: '#bc6c25', shape: 'cut-rectangle', group: 'Behaviour' },
  infrastructure: { colour: '#6a4c93', shape: 'barrel', group: 'Behaviour' },
  vulnerability: { colour: '#ff006e', shape: 'triangle', group: 'Behaviour' },
  indicator: { colour: '#3a86ff', shape: 'vee', group: 'Behaviour' },
  'course-of-action': { colour: '#2d6a4f', shape: 'round-rectangle', group: 'Behaviour' },
  'malware-analysis': { colour: '#6d597a', shape: 'rectangle', group: 'Behaviour' },
  // Incident Core
  incident: { colour: '#003049', shape: 'round-diamond', group: 'Incident', size: 1.6 },
  event: { colour: '#1d3557', shape: 'round-triangle', group: 'Incident' },
  impact: { colour: '#457b9d', shape: 'pentagon', group: 'Incident' },
  task: { colour: '#588157', shape: 'tag', group: 'Incident' },
  // Context
  report: { colour: '#495057', shape: 'rectangle', group: 'Context' },
  note: { colour: '#e9c46a', shape: 'rectangle', group: 'Context', size: 0.8 },
  opinion: { colour: '#f4a261', shape: 'round-triangle', group: 'Context', size: 0.8 },
  grouping: { colour: '#6c757d', shape: 'round-rectangle', group: 'Context' },
  'observed-data': { colour: '#4361ee', shape: 'hexagon', group: 'Context' },
  // Relationships stored as nodes (so notes can point at them)
  relationship: { colour: '#adb5bd', shape: 'ellipse', group: 'Relationships', size: 0.4 },
  sighting: { colour: '#4cc9f0', shape: 'heptagon', group: 'Relationships', size: 0.8 },
  // Observables (SCOs)
  artifact: { ...OBS, shape: 'rectangle' },
  'autonomous-system': { ...OBS, shape: 'octagon' },
  directory: { ...OBS, shape: 'cut-rectangle' },
  'domain-name': { ...OBS, colour: '#0077b6', shape: 'ellipse' },
  'email-addr': { ...OBS, colour: '#0096c7', shape: 'round-tag' },
  'email-message': { ...OBS, colour: '#0096c7', shape: 'rectangle' },
  file: { ...OBS, colour: '#8d99ae', shape: 'rectangle' },
  'ipv4-addr': { ...OBS, colour: '#00b4d8', shape: 'ellipse' },
  'ipv6-addr': { ...OBS, colour: '#48cae4', shape: 'ellipse' },
  'mac-addr': { ...OBS, shape: 'ellipse' },
  mutex: { ...OBS, shape: 'vee' },
  'network-traffic': { ...OBS, colour: '#0077b6', shape: 'rhomboid' },
  process: { ...OBS, shape: 'hexagon' },
  software: { ...OBS, shape: 'round-rectangle' },
  url: { ...OBS, colour: '#0096c7', shape: 'tag' },
  'user-account': { ...OBS, colour: '#ef476f', shape: 'round-pentagon' },
  'windows-registry-key': { ...OBS, shape: 'barrel' },
  'x509-certificate': { ...OBS, shape: 'round-tag' },
  // Meta
  'marking-definition': { colour: '#343a40', shape: 'tag', group: 'Meta', size: 0.7 },
  'language-content': { colour: '#adb5bd', shape: 'rectangle', group: 'Meta', size: 0.7 },
  'extension-definition': { colour: '#adb5bd', shape: 'round-rectangle', group: 'Meta', size: 0.7 },
};

/** Style of anything not in kinds.ts (custom `x-` objects, future types). */
export const FALLBACK_STYLE: KindStyle = { colour: '#9aa5b1', shape: 'ellipse', group: 'Meta' };

export function kindStyle(stixType: string): KindStyle {
  return Object.prototype.hasOwnProperty.call(KIND_STYLES, stixType)
    ? KIND_STYLES[stixType as KnownStixType]
    : FALLBACK_STYLE;
}

/** TLP 2.0 colours (FIRST's TLP 2.0 palette, on a light canvas). */
export const TLP_COLOURS: Record<TlpLevel, string> = {
  CLEAR: '#6c757d',
  GREEN: '#33a532',
  AMBER: '#ffc000',
  'AMBER+STRICT': '#ff8c00',
  RED: '#ff2b2b',
};

/**
 * Edge families: STIX relationships, embedded references, versions. The attribution model has no
 * edge family: its links are references (`REFERS_TO`), evidence→hypothesis ones coloured by rating.
 */
export const EDGE_FAMILY_COLOURS = {
  relationship: '#6c757d',
  reference: '#b8c0c8',
  version: '#dee2e6',
} as const;

const REFERENCE_EDGES = [...Object.values(REF_EDGE_TYPES), REFERS_TO];
const BASE_NODE_SIZE = 28;

export const RATING_COLOURS = {
  CC: '#1a7f37',
  C: '#6cc070',
  N: '#e9ecef',
  I: '#f08c8c',
  II: '#c1121f',
} as const;

export function buildStylesheet(): StylesheetJson {
  const sheet: StylesheetJson = [
    {
      // Fallback for every node, refined per kind below.
      selector: 'node',
      style: {
        'background-color': FALLBACK_STYLE.colour,
        shape: FALLBACK_STYLE.shape,
        width: BASE_NODE_SIZE,
        height: BASE_NODE_SIZE,
        label: 'data(label)',
        'font-size': 9,
        'font-family': 'system-ui, sans-serif',
        color: '#212529',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-wrap': 'ellipsis',
        'text-max-width': '110px',
        'min-zoomed-font-size': 7,
        'border-width': 2,
        'border-color': '#ffffff',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.7,
        'text-background-padding': '1px',
      },
    },
    { selector: `node[kind = "${CUSTOM_OBJECT}"]`, style: { 'background-color': FALLBACK_STYLE.colour, shape: FALLBACK_STYLE.shape } },
  ];
  for (const [stixType, style] of Object.entries(KIND_STYLES) as [KnownStixType, KindStyle][]) {
    const size = BASE_NODE_SIZE * (style.size ?? 1);
    sheet.push({
      selector: `node[kind = "${STIX_TYPE_LABELS[stixType]}"]`,
      style: { 'background-color': style.colour, shape: style.shape, width: size, height: size },
    });
  }
  // TLP as the node border: shown on every marked object.
  for (const level of TLP_LEVELS) {
    sheet.push({
      selector: `node[tlp = "${level}"]`,
      style: { 'border-color': TLP_COLOURS[level], 'border-width': level === 'CLEAR' ? 2 : 4 },
    });
  }
  sheet.push(
    { selector: 'node[?placeholder]', style: { 'background-opacity': 0.35, 'border-style': 'dashed' } },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'line-color': EDGE_FAMILY_COLOURS.relationship,
        'target-arrow-color': EDGE_FAMILY_COLOURS.relationship,
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        label: 'data(label)',
        'font-size': 7,
        color: '#495057',
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.8,
        'min-zoomed-font-size': 8,
      },
    },
    // Confidence (STIX 0–100) as edge width.
    { selector: 'edge[confidence]', style: { width: 'mapData(confidence, 0, 100, 1, 7)' } },
    {
      selector: REFERENCE_EDGES.map((t) => `edge[edgeType = "${t}"]`).join(', '),
      style: { 'line-color': EDGE_FAMILY_COLOURS.reference, 'target-arrow-color': EDGE_FAMILY_COLOURS.reference, 'line-style': 'dashed' },
    },
    // Evidence→hypothesis edges coloured by the cell's ratings (`rating`: the analysts' common
    // rating, or `mixed` when they differ; set by the explorer from the case, never a colour in data).
    ...(Object.keys(RATING_COLOURS) as (keyof typeof RATING_COLOURS)[]).map((r) => ({
      selector: `edge[rating = "${r}"]`,
      style: { 'line-color': RATING_COLOURS[r] === RATING_COLOURS.N ? '#adb5bd' : RATING_COLOURS[r], 'target-arrow-color': RATING_COLOURS[r] === RATING_COLOURS.N ? '#adb5bd' : RATING_COLOURS[r], width: r === 'CC' || r === 'II' ? 4 : 2.5 },
    })),
    { selector: 'edge[rating = "mixed"]', style: { 'line-color': '#6c757d', 'line-style': 'dashed', width: 2.5 } },
    {
      selector: `edge[edgeType = "${PREVIOUS_VERSION}"]`,
      style: { 'line-color': EDGE_FAMILY_COLOURS.version, 'line-style': 'dotted' },
    },
    // View state, set by class inside cy.batch().
    { selector: '.hidden, .filtered', style: { display: 'none' } },
    { selector: '.faded', style: { opacity: 0.25 } },
    { selector: 'node.pinned', style: { 'border-style': 'double', 'border-width': 6, 'border-color': '#212529' } },
    { selector: 'node.expanded', style: { 'outline-width': 0 } },
    { selector: '.path', style: { 'line-color': '#f72585', 'target-arrow-color': '#f72585', width: 5, 'z-index': 10 } },
    { selector: 'node.path', style: { 'border-color': '#f72585', 'border-width': 5 } },
    { selector: 'node:selected', style: { 'overlay-color': '#0d6efd', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
    { selector: 'edge:selected', style: { 'line-color': '#0d6efd', 'target-arrow-color': '#0d6efd' } },
    { selector: '.focus', style: { 'overlay-color': '#ffbe0b', 'overlay-opacity': 0.35, 'overlay-padding': 8 } },
    { selector: '.no-labels', style: { label: '' } },
  );
  return sheet;
}
