/**
 * What the explorer shows first: a view saved on the server (`?view=<id>`), else a canvas saved in
 * the URL, else the incident in the URL, else (first visit) the reference case, else the search.
 */
import { describeError, type GraphQLClient } from '../api/client';
import { SAVED_VIEW } from '../api/operations';
import { parseViewState, type ViewState } from '../state/view-state';
import type { ViewStore } from '../state/view-store';
import { MAX_IDS, type GraphController } from './graph';
import type { IncidentsController } from './incidents';

export interface RestoreDeps {
  store: ViewStore;
  client: GraphQLClient;
  graph: GraphController;
  incidents: IncidentsController;
  layoutSelect: HTMLSelectElement;
  incidentSelect: HTMLSelectElement;
  say: (text: string) => void;
  setTab: (tab: ViewState['tab']) => void;
  showHypotheses: () => void;
  focusSearch: () => void;
}

/** Loads the saved view `id` into the store (its canvas is drawn afterwards, as a URL's is). */
async function loadSavedView(deps: RestoreDeps, id: string): Promise<void> {
  const { store, client, say } = deps;
  const saved = await client.request(SAVED_VIEW, { id }).then((d) => d.savedView, (error: unknown) => {
    say(describeError(error));
    return null;
  });
  if (!saved) {
    say('No saved view with this id that you may open (it may hold objects above your clearance).');
    return;
  }
  const positions = Object.fromEntries(Object.entries(saved.positions).map(([objectId, p]) => [objectId, [p.x, p.y] as [number, number]]));
  store.replace({ ...parseViewState(`?${saved.state}`), canvas: { ids: saved.objectIds, positions }, layout: 'preset' });
  deps.layoutSelect.value = 'fcose';
  const { incident, tab } = store.get();
  if (incident) deps.incidentSelect.value = incident;
  deps.graph.refreshSidePanels();
  deps.setTab(tab);
  if (saved.leftOut > 0) say(`${saved.leftOut} object(s) of this view are no longer available to you.`);
}

/** Draws the canvas saved in the view state, at its positions. */
async function drawSavedCanvas({ store, graph, say }: RestoreDeps, saved: NonNullable<ViewState['canvas']>): Promise<void> {
  const ids = saved.ids;
  say('Reopening the saved view…');
  try {
    // Depth 0: the saved objects and, with references, every edge among them (per 100 ids, the
    // API's cap on seeds; edges across two batches of a very large view are not restored).
    const found = await graph.neighborhood(ids, 0, MAX_IDS, null, null, true);
    await graph.addGraph(found, { keepOnly: new Set(ids), layout: false });
    await graph.canvas()!.layout('preset', saved.positions);
    graph.canvas()!.select(store.get().selected);
    graph.updateCounts('saved view');
  } catch (error) {
    say(describeError(error));
  }
}

export async function restoreView(deps: RestoreDeps, savedViewId: string | null, firstVisit: boolean): Promise<void> {
  const { store, graph, incidents } = deps;
  await incidents.refresh();
  if (savedViewId) await loadSavedView(deps, savedViewId);
  const state = store.get();
  if (state.canvas && state.canvas.ids.length) {
    await drawSavedCanvas(deps, state.canvas);
  } else if (state.incident) {
    await incidents.open(state.incident);
  } else if (firstVisit && incidents.list()[0]) {
    // The reference case opens on first visit.
    await incidents.open(incidents.list()[0]!.id);
  } else {
    graph.updateCounts();
    deps.focusSearch();
  }
  const current = graph.canvas();
  const { selected, tab } = store.get();
  if (selected.length && current) current.select(selected.filter((id) => current.has(id)));
  if (tab === 'hypotheses') deps.showHypotheses();
}
