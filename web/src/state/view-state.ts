/**
 * View state of the explorer and its URL form, so an analyst can share or reopen a view:
 * incident, selection, filters, as-of date, layout, tab, what the ACH matrix shows, and (for saved views) the canvas — the
 * ids on it and their positions, reopened with the `preset` layout.
 *
 * Simple fields are readable query parameters; the canvas is one `canvas` parameter holding
 * base64url JSON (ids are long; positions are rounded to whole pixels).
 */
import { TLP_LEVELS, type TlpLevel } from '../../../schema/graph/kinds';

export const LAYOUTS = ['fcose', 'concentric', 'dagre', 'grid', 'preset'] as const;
export type LayoutName = (typeof LAYOUTS)[number];

export const TABS = ['graph', 'hypotheses'] as const;
export type Tab = (typeof TABS)[number];

/** What the ACH matrix cells show: the consensus the scores come from, or the analyst's own ratings. */
export const MATRIX_MODES = ['consensus', 'mine'] as const;
export type MatrixMode = (typeof MATRIX_MODES)[number];

export interface Filters {
  /** STIX types hidden by the analyst (an empty list shows everything). */
  hiddenTypes: string[];
  /** Minimum confidence (0–100); nodes and edges without confidence stay visible. */
  minConfidence: number | null;
  /** Inclusive date range on `created` (YYYY-MM-DD). */
  from: string | null;
  to: string | null;
  /** TLP levels shown; empty means all. */
  tlp: TlpLevel[];
}

export interface CanvasSnapshot {
  /** Node ids on the canvas. */
  ids: string[];
  /** Positions by id, whole pixels. */
  positions: Record<string, [number, number]>;
}

export interface ViewState {
  incident: string | null;
  tab: Tab;
  matrix: MatrixMode;
  selected: string[];
  layout: LayoutName;
  asOf: string | null;
  filters: Filters;
  canvas: CanvasSnapshot | null;
}

export function emptyFilters(): Filters {
  return { hiddenTypes: [], minConfidence: null, from: null, to: null, tlp: [] };
}

export function defaultViewState(): ViewState {
  return { incident: null, tab: 'graph', matrix: 'consensus', selected: [], layout: 'fcose', asOf: null, filters: emptyFilters(), canvas: null };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function list(value: string | null): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlDecode(text: string): string {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function parseCanvas(value: string | null): CanvasSnapshot | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(base64UrlDecode(value)) as { i?: unknown; p?: unknown };
    if (!Array.isArray(parsed.i)) return null;
    const ids = parsed.i.filter((x): x is string => typeof x === 'string');
    const positions: Record<string, [number, number]> = {};
    if (Array.isArray(parsed.p)) {
      parsed.p.forEach((pos, index) => {
        const id = ids[index];
        if (id && Array.isArray(pos) && pos.length === 2 && pos.every((n) => typeof n === 'number' && Number.isFinite(n))) {
          positions[id] = [pos[0] as number, pos[1] as number];
        }
      });
    }
    return { ids, positions };
  } catch {
    return null;
  }
}

function encodeCanvas(canvas: CanvasSnapshot): string {
  const p = canvas.ids.map((id) => {
    const pos = canvas.positions[id];
    return pos ? [Math.round(pos[0]), Math.round(pos[1])] : null;
  });
  return base64UrlEncode(JSON.stringify({ i: canvas.ids, p }));
}

/** Parses a query string (`location.search`); unknown or malformed values fall back to defaults. */
export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const state = defaultViewState();
  state.incident = params.get('incident') || null;
  const tab = params.get('tab');
  if (tab && (TABS as readonly string[]).includes(tab)) state.tab = tab as Tab;
  const matrix = params.get('matrix');
  if (matrix && (MATRIX_MODES as readonly string[]).includes(matrix)) state.matrix = matrix as MatrixMode;
  state.selected = list(params.get('sel'));
  const layout = params.get('layout');
  if (layout && (LAYOUTS as readonly string[]).includes(layout)) state.layout = layout as LayoutName;
  const asOf = params.get('asOf');
  if (asOf && DATE.test(asOf)) state.asOf = asOf;
  state.filters.hiddenTypes = list(params.get('hide'));
  const conf = params.get('conf');
  if (conf !== null && /^\d{1,3}$/.test(conf) && Number(conf) <= 100) state.filters.minConfidence = Number(conf);
  const from = params.get('from');
  if (from && DATE.test(from)) state.filters.from = from;
  const to = params.get('to');
  if (to && DATE.test(to)) state.filters.to = to;
  state.filters.tlp = list(params.get('tlp')).filter((t): t is TlpLevel => (TLP_LEVELS as readonly string[]).includes(t));
  state.canvas = parseCanvas(params.get('canvas'));
  return state;
}

/** The query string for a state (with leading `?`, or '' when everything is default). */
export function serializeViewState(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.incident) params.set('incident', state.incident);
  if (state.tab !== 'graph') params.set('tab', state.tab);
  if (state.matrix !== 'consensus') params.set('matrix', state.matrix);
  if (state.selected.length) params.set('sel', state.selected.join(','));
  if (state.layout !== 'fcose') params.set('layout', state.layout);
  if (state.asOf) params.set('asOf', state.asOf);
  if (state.filters.hiddenTypes.length) params.set('hide', state.filters.hiddenTypes.join(','));
  if (state.filters.minConfidence !== null) params.set('conf', String(state.filters.minConfidence));
  if (state.filters.from) params.set('from', state.filters.from);
  if (state.filters.to) params.set('to', state.filters.to);
  if (state.filters.tlp.length) params.set('tlp', state.filters.tlp.join(','));
  if (state.canvas) params.set('canvas', encodeCanvas(state.canvas));
  const text = params.toString();
  return text ? `?${text}` : '';
}
