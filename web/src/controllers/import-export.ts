/**
 * Import (drop or pick a STIX bundle or a fact sheet; check a bundle first), export (PNG, SVG,
 * Cytoscape JSON, STIX bundle) and saving the view on the server under a short URL.
 */
import { describeError, type GraphQLClient } from '../api/client';
import type { HypothesesApi } from '../api/hypotheses';
import { EXPORT_STIX_BUNDLE, IMPORT_STIX_BUNDLE, SAVE_VIEW, type ImportResult } from '../api/operations';
import { canvasTlp, markPng } from '../graph/export-marking';
import { canvasToSvg } from '../graph/svg-export';
import { serializeViewState } from '../state/view-state';
import type { ViewStore } from '../state/view-store';
import { download } from '../views/dom';
import { installImport, type ImportKind } from '../views/import-drop';
import type { GraphController } from './graph';
import type { IncidentsController } from './incidents';

export interface ImportExportDeps {
  store: ViewStore;
  client: GraphQLClient;
  graph: GraphController;
  incidents: IncidentsController;
  hypothesesApi: HypothesesApi;
  dialogs: HTMLElement;
  say: (text: string) => void;
}

export interface ImportExport {
  /** Opens the file picker to import, or to check a bundle without writing it. */
  open(): void;
  check(): void;
  exportAs(format: string): Promise<void>;
  saveView(): Promise<void>;
}

async function importFile(deps: ImportExportDeps, kind: ImportKind, text: string, fileName: string, dryRun: boolean): Promise<ImportResult> {
  if (kind === 'fact-sheet') {
    return deps.hypothesesApi.importFactSheet(deps.client, text, fileName);
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch (error) {
    throw new Error(`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (await deps.client.request(IMPORT_STIX_BUNDLE, { bundle, dryRun })).importStixBundle;
}

async function exportAs({ store, client, graph, say }: ImportExportDeps, format: string): Promise<void> {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const canvas = graph.canvas();
  try {
    if (format === 'stix') {
      const ids = canvas?.nodeIds() ?? [];
      const { incident } = store.get();
      const variables = ids.length ? { ids, depth: 0 } : incident ? { incidentId: incident } : null;
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

async function saveView({ store, client, graph, say }: ImportExportDeps): Promise<void> {
  const canvas = graph.canvas();
  if (!canvas) return;
  const snapshot = { ids: canvas.nodeIds(), positions: canvas.positions() };
  const copy = (what: string) => void navigator.clipboard?.writeText(window.location.href)
    .then(() => say(`${what} (address copied to the clipboard).`), () => say(`${what}: bookmark or share this address.`));
  try {
    // On the server under a short id: a short URL a colleague cleared for its TLP can open.
    const rest = serializeViewState({ ...store.get(), canvas: null, layout: 'preset' }).replace(/^\?/, '');
    const positions = Object.fromEntries(Object.entries(snapshot.positions).map(([id, [x, y]]) => [id, { x, y }]));
    const saved = (await client.request(SAVE_VIEW, { input: { objectIds: snapshot.ids, positions, state: rest } })).saveView;
    store.writeAddress(`?view=${encodeURIComponent(saved.id)}`);
    copy(`View saved on the server as ${saved.id}, ${saved.objectIds.length} objects`);
  } catch (error) {
    say(`The view was not saved: ${describeError(error)}`);
  }
}

export function createImportExport(deps: ImportExportDeps): ImportExport {
  const { incidents, say } = deps;
  const importer = installImport(document.body, deps.dialogs, {
    importFile: (kind, text, fileName, dryRun) => importFile(deps, kind, text, fileName, dryRun),
    onImported: (result) => {
      if (result.rejected > 0 || result.errors.length > 0) return say(`Import refused: ${result.errors.length} problem(s), nothing written.`);
      void incidents.refresh();
      say(`Imported: ${result.created} created, ${result.updated} updated. ${result.incidentId ? 'Open the incident to see it.' : 'Search to add the new objects to the canvas.'}`);
    },
    openIncident: (id) => void incidents.refresh().then(() => incidents.open(id)),
  });
  return {
    open: () => importer.open(),
    check: () => importer.check(),
    exportAs: (format) => exportAs(deps, format),
    saveView: () => saveView(deps),
  };
}
