/**
 * The toolbar's actions: layout, fit, expand the selection, path, unhide, clear, import, check,
 * export, save the view, cancel waiting requests, sign out.
 */
import type { GraphQLClient } from '../api/client';
import type { LayoutName } from '../state/view-state';
import type { ViewStore } from '../state/view-store';
import type { GraphController } from './graph';
import type { GraphActions } from './graph-actions';
import type { ImportExport } from './import-export';
import type { ExplorerLayout } from './layout';

export interface ToolbarDeps {
  layout: ExplorerLayout;
  store: ViewStore;
  client: GraphQLClient;
  graph: GraphController;
  actions: GraphActions;
  importExport: ImportExport;
  say: (text: string) => void;
  signOut: () => void;
  /** Subscribes to the number of requests waiting for an answer. */
  onPending?: (listener: (pending: number) => void) => void;
}

/** A request still waiting after a second and a half offers Cancel. */
function installCancel({ layout: { cancelRequests }, client, say, onPending }: ToolbarDeps): void {
  let pendingTimer: number | undefined;
  onPending?.((pending) => {
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
}

export function installToolbar(deps: ToolbarDeps): void {
  const { layout: l, store, graph, actions, importExport } = deps;
  l.layoutSelect.addEventListener('change', () => {
    const name = l.layoutSelect.value as LayoutName;
    store.set({ layout: name });
    void graph.canvas()?.layout(name).then((run) => graph.updateCounts(`${name} layout ${Math.round(run.ms)} ms`));
  });
  l.fitButton.addEventListener('click', () => graph.canvas()?.fit());
  l.expandSelection.addEventListener('click', () => {
    const ids = graph.canvas()?.selectedIds() ?? [];
    if (ids.length) void actions.expand(ids, null, null, false, Number(l.expandDepth.value));
  });
  l.pathButton.addEventListener('click', () => void actions.findPath());
  l.clearButton.addEventListener('click', () => actions.clear());
  installCancel(deps);
  l.showHidden.addEventListener('click', () => {
    graph.canvas()?.showAll();
    graph.updateCounts('all nodes shown');
  });
  l.importButton.addEventListener('click', () => importExport.open());
  l.checkButton.addEventListener('click', () => importExport.check());
  l.exportSelect.addEventListener('change', () => {
    const format = l.exportSelect.value;
    l.exportSelect.value = '';
    if (format) void importExport.exportAs(format);
  });
  l.saveView.addEventListener('click', () => void importExport.saveView());
  l.signOut.addEventListener('click', deps.signOut);
}

/** The selection decides which toolbar actions apply: Path needs two nodes, Expand one or more. */
export function showSelection(layout: ExplorerLayout, ids: string[]): void {
  layout.pathButton.disabled = ids.length !== 2;
  layout.expandSelection.disabled = ids.length === 0;
}
