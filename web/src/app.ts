/**
 * The explorer: composes the typed client, the canvas and the views, and keeps the view state in
 * the URL. Only this module talks to both the API (through web/src/api) and the canvas.
 */
import type { ElementDefinition, NodeSingular } from 'cytoscape';
import { describeError, UnsupportedOperationError, type GraphQLClient } from './api/client';
import {
  EXPORT_STIX_BUNDLE, IMPORT_STIX_BUNDLE, INCIDENTS, NEIGHBORHOOD, OBJECT_HISTORY, PATHS, rankHits, SAVE_VIEW, SAVED_VIEW, SEARCH, STIX_OBJECT,
  type ApiNode, type ImportResult, type IncidentSummary, type Neighborhood, type Viewer,
} from './api/operations';
import { caseFacts, fetchBrief, findLinkable, loadHypotheses, type HypothesesApi } from './api/hypotheses';
import type { TokenStore } from './api/session';
import { createCanvas, WEBGL_THRESHOLD, type Canvas } from './graph/canvas';
import { presentTypes, timeOf, toElements, type NodeData } from './graph/elements';
import { canvasTlp, markPng } from './graph/export-marking';
import { canvasToSvg } from './graph/svg-export';
import { edgePasses, filtersActive, nodePasses } from './state/filters';
import { LAYOUTS, parseViewState, serializeViewState, type LayoutName, type ViewState } from './state/view-state';
import { renderDetailPanel, type DetailContext } from './views/detail-panel';
import { download, h } from './views/dom';
import { captureDrafts, restoreDrafts } from './views/drafts';
import { renderFilterPanel } from './views/filter-panel';
import { renderHypotheses, type HypothesesCallbacks } from './views/hypotheses-view';
import { renderCandidatesPanel } from './views/candidates-panel';
import { installImport, type ImportKind } from './views/import-drop';
import { renderLegend } from './views/legend';
import { createSearchPanel } from './views/search-panel';

export interface AppDeps {
  root: HTMLElement;
  client: GraphQLClient;
  tokens: TokenStore;
  viewer: Viewer | null;
  hypothesesApi: HypothesesApi;
  onSignOut: () => void;
  /** Subscribes to the number of requests waiting for an answer (shows Cancel when one hangs). */
  onPending?: (listener: (pending: number) => void) => void;
}

const EXPAND_LIMIT = 250;
const MAX_IDS = 100;
const CASE_TYPES = new Set(['attribution-hypothesis', 'attribution-evidence']);
const INCIDENT_LIMIT = 400;
const PATHS_LIMIT = 10;

