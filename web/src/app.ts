/**
 * The explorer: composes the typed client, the canvas and the views through controllers
 * (web/src/controllers/) over one view-state store, kept in the URL.
 */
import type { GraphQLClient } from './api/client';
import { rankHits, SEARCH, type Viewer } from './api/operations';
import type { HypothesesApi } from './api/hypotheses';
import type { TokenStore } from './api/session';
import { createDetailsController, type DetailsController } from './controllers/details';
import { createGraphController } from './controllers/graph';
import { createGraphActions } from './controllers/graph-actions';
import { createHypothesesController, installTabs } from './controllers/hypotheses';
import { createImportExport } from './controllers/import-export';
import { createIncidentsController } from './controllers/incidents';
import { installKeyboard } from './controllers/keyboard';
import { buildLayout } from './controllers/layout';
import { restoreView } from './controllers/restore';
import { installToolbar, showSelection } from './controllers/toolbar';
import { parseViewState } from './state/view-state';
import { createViewStore } from './state/view-store';
import { createSearchPanel } from './views/search-panel';

export interface AppDeps {
  root: HTMLElement;
  client: GraphQLClient;
  tokens: TokenStore;
  viewer: Viewer;
  hypothesesApi: HypothesesApi;
  onSignOut: () => void;
  /** Subscribes to the number of requests waiting for an answer (shows Cancel when one hangs). */
  onPending?: (listener: (pending: number) => void) => void;
}

export function startExplorer(deps: AppDeps): void {
  const { root, client } = deps;
  const store = createViewStore(parseViewState(window.location.search));
  const firstVisit = window.location.search === '';
  // A view saved on the server: `?view=<id>` (loaded at start, below).
  const savedViewId = new URLSearchParams(window.location.search).get('view');
  const canEdit = deps.viewer.role !== 'reader';
  const layout = buildLayout(root, deps.viewer, canEdit);
  const say = (text: string): void => {
    layout.statusBar.textContent = text;
  };

  // The controllers call each other through these late bindings (each is set below, before use).
  let details: DetailsController | null = null;
  const showDetail = (id: string | null) => void details?.show(id);
  const showHypotheses = () => void hypotheses.show();

  const graph = createGraphController({
    store, client, say, canvasHost: layout.canvasHost, legendBox: layout.legendBox, filterBox: layout.filterBox,
    callbacks: {
      onSelectionChange: (ids) => {
        store.set({ selected: ids });
        showSelection(layout, ids);
        showDetail(ids.length === 1 ? ids[0]! : null);
      },
      onOpen: (id) => void actions.expand([id], null, null),
    },
    onAsOfChange: () => {
      if (store.get().tab === 'hypotheses') showHypotheses();
    },
  });
  const actions = createGraphActions({
    store, client, graph, say, showDetail,
    onCleared: () => graph.setCaseFacts(new Map(), new Map()),
  });
  details = createDetailsController({ client, graph, actions, detail: layout.detail });
  const incidents = createIncidentsController({
    store, client, graph, say, incidentSelect: layout.incidentSelect, canvasHost: layout.canvasHost,
    clearCanvas: () => actions.clear(),
    onOpened: () => {
      if (store.get().tab === 'hypotheses') showHypotheses();
    },
  });
  const hypotheses = createHypothesesController({
    store, client, graph, say, canEdit, viewer: deps.viewer, api: deps.hypothesesApi, hypView: layout.hypView,
    incidents: () => incidents.list(), refreshIncidents: () => incidents.refresh(),
  });
  const setTab = installTabs({ store, graph, hypotheses, ...layout });
  const importExport = createImportExport({ store, client, graph, incidents, say, hypothesesApi: deps.hypothesesApi, dialogs: layout.dialogs });
  const search = createSearchPanel(layout.searchBox, {
    search: async (text, after, includeRelationships) => {
      const data = await client.request(SEARCH, { text, first: 25, after });
      return {
        nodes: rankHits(data.search.edges.map((e) => e.node), text, includeRelationships),
        totalCount: data.search.totalCount,
        endCursor: data.search.pageInfo.endCursor,
        hasNextPage: data.search.pageInfo.hasNextPage,
      };
    },
    add: (nodes) => void actions.addNodes(nodes),
    isOnCanvas: (id) => Boolean(graph.canvas()?.has(id)),
  });
  installToolbar({
    layout, store, client, graph, actions, importExport, say, onPending: deps.onPending,
    signOut: () => {
      deps.tokens.clear();
      deps.onSignOut();
    },
  });
  installKeyboard({ canvasHost: layout.canvasHost, graph, actions, showDetail });
  window.addEventListener('resize', () => graph.canvas()?.resize());

  // ----- start -----------------------------------------------------------------------------------
  const { layout: layoutName, tab } = store.get();
  layout.layoutSelect.value = layoutName === 'preset' ? 'fcose' : layoutName;
  void details.show(null);
  graph.ensureCanvas(0);
  graph.refreshSidePanels();
  setTab(tab);
  void restoreView({
    store, client, graph, incidents, say, setTab, showHypotheses,
    layoutSelect: layout.layoutSelect, incidentSelect: layout.incidentSelect, focusSearch: () => search.focus(),
  }, savedViewId, firstVisit);
}
