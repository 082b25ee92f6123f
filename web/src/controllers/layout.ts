/**
 * The explorer's page: the toolbar, the left panels (search, filters, legend), the canvas and the
 * hypotheses view in the centre, the details on the right. Builds the DOM only; the controllers
 * wire it.
 */
import type { Viewer } from '../api/operations';
import { LAYOUTS } from '../state/view-state';
import { h } from '../views/dom';

export interface ExplorerLayout {
  incidentSelect: HTMLSelectElement;
  tabGraph: HTMLButtonElement;
  tabHyp: HTMLButtonElement;
  layoutSelect: HTMLSelectElement;
  fitButton: HTMLButtonElement;
  expandDepth: HTMLSelectElement;
  expandSelection: HTMLButtonElement;
  pathButton: HTMLButtonElement;
  showHidden: HTMLButtonElement;
  clearButton: HTMLButtonElement;
  importButton: HTMLButtonElement;
  checkButton: HTMLButtonElement;
  exportSelect: HTMLSelectElement;
  saveView: HTMLButtonElement;
  signOut: HTMLButtonElement;
  cancelRequests: HTMLButtonElement;
  searchBox: HTMLElement;
  filterBox: HTMLElement;
  legendBox: HTMLElement;
  canvasHost: HTMLElement;
  statusBar: HTMLElement;
  graphView: HTMLElement;
  hypView: HTMLElement;
  detail: HTMLElement;
  dialogs: HTMLElement;
}

const CANVAS_LABEL = 'Graph canvas. Keys: Enter expand, c collapse, h hide, p pin, Delete remove, [ and ] move between nodes, Shift+[ and Shift+] add the previous or next node to the selection, f fit, Escape clear.';

function toolbarControls(): Omit<ExplorerLayout, 'searchBox' | 'filterBox' | 'legendBox' | 'canvasHost' | 'statusBar' | 'graphView' | 'hypView' | 'detail' | 'dialogs'> {
  return {
    incidentSelect: h('select', { id: 'incident', 'aria-label': 'Incident' }, h('option', { value: '' }, 'No incident')),
    tabGraph: h('button', { type: 'button', id: 'tab-graph', role: 'tab' }, 'Graph'),
    tabHyp: h('button', { type: 'button', id: 'tab-hypotheses', role: 'tab', title: 'ACH matrix, posteriors, sensitivity, history' }, 'Hypotheses'),
    layoutSelect: h('select', { id: 'layout', 'aria-label': 'Layout' },
      LAYOUTS.filter((l) => l !== 'preset').map((l) => h('option', { value: l }, l === 'concentric' ? 'concentric by hypothesis' : l))),
    fitButton: h('button', { type: 'button', title: 'Fit the graph to the window (f)' }, 'Fit'),
    expandDepth: h('select', { id: 'expand-depth', 'aria-label': 'Depth of the expansion of the selection' },
      [1, 2, 3].map((d) => h('option', { value: String(d) }, d === 1 ? '1 hop' : `${d} hops`))),
    expandSelection: h('button', { type: 'button', id: 'expand-selection', disabled: true, title: 'Expand every selected node, to the chosen depth' }, 'Expand selection'),
    pathButton: h('button', { type: 'button', id: 'path', disabled: true, title: 'Shortest path between the two selected nodes (click two nodes, or Shift+] on the canvas)' }, 'Path'),
    showHidden: h('button', { type: 'button', title: 'Show hidden nodes' }, 'Unhide'),
    clearButton: h('button', { type: 'button', id: 'clear-canvas', title: 'Remove everything from the canvas (nothing is deleted from the database)' }, 'Clear'),
    importButton: h('button', { type: 'button', id: 'import' }, 'Import…'),
    checkButton: h('button', { type: 'button', id: 'check-import', title: 'See what a STIX bundle would create or update, without writing anything' }, 'Check…'),
    exportSelect: h('select', { id: 'export', 'aria-label': 'Export the view' },
      h('option', { value: '' }, 'Export…'), h('option', { value: 'png' }, 'PNG image'), h('option', { value: 'svg' }, 'SVG image'),
      h('option', { value: 'json' }, 'Cytoscape JSON'), h('option', { value: 'stix' }, 'STIX bundle')),
    saveView: h('button', { type: 'button', id: 'save-view', title: 'Put the canvas (elements, positions) and filters in the URL' }, 'Save view'),
    signOut: h('button', { type: 'button', id: 'sign-out' }, 'Sign out'),
    cancelRequests: h('button', { type: 'button', id: 'cancel-requests', hidden: true, title: 'Stop waiting for the server (requests time out on their own after 30 s)' }, 'Cancel'),
  };
}

/** Builds the page into `root` (replacing what was there). Readers get no import actions. */
export function buildLayout(root: HTMLElement, viewer: Viewer, canEdit: boolean): ExplorerLayout {
  const c = toolbarControls();
  const who = h('span', { class: 'who', title: `cleared for TLP:${viewer.clearance}` }, `${viewer.name} (${viewer.role}, TLP:${viewer.clearance.replace('_', '+')})`);
  // The actions in families, each kept together when the toolbar wraps (narrow windows).
  const family = (label: string, ...children: (HTMLElement | null)[]) => h('div', { role: 'group', class: 'actions', 'aria-label': label }, ...children);
  const header = h('header', { class: 'toolbar' },
    h('strong', { class: 'brand' }, 'Attribution Graph'), c.incidentSelect,
    h('div', { role: 'tablist', class: 'tabs' }, c.tabGraph, c.tabHyp),
    family('Layout', c.layoutSelect, c.fitButton),
    family('Canvas', h('span', { class: 'group' }, c.expandSelection, c.expandDepth), c.pathButton, c.showHidden, c.clearButton),
    // Readers cannot import: the actions are not offered rather than refused after a file is picked.
    family('Import and export', canEdit ? c.importButton : null, canEdit ? c.checkButton : null, c.exportSelect, c.saveView),
    h('span', { class: 'spacer' }), c.cancelRequests, who, c.signOut);

  const searchBox = h('section', { class: 'panel' });
  const filterBox = h('section', { class: 'panel' });
  const legendBox = h('section', { class: 'panel legend' });
  const left = h('aside', { class: 'left', 'aria-label': 'Search and filters' }, searchBox, filterBox, legendBox);
  const canvasHost = h('div', { id: 'canvas', class: 'canvas', tabindex: 0, role: 'application', 'aria-label': CANVAS_LABEL });
  const statusBar = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'status' });
  const graphView = h('section', { class: 'graph-view', 'aria-label': 'Graph' }, canvasHost, statusBar);
  const hypView = h('section', { class: 'hypotheses-view', id: 'hypotheses', hidden: true, 'aria-label': 'Hypotheses' });
  const center = h('div', { class: 'center' }, graphView, hypView);
  const detail = h('aside', { class: 'right panel', id: 'detail', 'aria-label': 'Details' });
  const dialogs = h('div', { class: 'dialogs' });
  const main = h('main', { class: 'workspace' }, left, center, detail);
  root.replaceChildren(header, main, dialogs);
  return { ...c, searchBox, filterBox, legendBox, canvasHost, statusBar, graphView, hypView, detail, dialogs };
}
