/**
 * The graph controller: owns the canvas (recreated when the renderer changes), adds what the API
 * answers to it, applies the view state's filters and keeps the side panels (legend, filters) and
 * the status bar's counts in step with it.
 */
import type { ElementDefinition } from 'cytoscape';
import type { GraphQLClient } from '../api/client';
import { NEIGHBORHOOD, type ApiNode, type Neighborhood } from '../api/operations';
import { createCanvas, WEBGL_THRESHOLD, type Canvas, type CanvasCallbacks } from '../graph/canvas';
import { presentTypes, timeOf, toElements, type NodeData } from '../graph/elements';
import { edgePasses, filtersActive, nodePasses } from '../state/filters';
import type { ViewStore } from '../state/view-store';
import { renderFilterPanel } from '../views/filter-panel';
import { renderLegend } from '../views/legend';

/** The API takes at most MAX_IDS seeds per call. */
export const MAX_IDS = 100;

export interface AddGraphOptions {
  keepOnly?: Set<string>;
  extraNodes?: ApiNode[];
  layout?: boolean;
}

export interface GraphController {
  /** The canvas now (it is replaced when the renderer changes: never keep it). */
  canvas(): Canvas | null;
  ensureCanvas(total: number): Canvas;
  /** Adds a graph, lays out what was added (unless `layout: false`); returns the ids added. */
  addGraph(graph: Neighborhood, options?: AddGraphOptions): Promise<string[]>;
  neighborhood(ids: string[], depth: number, limit: number, types?: string[] | null, relationshipTypes?: string[] | null, includeRefs?: boolean): Promise<Neighborhood>;
  applyFilters(): void;
  refreshSidePanels(): void;
  /** The status bar's counts, then `extra`. */
  updateCounts(extra?: string): void;
  /** The open case's event times and ratings, drawn into the nodes' and edges' data. */
  setCaseFacts(times: Map<string, string>, ratings: Map<string, string[]>): void;
  writeEventTimes(): void;
}

export interface GraphDeps {
  store: ViewStore;
  client: GraphQLClient;
  canvasHost: HTMLElement;
  legendBox: HTMLElement;
  filterBox: HTMLElement;
  say: (text: string) => void;
  callbacks: CanvasCallbacks;
  /** The as-of date changed in the filter panel. */
  onAsOfChange: () => void;
}

const day = (iso: string, shift = 0) => new Date(Date.parse(iso.slice(0, 10)) + shift * 86_400_000).toISOString().slice(0, 10);

/**
 * The slider's span: the open case's event times (a day either side), so a two-day case is not
 * a one-year slider; without a case, the dates on the canvas up to today.
 */
function dateRange(canvas: Canvas | null, eventTimes: Map<string, string>): { min: string; max: string } | null {
  if (!canvas) return null;
  const events = [...eventTimes.values()].sort();
  if (events.length) return { min: day(events[0]!, -1), max: day(events[events.length - 1]!, 1) };
  let min: string | null = null;
  canvas.cy.nodes().forEach((n) => {
    const time = timeOf(n.data() as NodeData)?.slice(0, 10);
    if (time && (!min || time < min)) min = time;
  });
  if (!min) {
    // Objects without dates: offer the last year so the as-of slider still replays the assessment.
    min = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  }
  return { min, max: new Date().toISOString().slice(0, 10) };
}

/** Event times of the open case, written into the nodes' data (the filters read `eventTime`). */
function writeEventTimes(canvas: Canvas | null, eventTimes: Map<string, string>, cellRatings: Map<string, string[]>): void {
  canvas?.cy.batch(() => {
    for (const [id, time] of eventTimes) canvas.cy.getElementById(id).data('eventTime', time);
    // Evidence→hypothesis edges (the ratings' references: one per pair, see edgeKey), coloured
    // and labelled by the analysts' latest ratings.
    canvas.cy.edges().filter((e) => e.source().data('stixType') === 'attribution-evidence' && e.target().data('stixType') === 'attribution-hypothesis').forEach((edge) => {
      const ratings = cellRatings.get(`${edge.source().id()} ${edge.target().id()}`) ?? [];
      if (!ratings.length) return;
      const same = ratings.every((r) => r === ratings[0]);
      edge.data({ rating: same ? ratings[0] : 'mixed', label: same ? `${ratings[0]}${ratings.length > 1 ? ` ×${ratings.length}` : ''}` : ratings.join('·') });
    });
  });
}