export function startExplorer(deps: AppDeps): void {
  const { root, client } = deps;
  let state: ViewState = parseViewState(window.location.search);
  const firstVisit = window.location.search === '';
  // A view saved on the server: `?view=<id>` (loaded at start, below).
  const savedViewId = new URLSearchParams(window.location.search).get('view');
  const expandedBy = new Map<string, string[]>();
  let incidents: IncidentSummary[] = [];
  let eventTimes = new Map<string, string>();
  let openToken = 0;
  let cellRatings = new Map<string, string[]>();
  let filteredOut = 0;
  let canvas: Canvas | null = null;
  let selectionToken = 0;
  const canEdit = deps.viewer ? deps.viewer.role !== 'reader' : true;

  // ----- layout of the page ------------------------------------------------------------------
  const incidentSelect = h('select', { id: 'incident', 'aria-label': 'Incident' }, h('option', { value: '' }, 'No incident'));
  const tabGraph = h('button', { type: 'button', id: 'tab-graph', role: 'tab' }, 'Graph');
  const tabHyp = h('button', { type: 'button', id: 'tab-hypotheses', role: 'tab', title: 'ACH matrix, posteriors, sensitivity, history' }, 'Hypotheses');
  const layoutSelect = h('select', { id: 'layout', 'aria-label': 'Layout' },
    LAYOUTS.filter((l) => l !== 'preset').map((l) => h('option', { value: l }, l === 'concentric' ? 'concentric by hypothesis' : l)));
  const fitButton = h('button', { type: 'button', title: 'Fit the graph to the window (f)' }, 'Fit');
  const expandDepth = h('select', { id: 'expand-depth', 'aria-label': 'Depth of the expansion of the selection' },
    [1, 2, 3].map((d) => h('option', { value: String(d) }, d === 1 ? '1 hop' : `${d} hops`)));
  const expandSelection = h('button', { type: 'button', id: 'expand-selection', disabled: true, title: 'Expand every selected node, to the chosen depth' }, 'Expand selection');
  const pathButton = h('button', { type: 'button', id: 'path', disabled: true, title: 'Shortest path between the two selected nodes (click two nodes, or Shift+] on the canvas)' }, 'Path');
  const showHidden = h('button', { type: 'button', title: 'Show hidden nodes' }, 'Unhide');
  const clearButton = h('button', { type: 'button', id: 'clear-canvas', title: 'Remove everything from the canvas (nothing is deleted from the database)' }, 'Clear');
  const importButton = h('button', { type: 'button', id: 'import' }, 'Import…');
  const checkButton = h('button', { type: 'button', id: 'check-import', title: 'See what a STIX bundle would create or update, without writing anything' }, 'Check…');
  const exportSelect = h('select', { id: 'export', 'aria-label': 'Export the view' },
    h('option', { value: '' }, 'Export…'), h('option', { value: 'png' }, 'PNG image'), h('option', { value: 'svg' }, 'SVG image'),
    h('option', { value: 'json' }, 'Cytoscape JSON'), h('option', { value: 'stix' }, 'STIX bundle'));
  const saveView = h('button', { type: 'button', id: 'save-view', title: 'Put the canvas (elements, positions) and filters in the URL' }, 'Save view');
  const signOut = h('button', { type: 'button', id: 'sign-out' }, 'Sign out');
  const cancelRequests = h('button', { type: 'button', id: 'cancel-requests', hidden: true, title: 'Stop waiting for the server (requests time out on their own after 30 s)' }, 'Cancel');
  const who = h('span', { class: 'who', title: deps.viewer ? `cleared for TLP:${deps.viewer.clearance}` : '' }, deps.viewer ? `${deps.viewer.name} (${deps.viewer.role}, TLP:${deps.viewer.clearance.replace('_', '+')})` : 'signed in');

  const header = h('header', { class: 'toolbar' },
    h('strong', { class: 'brand' }, 'Attribution Graph'), incidentSelect,
    h('div', { role: 'tablist', class: 'tabs' }, tabGraph, tabHyp),
    layoutSelect, fitButton, h('span', { class: 'group' }, expandSelection, expandDepth), pathButton, showHidden, clearButton,
    // Readers cannot import: the actions are not offered rather than refused after a file is picked.
    canEdit ? importButton : null, canEdit ? checkButton : null, exportSelect, saveView,
    h('span', { class: 'spacer' }), cancelRequests, who, signOut);

  const searchBox = h('section', { class: 'panel' });
  const filterBox = h('section', { class: 'panel' });
  const legendBox = h('section', { class: 'panel legend' });
  const left = h('aside', { class: 'left', 'aria-label': 'Search and filters' }, searchBox, filterBox, legendBox);
  const canvasHost = h('div', { id: 'canvas', class: 'canvas', tabindex: 0, role: 'application', 'aria-label': 'Graph canvas. Keys: Enter expand, c collapse, h hide, p pin, Delete remove, [ and ] move between nodes, Shift+[ and Shift+] add the previous or next node to the selection, f fit, Escape clear.' });
  const statusBar = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'status' });
  const graphView = h('section', { class: 'graph-view', 'aria-label': 'Graph' }, canvasHost, statusBar);
  const hypView = h('section', { class: 'hypotheses-view', id: 'hypotheses', hidden: true, 'aria-label': 'Hypotheses' });
  const center = h('div', { class: 'center' }, graphView, hypView);
  const detail = h('aside', { class: 'right panel', id: 'detail', 'aria-label': 'Details' });
  const dialogs = h('div', { class: 'dialogs' });
  const main = h('main', { class: 'workspace' }, left, center, detail);
  root.replaceChildren(header, main, dialogs);

  const say = (text: string): void => {
    statusBar.textContent = text;
  };

  // ----- URL state -----------------------------------------------------------------------------
  let urlTimer: number | undefined;
  const writeUrl = () => {
    window.clearTimeout(urlTimer);
    urlTimer = window.setTimeout(() => {
      const query = serializeViewState(state);
      window.history.replaceState(null, '', `${window.location.pathname}${query}`);
    }, 50);
  };
  const setState = (patch: Partial<ViewState>) => {
    state = { ...state, ...patch };
    writeUrl();
  };

  // ----- canvas --------------------------------------------------------------------------------
  const callbacks = {
    onSelectionChange: (ids: string[]) => {
      setState({ selected: ids });
      pathButton.disabled = ids.length !== 2;
      expandSelection.disabled = ids.length === 0;
      void showDetail(ids.length === 1 ? ids[0]! : null);
    },
    onOpen: (id: string) => void expand([id], null, null),
  };

  function ensureCanvas(total: number): Canvas {
    const wantWebgl = total > WEBGL_THRESHOLD;
    if (canvas && canvas.webgl === wantWebgl) return canvas;
    // Switching renderer: recreate with the current elements and positions (preset).
    const previous = canvas?.cy.json() as { elements?: { nodes?: ElementDefinition[]; edges?: ElementDefinition[] } } | undefined;
    const elements = previous?.elements ? [...(previous.elements.nodes ?? []), ...(previous.elements.edges ?? [])] : [];
    canvas?.destroy();
    canvas = createCanvas(canvasHost, elements, callbacks);
    return canvas;
  }

  function refreshSidePanels(): void {
    const types = canvas ? presentTypes(canvas.cy.nodes().map((n) => ({ group: 'nodes', data: n.data() }) as ElementDefinition)) : [];
    renderLegend(legendBox, types);
    renderFilterPanel(filterBox, {
      types, filters: state.filters, asOf: state.asOf, dateRange: dateRange(),
      onChange: (filters, asOf) => {
        const asOfChanged = asOf !== state.asOf;
        setState({ filters, asOf });
        applyFilters();
        refreshSidePanels();
        if (asOfChanged && state.tab === 'hypotheses') void showHypotheses();
      },
    });
  }

  /**
   * The slider's span: the open case's event times (a day either side), so a two-day case is not
   * a one-year slider; without a case, the dates on the canvas up to today.
   */
  function dateRange(): { min: string; max: string } | null {
    if (!canvas) return null;
    const day = (iso: string, shift = 0) => new Date(Date.parse(iso.slice(0, 10)) + shift * 86_400_000).toISOString().slice(0, 10);
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
  function writeEventTimes(): void {
    canvas?.cy.batch(() => {
      for (const [id, time] of eventTimes) canvas!.cy.getElementById(id).data('eventTime', time);
      // Evidence→hypothesis edges (the ratings' references: one per pair, see edgeKey), coloured
      // and labelled by the analysts' latest ratings.
      canvas!.cy.edges().filter((e) => e.source().data('stixType') === 'attribution-evidence' && e.target().data('stixType') === 'attribution-hypothesis').forEach((edge) => {
        const ratings = cellRatings.get(`${edge.source().id()} ${edge.target().id()}`) ?? [];
        if (!ratings.length) return;
        const same = ratings.every((r) => r === ratings[0]);
        edge.data({ rating: same ? ratings[0] : 'mixed', label: same ? `${ratings[0]}${ratings.length > 1 ? ` ×${ratings.length}` : ''}` : ratings.join('·') });
      });
    });
  }

  function applyFilters(): void {
    if (!canvas) return;
    filteredOut = canvas.applyFilters((d) => nodePasses(d, state.filters, state.asOf), (d) => edgePasses(d, state.filters, state.asOf));
    updateCounts();
  }

  /** The status bar's counts; `filtered` is the last filter run's (so a layout never resets it to 0). */
  function updateCounts(_filtered = filteredOut, extra = ''): void {
    const filtered = filteredOut;
    if (!canvas) return say('Empty canvas: open an incident or search.');
    const nodes = canvas.cy.nodes().length;
    const edges = canvas.cy.edges().length;
    const active = filtersActive(state.filters, state.asOf) ? ` · ${filtered} filtered out` : '';
    say(`${nodes} nodes · ${edges} edges${active} · ${canvas.webgl ? 'WebGL' : 'canvas'} renderer${extra ? ` · ${extra}` : ''}`);
  }

  async function addGraph(graph: Neighborhood, options: { keepOnly?: Set<string>; extraNodes?: ApiNode[]; layout?: boolean } = {}): Promise<string[]> {
    const nodes = [...(options.extraNodes ?? []), ...graph.nodes].filter((n) => !options.keepOnly || options.keepOnly.has(n.id));
    const known = new Set(canvas?.cy.elements().map((e) => e.id()) ?? []);
    const knownKeys = new Set(canvas?.cy.edges().map((e) => String(e.data('key'))) ?? []);
    const elements = toElements(nodes, graph.edges, known, knownKeys);
    const target = ensureCanvas(known.size + elements.length);
    const added = target.add(elements);
    writeEventTimes();
    applyFilters();
    refreshSidePanels();
    if (options.layout !== false && added.length > 0) {
      const run = await target.layout(state.layout === 'preset' ? 'fcose' : state.layout);
      updateCounts(0, `${state.layout} layout ${Math.round(run.ms)} ms${graph.truncated ? ' · result truncated' : ''}`);
    }
    return added;
  }

  async function neighborhood(ids: string[], depth: number, limit: number, types: string[] | null = null, relationshipTypes: string[] | null = null, includeRefs = false): Promise<Neighborhood> {
    // The API takes at most MAX_IDS seeds per call.
    const merged: Neighborhood = { nodes: [], edges: [], truncated: false };
    for (let i = 0; i < Math.max(1, ids.length); i += MAX_IDS) {
      const data = await client.request(NEIGHBORHOOD, { ids: ids.slice(i, i + MAX_IDS), depth, limit, types, relationshipTypes, includeRefs });
      merged.nodes.push(...data.neighborhood.nodes);
      merged.edges.push(...data.neighborhood.edges);
      merged.truncated ||= data.neighborhood.truncated;
    }
    return merged;
  }

  /** Expands `ids` together to `depth` hops (collapse of one of them removes what it brought, as for one). */
  async function expand(ids: string[], relationshipTypes: string[] | null, types: string[] | null, includeRefs = false, depth = 1): Promise<void> {
    say('Expanding…');
    try {
      const graph = await neighborhood(ids, depth, EXPAND_LIMIT, types, relationshipTypes, includeRefs);
      const added = await addGraph(graph);
      const nodeIds = added.filter((x) => canvas?.cy.getElementById(x).isNode());
      for (const id of ids) {
        expandedBy.set(id, [...(expandedBy.get(id) ?? []), ...nodeIds]);
        canvas?.cy.getElementById(id).addClass('expanded');
      }
      const what = ids.length === 1 && depth === 1 ? 'expanded' : `expanded ${ids.length} node${ids.length === 1 ? '' : 's'}, ${depth} hop${depth === 1 ? '' : 's'}`;
      updateCounts(0, `${what}: ${nodeIds.length} new node(s)${graph.truncated ? ' (truncated)' : ''}`);
      if (state.selected.length === 1 && ids.includes(state.selected[0]!)) void showDetail(state.selected[0]!);
    } catch (error) {
      say(describeError(error));
    }
  }

  function collapse(id: string): void {
    if (!canvas) return;
    const added = new Set(expandedBy.get(id) ?? []);
    const cy = canvas.cy;
    const removable = [...added].filter((nodeId) => {
      const node = cy.getElementById(nodeId);
      if (node.empty() || node.hasClass('pinned') || expandedBy.has(nodeId)) return false;
      return node.neighborhood('node').map((n) => n.id()).every((nid) => nid === id || added.has(nid));
    });
    canvas.remove(removable);
    expandedBy.delete(id);
    cy.getElementById(id).removeClass('expanded');
    refreshSidePanels();
    updateCounts(0, `collapsed: ${removable.length} node(s) removed`);
    if (state.selected[0] === id) void showDetail(id);
  }

  function hide(ids: string[]): void {
    if (!canvas) return;
    canvas.hide(ids);
    const hidden = canvas.cy.nodes('.hidden').length;
    updateCounts(0, `hidden: ${hidden} node(s) (Unhide shows them)`);
    void showDetail(null);
  }

  function pin(ids: string[]): void {
    if (!canvas) return;
    canvas.togglePin(ids);
    const pinned = ids.filter((id) => canvas!.cy.getElementById(id).hasClass('pinned')).length;
    updateCounts(0, pinned ? `pinned: ${pinned} node(s) keep their position` : `unpinned: ${ids.length} node(s)`);
    if (ids.length === 1) void showDetail(ids[0]!);
  }

  function clearCanvas(): void {
    if (!canvas) return;
    canvas.clear();
    expandedBy.clear();
    eventTimes = new Map();
    cellRatings = new Map();
    setState({ selected: [], canvas: null });
    refreshSidePanels();
    void showDetail(null);
    updateCounts(0, 'canvas cleared');
  }

  const detailActions = {
    expand: (id: string, rel: string[] | null, types: string[] | null, refs: boolean) => void expand([id], rel, types, refs),
    collapse,
    hide: (id: string) => hide([id]),
    pin: (id: string) => pin([id]),
    remove: (id: string) => { canvas?.remove([id]); expandedBy.delete(id); refreshSidePanels(); updateCounts(); void showDetail(null); },
    select: (id: string) => void selectOrAdd(id),
    nameOf: (id: string) => canvas?.nodeData(id)?.name ?? null,
  };

  async function selectOrAdd(id: string): Promise<void> {
    if (!canvas?.has(id)) {
      const data = await client.request(STIX_OBJECT, { id }).catch(() => null);
      const obj = data?.stixObject;
      if (!obj) return;
      const graph = await neighborhood([id], 1, EXPAND_LIMIT).catch(() => ({ nodes: [], edges: [], truncated: false }));
      await addGraph(graph, { extraNodes: [{ id: obj.id, type: obj.type, name: obj.name }], keepOnly: new Set([id, ...(canvas?.nodeIds() ?? [])]) });
    }
    canvas?.select([id]);
    canvas?.focus(id);
  }

  async function showDetail(id: string | null): Promise<void> {
    const token = ++selectionToken;
    if (!id) return renderDetailPanel(detail, null, detailActions);
    detail.replaceChildren(h('p', { class: 'hint' }, 'Loading…'));
    try {
      const data = await client.request(STIX_OBJECT, { id });
      if (token !== selectionToken) return;
      if (!data.stixObject) {
        detail.replaceChildren(h('p', {}, 'This object is not visible to you (or no longer exists).'));
        return;
      }
      const node = canvas?.cy.getElementById(id);
      const context: DetailContext = {
        object: data.stixObject,
        pinned: Boolean(node?.hasClass('pinned')),
        expanded: expandedBy.has(id),
        annotations: null,
        history: null,
      };
      renderDetailPanel(detail, context, detailActions);
      // Notes and opinions point at what they discuss through `object_refs` (a reference).
      const [around, versions] = await Promise.all([
        neighborhood([id], 1, 100, ['note', 'opinion'], null, true).catch(() => null),
        client.request(OBJECT_HISTORY, { id }).then((d) => d.objectHistory?.versions ?? 'No version you may see.', (e: unknown) => describeError(e)),
      ]);
      if (token !== selectionToken) return;
      context.annotations = around ? around.nodes.filter((n) => n.id !== id && (n.type === 'note' || n.type === 'opinion')) : [];
      context.history = versions;
      renderDetailPanel(detail, context, detailActions);
    } catch (error) {
      if (token === selectionToken) detail.replaceChildren(h('p', { class: 'error' }, describeError(error)));
    }
  }

  // ----- incidents and hypotheses ------------------------------------------------------------
  async function openIncident(id: string, options: { layout?: boolean } = {}): Promise<void> {
    // One workspace per incident: opening another incident starts from a clear canvas.
    if (state.incident && state.incident !== id && canvas && canvas.cy.nodes().length > 0) clearCanvas();
    setState({ incident: id });
    incidentSelect.value = id;
    say('Opening the incident…');
    // Only the latest incident asked for is drawn (choosing another while one loads drops the first).
    const token = ++openToken;
    canvasHost.setAttribute('aria-busy', 'true');
    try {
      // Hypotheses and evidence point at the incident by `incident_ref` (an embedded reference),
      // so the case is the incident's neighbourhood with references, then one more hop from its
      // hypotheses and evidence (candidate actors, the objects evidence is about). Marking
      // definitions are left out: they are hubs, and TLP already shows as each node's border.
      const first = await neighborhood([id], 1, INCIDENT_LIMIT, null, null, true);
      const caseIds = first.nodes.filter((n) => CASE_TYPES.has(n.type)).map((n) => n.id);
      const second = caseIds.length ? await neighborhood(caseIds, 1, INCIDENT_LIMIT, null, null, true) : { nodes: [], edges: [], truncated: false };
      const facts = await caseFacts(client, id).catch(() => ({ times: new Map<string, string>(), ratings: new Map<string, string[]>(), members: null }));
      // Deleted (revoked) hypotheses and evidence are still stored objects: the case's canvas leaves them out.
      const member = (n: ApiNode) => !CASE_TYPES.has(n.type) || facts.members === null || facts.members.has(n.id);
      const graph: Neighborhood = {
        nodes: [...first.nodes, ...second.nodes].filter((n) => n.type !== 'marking-definition' && member(n)),
        edges: [...first.edges, ...second.edges],
        truncated: first.truncated || second.truncated,
      };
      if (token !== openToken) return;
      eventTimes = facts.times;
      cellRatings = facts.ratings;
      await addGraph(graph, options);
      if (token !== openToken) return; // another incident was asked for during the layout
      writeEventTimes();
      applyFilters();
      refreshSidePanels();
      if (state.tab === 'hypotheses') void showHypotheses();
    } catch (error) {
      say(describeError(error));
    } finally {
      if (token === openToken) canvasHost.removeAttribute('aria-busy');
    }
  }

  let hypGeneration = 0;
  async function showHypotheses(): Promise<void> {
    const incident = incidents.find((i) => i.id === state.incident);
    if (!incident) {
      renderHypotheses(hypView, { unavailable: incidents.length ? 'Choose an incident first.' : 'No incident is available on this server yet.' });
      return;
    }
    if (!hypView.hasChildNodes()) hypView.replaceChildren(h('p', { class: 'hint' }, 'Loading the assessment…'));
    // Loads can overlap (the tab opened while the incident loads, two saves in a row): only the
    // latest one draws, so an older answer never replaces a newer one.
    const generation = ++hypGeneration;
    // Busy until the latest load has drawn (assistive technology, and anything waiting for a settled view).
    hypView.setAttribute('aria-busy', 'true');
    try {
      const data = await loadHypotheses(deps.hypothesesApi, client, incident, state.asOf, canEdit, deps.viewer?.name ?? null);
      if (generation !== hypGeneration) return;
      // The candidates panel (views/candidates-panel.ts) lives below the matrix; kept across re-renders.
      const candidates = h('section', { class: 'candidates-panel', 'aria-label': 'Candidate actors' });
      void renderCandidatesPanel(candidates, { client, incidentId: incident.id, canEdit, onCreated: async () => { await refreshIncidents(); await showHypotheses(); } });
      // What is typed, open or reported next to a field (and where the focus is) survives a redraw.
      const render = () => {
        const drafts = captureDrafts(hypView);
        renderHypotheses(hypView, { ...data, mode: canEdit ? state.matrix : 'consensus' }, callbacks);
        hypView.append(candidates);
        restoreDrafts(hypView, drafts);
      };
      const api = deps.hypothesesApi;
      const reload = async (refresh = false) => {
        if (refresh) await refreshIncidents();
        await showHypotheses();
      };
      const callbacks: HypothesesCallbacks = {
        setMode: (mode) => {
          setState({ matrix: mode });
          render();
          document.getElementById(mode === 'mine' ? 'matrix-mine' : 'matrix-consensus')?.focus();
        },
        rate: api.rate ? async (evidenceId, hypothesisId, rating, rationale) => {
          await api.rate!(client, { incidentId: incident.id, evidenceId, hypothesisId, rating, rationale });
          await reload();
        } : undefined,
        addHypothesis: api.addHypothesis ? async (fields) => {
          await api.addHypothesis!(client, { incidentId: incident.id, ...fields });
          await reload(true);
          say(`Hypothesis added: ${fields.name}.`);
        } : undefined,
        updateHypothesis: api.updateHypothesis ? async (id, patch, expectedModified) => {
          await api.updateHypothesis!(client, id, patch, expectedModified);
          await reload(true);
        } : undefined,
        setStatus: api.setStatus ? async (id, status, rationale) => {
          await api.setStatus!(client, id, status, rationale);
          await reload();
        } : undefined,
        setJudgement: api.setJudgement ? async (id, probability, rationale) => {
          await api.setJudgement!(client, id, probability, rationale);
          await reload();
        } : undefined,
        setPriors: api.updateHypothesis ? async (priors, other) => {
          const current = new Map(data.hypotheses.map((x) => [x.id, x]));
          for (const [id, prior] of Object.entries(priors)) {
            if (current.get(id)?.prior !== prior) await api.updateHypothesis!(client, id, { prior }, current.get(id)?.modified ?? null);
          }
          if (other && api.addHypothesis) await api.addHypothesis(client, { incidentId: incident.id, ...other });
          await reload(true);
        } : undefined,
        addEvidence: api.addEvidence ? async (fields) => {
          await api.addEvidence!(client, { incidentId: incident.id, ...fields });
          await reload();
          say(`Evidence added: ${fields.name}.`);
        } : undefined,
        updateEvidence: api.updateEvidence ? async (id, patch, expectedModified) => {
          await api.updateEvidence!(client, id, patch, expectedModified);
          await reload();
        } : undefined,
        deleteHypothesis: api.deleteHypothesis ? async (id, rationale) => {
          const name = data.hypotheses.find((x) => x.id === id)?.name ?? id;
          await api.deleteHypothesis!(client, id, rationale);
          await reload(true);
          say(`Hypothesis deleted: ${name}. Its versions stay in the history.`);
        } : undefined,
        deleteEvidence: api.deleteEvidence ? async (id, rationale) => {
          const name = data.evidence.find((x) => x.id === id)?.name ?? id;
          await api.deleteEvidence!(client, id, rationale);
          await reload();
          say(`Evidence deleted: ${name}. Its versions stay in the history.`);
        } : undefined,
        brief: (format) => fetchBrief(client, incident.id, state.asOf, format),
        findObjects: (text) => findLinkable(client, text),
        canvasSelection: () => (canvas?.selectedIds() ?? []).map((id) => {
          const d = canvas!.cy.getElementById(id).data() as NodeData;
          return { id, type: d.stixType, name: d.name };
        }),
      };
      render();
    } catch (error) {
      if (generation !== hypGeneration) return;
      renderHypotheses(hypView, {
        unavailable: error instanceof UnsupportedOperationError
          ? 'The assessment is not available on this server yet (the hypotheses API has not been deployed).'
          : describeError(error),
      });
    } finally {
      if (generation === hypGeneration) hypView.removeAttribute('aria-busy');
    }
  }

  function setTab(tab: ViewState['tab']): void {
    setState({ tab });
    tabGraph.setAttribute('aria-selected', String(tab === 'graph'));
    tabHyp.setAttribute('aria-selected', String(tab === 'hypotheses'));
    graphView.hidden = tab !== 'graph';
    hypView.hidden = tab !== 'hypotheses';
    if (tab === 'hypotheses') void showHypotheses();
    else canvas?.resize();
  }

  async function refreshIncidents(): Promise<void> {
    try {
      incidents = (await client.request(INCIDENTS)).incidents;
      incidentSelect.replaceChildren(h('option', { value: '' }, incidents.length ? 'Choose an incident…' : 'No incident'),
        ...incidents.map((i) => h('option', { value: i.id }, i.name)));
      if (state.incident) incidentSelect.value = state.incident;
    } catch (error) {
      incidents = [];
      incidentSelect.replaceChildren(h('option', { value: '' }, 'Incidents unavailable'));
      incidentSelect.disabled = true;
      incidentSelect.title = describeError(error);
    }
  }

  // ----- import / export -----------------------------------------------------------------------
  const importer = installImport(document.body, dialogs, {
    importFile: async (kind: ImportKind, text: string, fileName: string, dryRun: boolean): Promise<ImportResult> => {
      if (kind === 'fact-sheet') {
        if (!deps.hypothesesApi.importFactSheet) throw new Error('Importing fact sheets is not available on this server yet; import a STIX bundle, or use the command line.');
        return deps.hypothesesApi.importFactSheet(client, text, fileName);
      }
      let bundle: unknown;
      try {
        bundle = JSON.parse(text);
      } catch (error) {
        throw new Error(`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      return (await client.request(IMPORT_STIX_BUNDLE, { bundle, dryRun })).importStixBundle;
    },
    onImported: (result) => {
      if (result.rejected > 0 || result.errors.length > 0) return say(`Import refused: ${result.errors.length} problem(s), nothing written.`);
      void refreshIncidents();
      say(`Imported: ${result.created} created, ${result.updated} updated. ${result.incidentId ? 'Open the incident to see it.' : 'Search to add the new objects to the canvas.'}`);
    },
    openIncident: (id) => void refreshIncidents().then(() => openIncident(id)),
  });

  async function exportAs(format: string): Promise<void> {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    try {
      if (format === 'stix') {
        const ids = canvas?.nodeIds() ?? [];
        const variables = ids.length ? { ids, depth: 0 } : state.incident ? { incidentId: state.incident } : null;
        if (!variables) return say('Nothing to export.');
        const data = await client.request(EXPORT_STIX_BUNDLE, variables);
        download(`attribution-graph-${stamp}.stix.json`, new Blob([JSON.stringify(data.exportStixBundle, null, 2)], { type: 'application/json' }));
        return say('STIX bundle exported.');
      }
      if (!canvas) return say('Nothing to export.');
      if (format === 'png') download(`attribution-graph-${stamp}.png`, await markPng(await canvas.png(), canvasTlp(canvas.cy)));
      if (format === 'svg') download(`attribution-graph-${stamp}.svg`, new Blob([canvasToSvg(canvas.cy)], { type: 'image/svg+xml' }));
      if (format === 'json') download(`attribution-graph-${stamp}.cytoscape.json`, new Blob([JSON.stringify(canvas.json())], { type: 'application/json' }));
      say(`${format.toUpperCase()} exported.`);
    } catch (error) {
      say(describeError(error));
    }
  }

  // ----- wiring ----------------------------------------------------------------------------------
  const search = createSearchPanel(searchBox, {
    search: async (text, after, includeRelationships) => {
      const data = await client.request(SEARCH, { text, first: 25, after });
      return {
        nodes: rankHits(data.search.edges.map((e) => e.node), text, includeRelationships),
        totalCount: data.search.totalCount,
        endCursor: data.search.pageInfo.endCursor,
        hasNextPage: data.search.pageInfo.hasNextPage,
      };
    },
    add: (nodes) => void (async () => {
      const ids = nodes.map((n) => n.id);
      const graph = await neighborhood(ids, 1, EXPAND_LIMIT).catch(() => ({ nodes: [], edges: [], truncated: false }));
      // Only the chosen nodes are added, with the edges that link them to what is on the canvas.
      await addGraph(graph, { extraNodes: nodes, keepOnly: new Set([...ids, ...(canvas?.nodeIds() ?? [])]) });
      if (ids.length === 1) {
        canvas?.select(ids);
        canvas?.focus(ids[0]!);
      }
    })(),
    isOnCanvas: (id) => Boolean(canvas?.has(id)),
  });

  incidentSelect.addEventListener('change', () => {
    if (incidentSelect.value) void openIncident(incidentSelect.value);
  });
  tabGraph.addEventListener('click', () => setTab('graph'));
  tabHyp.addEventListener('click', () => setTab('hypotheses'));
  layoutSelect.addEventListener('change', () => {
    const name = layoutSelect.value as LayoutName;
    setState({ layout: name });
    void canvas?.layout(name).then((run) => updateCounts(0, `${name} layout ${Math.round(run.ms)} ms`));
  });
  fitButton.addEventListener('click', () => canvas?.fit());
  expandSelection.addEventListener('click', () => {
    const ids = canvas?.selectedIds() ?? [];
    if (ids.length) void expand(ids, null, null, false, Number(expandDepth.value));
  });
  pathButton.addEventListener('click', () => void (async () => {
    const [a, b] = state.selected;
    if (!canvas || !a || !b) return;
    say('Looking for the shortest path…');
    try {
      // The server searches the whole graph you may see; the path's objects join the canvas.
      // Every shortest path the server finds (up to PATHS_LIMIT), laid out and fitted.
      const paths = (await client.request(PATHS, { from: a, to: b, limit: PATHS_LIMIT })).paths;
      const shortest = paths.length ? Math.min(...paths.map((p) => p.nodes.length)) : 0;
      const kept = paths.filter((p) => p.nodes.length === shortest);
      if (kept.length) {
        await addGraph({ nodes: kept.flatMap((p) => p.nodes), edges: kept.flatMap((p) => p.edges), truncated: false });
        const onPath = new Set(kept.flatMap((p) => p.nodes.map((n) => n.id)));
        canvas!.cy.batch(() => {
          canvas!.cy.$('.path').removeClass('path');
          canvas!.cy.nodes().filter((n) => onPath.has(n.id())).addClass('path');
          canvas!.cy.edges().filter((e) => onPath.has(e.source().id()) && onPath.has(e.target().id())).addClass('path');
        });
        canvas!.cy.fit(canvas!.cy.$('.path'), 40);
        say(`Shortest path: ${shortest - 1} hop(s), highlighted (${kept.length} path${kept.length > 1 ? 's' : ''} of that length).`);
        return;
      }
    } catch (error) {
      if (!(error instanceof UnsupportedOperationError)) return say(describeError(error));
    }
    const path = canvas!.highlightPath(a, b);
    say(path.length ? `Shortest path: ${path.length - 1} hop(s), highlighted.` : 'No path between these two objects within the maximum length.');
  })());
  clearButton.addEventListener('click', clearCanvas);
  // A request still waiting after a second and a half offers Cancel.
  let pendingTimer: number | undefined;
  deps.onPending?.((pending) => {
    window.clearTimeout(pendingTimer);
    if (pending === 0) {
      cancelRequests.hidden = true;
      return;
    }
    pendingTimer = window.setTimeout(() => (cancelRequests.hidden = false), 1_500);
  });
  cancelRequests.addEventListener('click', () => {
    client.cancelAll?.();
    cancelRequests.hidden = true;
    say('Cancelled: the server’s answer will be ignored.');
  });
  showHidden.addEventListener('click', () => {
    canvas?.showAll();
    updateCounts(0, 'all nodes shown');
  });
  importButton.addEventListener('click', () => importer.open());
  checkButton.addEventListener('click', () => importer.check());
  exportSelect.addEventListener('change', () => {
    const format = exportSelect.value;
    exportSelect.value = '';
    if (format) void exportAs(format);
  });
  saveView.addEventListener('click', () => void (async () => {
    if (!canvas) return;
    const snapshot = { ids: canvas.nodeIds(), positions: canvas.positions() };
    const copy = (what: string) => void navigator.clipboard?.writeText(window.location.href)
      .then(() => say(`${what} (address copied to the clipboard).`), () => say(`${what}: bookmark or share this address.`));
    try {
      // On the server under a short id: a short URL a colleague cleared for its TLP can open.
      const rest = serializeViewState({ ...state, canvas: null, layout: 'preset' }).replace(/^\?/, '');
      const saved = (await client.request(SAVE_VIEW, { input: { objectIds: snapshot.ids, positions: Object.fromEntries(Object.entries(snapshot.positions).map(([id, [x, y]]) => [id, { x, y }])), state: rest } })).saveView;
      window.clearTimeout(urlTimer);
      window.history.replaceState(null, '', `${window.location.pathname}?view=${encodeURIComponent(saved.id)}`);
      copy(`View saved on the server as ${saved.id}, ${saved.objectIds.length} objects`);
    } catch (error) {
      if (!(error instanceof UnsupportedOperationError)) return say(`The view was not saved: ${describeError(error)}`);
      // A server without saved views: the canvas goes into the URL itself.
      setState({ canvas: snapshot, layout: 'preset' });
      window.clearTimeout(urlTimer);
      window.history.replaceState(null, '', `${window.location.pathname}${serializeViewState(state)}`);
      copy('View saved in the URL');
    }
  })());
  signOut.addEventListener('click', () => {
    deps.tokens.clear();
    deps.onSignOut();
  });

  // Keyboard: core actions on the focused canvas.
  let keyboardCursor: string | null = null;
  canvasHost.addEventListener('keydown', (event) => {
    if (!canvas) return;
    const selected = canvas.selectedIds();
    const one = selected.length === 1 ? selected[0]! : null;
    const visible = canvas.cy.nodes().filter((n) => n.visible()).sort((a, b) => {
      const pa = (a as NodeSingular).position();
      const pb = (b as NodeSingular).position();
      return pa.x - pb.x || pa.y - pb.y;
    });
    switch (event.key) {
      case 'Enter': case 'e': if (one) void expand([one], null, null); break;
      case 'c': if (one) collapse(one); break;
      case 'h': if (selected.length) hide(selected); break;
      case 'p': if (selected.length) pin(selected); break;
      case 'Delete': case 'Backspace': if (selected.length) { canvas.remove(selected); refreshSidePanels(); updateCounts(); void showDetail(null); } break;
      case 'f': canvas.fit(); break;
      case 'Escape': canvas.select([]); canvas.clearPath(); break;
      case ']': case '[': case '}': case '{': {
        // ] / [ move the selection to the next / previous node; with Shift (} / {) they add it to
        // the selection, so two nodes can be chosen for Path from the keyboard.
        if (visible.empty()) break;
        const ids = visible.map((n) => n.id());
        const forward = event.key === ']' || event.key === '}';
        const extend = event.key === '}' || event.key === '{';
        const from = extend ? (keyboardCursor && selected.includes(keyboardCursor) ? keyboardCursor : selected[selected.length - 1]) : one;
        let index = from ? ids.indexOf(from) : -1;
        let next: string | undefined;
        for (let step = 0; step < ids.length; step++) {
          index = (index + (forward ? 1 : ids.length - 1)) % ids.length;
          if (!extend || !selected.includes(ids[index]!)) { next = ids[index]; break; }
        }
        if (!next) break;
        canvas.select(extend ? [...selected, next] : [next]);
        canvas.focus(next);
        keyboardCursor = next;
        break;
      }
      default: return;
    }
    event.preventDefault();
  });
  window.addEventListener('resize', () => canvas?.resize());

  // ----- start -----------------------------------------------------------------------------------
  layoutSelect.value = state.layout === 'preset' ? 'fcose' : state.layout;
  renderDetailPanel(detail, null, detailActions);
  ensureCanvas(0);
  refreshSidePanels();
  setTab(state.tab);
  void (async () => {
    await refreshIncidents();
    if (savedViewId) {
      const saved = await client.request(SAVED_VIEW, { id: savedViewId }).then((d) => d.savedView, (error: unknown) => {
        say(describeError(error));
        return null;
      });
      if (saved) {
        state = { ...parseViewState(`?${saved.state}`), canvas: { ids: saved.objectIds, positions: Object.fromEntries(Object.entries(saved.positions).map(([id, p]) => [id, [p.x, p.y] as [number, number]])) }, layout: 'preset' };
        layoutSelect.value = 'fcose';
        if (state.incident) incidentSelect.value = state.incident;
        refreshSidePanels();
        setTab(state.tab);
        if (saved.leftOut > 0) say(`${saved.leftOut} object(s) of this view are no longer available to you.`);
      } else {
        say('No saved view with this id that you may open (it may hold objects above your clearance).');
      }
    }
    if (state.canvas && state.canvas.ids.length) {
      const ids = state.canvas.ids;
      say('Reopening the saved view…');
      try {
        // Depth 0: the saved objects and, with references, every edge among them (per 100 ids, the
        // API's cap on seeds; edges across two batches of a very large view are not restored).
        const graph = await neighborhood(ids, 0, MAX_IDS, null, null, true);
        await addGraph(graph, { keepOnly: new Set(ids), layout: false });
        await canvas!.layout('preset', state.canvas.positions);
        canvas!.select(state.selected);
        updateCounts(0, 'saved view');
      } catch (error) {
        say(describeError(error));
      }
    } else if (state.incident) {
      await openIncident(state.incident);
    } else if (firstVisit && incidents[0]) {
      // The reference case opens on first visit.
      await openIncident(incidents[0].id);
    } else {
      updateCounts();
      search.focus();
    }
    const current = canvas as Canvas | null;
    if (state.selected.length && current) current.select(state.selected.filter((id) => current.has(id)));
    if (state.tab === 'hypotheses') void showHypotheses();
  })();
}