/** A neighbourhood of any number of seeds, asked for MAX_IDS at a time and merged. */
async function neighborhood(client: GraphQLClient, ids: string[], depth: number, limit: number, types: string[] | null = null, relationshipTypes: string[] | null = null, includeRefs = false): Promise<Neighborhood> {
  const merged: Neighborhood = { nodes: [], edges: [], truncated: false };
  for (let i = 0; i < Math.max(1, ids.length); i += MAX_IDS) {
    const data = await client.request(NEIGHBORHOOD, { ids: ids.slice(i, i + MAX_IDS), depth, limit, types, relationshipTypes, includeRefs });
    merged.nodes.push(...data.neighborhood.nodes);
    merged.edges.push(...data.neighborhood.edges);
    merged.truncated ||= data.neighborhood.truncated;
  }
  return merged;
}

export function createGraphController(deps: GraphDeps): GraphController {
  const { store, say } = deps;
  let canvas: Canvas | null = null;
  let eventTimes = new Map<string, string>();
  let cellRatings = new Map<string, string[]>();
  let filteredOut = 0;

  function ensureCanvas(total: number): Canvas {
    const wantWebgl = total > WEBGL_THRESHOLD;
    if (canvas && canvas.webgl === wantWebgl) return canvas;
    // Switching renderer: recreate with the current elements and positions (preset).
    const previous = canvas?.cy.json() as { elements?: { nodes?: ElementDefinition[]; edges?: ElementDefinition[] } } | undefined;
    const elements = previous?.elements ? [...(previous.elements.nodes ?? []), ...(previous.elements.edges ?? [])] : [];
    canvas?.destroy();
    canvas = createCanvas(deps.canvasHost, elements, deps.callbacks);
    return canvas;
  }

  function refreshSidePanels(): void {
    const types = canvas ? presentTypes(canvas.cy.nodes().map((n) => ({ group: 'nodes', data: n.data() }) as ElementDefinition)) : [];
    const state = store.get();
    renderLegend(deps.legendBox, types);
    renderFilterPanel(deps.filterBox, {
      types, filters: state.filters, asOf: state.asOf, dateRange: dateRange(canvas, eventTimes),
      onChange: (filters, asOf) => {
        const asOfChanged = asOf !== store.get().asOf;
        store.set({ filters, asOf });
        applyFilters();
        refreshSidePanels();
        if (asOfChanged) deps.onAsOfChange();
      },
    });
  }

  function applyFilters(): void {
    if (!canvas) return;
    const { filters, asOf } = store.get();
    filteredOut = canvas.applyFilters((d) => nodePasses(d, filters, asOf), (d) => edgePasses(d, filters, asOf));
    updateCounts();
  }

  /** `filteredOut` is the last filter run's (so a layout never resets it to 0). */
  function updateCounts(extra = ''): void {
    if (!canvas) return say('Empty canvas: open an incident or search.');
    const { filters, asOf } = store.get();
    const active = filtersActive(filters, asOf) ? ` · ${filteredOut} filtered out` : '';
    say(`${canvas.cy.nodes().length} nodes · ${canvas.cy.edges().length} edges${active} · ${canvas.webgl ? 'WebGL' : 'canvas'} renderer${extra ? ` · ${extra}` : ''}`);
  }

  async function addGraph(graph: Neighborhood, options: AddGraphOptions = {}): Promise<string[]> {
    const nodes = [...(options.extraNodes ?? []), ...graph.nodes].filter((n) => !options.keepOnly || options.keepOnly.has(n.id));
    const known = new Set(canvas?.cy.elements().map((e) => e.id()) ?? []);
    const knownKeys = new Set(canvas?.cy.edges().map((e) => String(e.data('key'))) ?? []);
    const elements = toElements(nodes, graph.edges, known, knownKeys);
    const target = ensureCanvas(known.size + elements.length);
    const added = target.add(elements);
    writeEventTimes(canvas, eventTimes, cellRatings);
    applyFilters();
    refreshSidePanels();
    if (options.layout !== false && added.length > 0) {
      const layout = store.get().layout;
      const run = await target.layout(layout === 'preset' ? 'fcose' : layout);
      updateCounts(`${store.get().layout} layout ${Math.round(run.ms)} ms${graph.truncated ? ' · result truncated' : ''}`);
    }
    return added;
  }

  return {
    canvas: () => canvas,
    ensureCanvas,
    addGraph,
    neighborhood: (...args) => neighborhood(deps.client, ...args),
    applyFilters,
    refreshSidePanels,
    updateCounts,
    setCaseFacts(times, ratings) {
      eventTimes = times;
      cellRatings = ratings;
    },
    writeEventTimes: () => writeEventTimes(canvas, eventTimes, cellRatings),
  };
}
