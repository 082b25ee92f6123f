/**
 * The hypotheses tab: the open incident's ACH matrix, posteriors, sensitivity and history, its
 * editing callbacks, and the candidates panel below it; and the switch between the two tabs.
 */
import { describeError, type GraphQLClient } from '../api/client';
import { fetchBrief, findLinkable, loadHypotheses, type HypothesesApi } from '../api/hypotheses';
import type { IncidentSummary, Viewer } from '../api/operations';
import type { NodeData } from '../graph/elements';
import type { ViewState } from '../state/view-state';
import type { ViewStore } from '../state/view-store';
import { renderCandidatesPanel } from '../views/candidates-panel';
import { h } from '../views/dom';
import { captureDrafts, restoreDrafts } from '../views/drafts';
import { renderHypotheses, type HypothesesCallbacks, type HypothesesData } from '../views/hypotheses-view';
import type { GraphController } from './graph';

export interface HypothesesController {
  show(): Promise<void>;
}

export interface HypothesesDeps {
  store: ViewStore;
  client: GraphQLClient;
  api: HypothesesApi;
  graph: GraphController;
  hypView: HTMLElement;
  viewer: Viewer;
  canEdit: boolean;
  say: (text: string) => void;
  incidents: () => IncidentSummary[];
  refreshIncidents: () => Promise<void>;
}

interface Shown {
  incident: IncidentSummary;
  data: HypothesesData;
  /** Redraws the view from `data` (after a mode change). */
  render: () => void;
  /** Loads and draws again, the incidents list first when `refresh`. */
  reload: (refresh?: boolean) => Promise<void>;
}

/** The view's editing callbacks: each writes through the API, then reloads the view. */
function hypothesesCallbacks(deps: HypothesesDeps, { incident, data, render, reload }: Shown): HypothesesCallbacks {
  const { api, client, store, say, graph } = deps;
  return {
    setMode: (mode) => {
      store.set({ matrix: mode });
      render();
      document.getElementById(mode === 'mine' ? 'matrix-mine' : 'matrix-consensus')?.focus();
    },
    rate: async (evidenceId, hypothesisId, rating, rationale) => {
      await api.rate(client, { incidentId: incident.id, evidenceId, hypothesisId, rating, rationale });
      await reload();
    },
    addHypothesis: async (fields) => {
      await api.addHypothesis(client, { incidentId: incident.id, ...fields });
      await reload(true);
      say(`Hypothesis added: ${fields.name}.`);
    },
    updateHypothesis: async (id, patch, expectedModified) => {
      await api.updateHypothesis(client, id, patch, expectedModified);
      await reload(true);
    },
    setStatus: async (id, status, rationale) => {
      await api.setStatus(client, id, status, rationale);
      await reload();
    },
    setJudgement: async (id, probability, rationale) => {
      await api.setJudgement(client, id, probability, rationale);
      await reload();
    },
    setPriors: async (priors, other) => {
      const current = new Map(data.hypotheses.map((x) => [x.id, x]));
      for (const [id, prior] of Object.entries(priors)) {
        if (current.get(id)?.prior !== prior) await api.updateHypothesis(client, id, { prior }, current.get(id)?.modified ?? null);
      }
      if (other) await api.addHypothesis(client, { incidentId: incident.id, ...other });
      await reload(true);
    },
    addEvidence: async (fields) => {
      await api.addEvidence(client, { incidentId: incident.id, ...fields });
      await reload();
      say(`Evidence added: ${fields.name}.`);
    },
    updateEvidence: async (id, patch, expectedModified) => {
      await api.updateEvidence(client, id, patch, expectedModified);
      await reload();
    },
    deleteHypothesis: async (id, rationale) => {
      const name = data.hypotheses.find((x) => x.id === id)?.name ?? id;
      await api.deleteHypothesis(client, id, rationale);
      await reload(true);
      say(`Hypothesis deleted: ${name}. Its versions stay in the history.`);
    },
    deleteEvidence: async (id, rationale) => {
      const name = data.evidence.find((x) => x.id === id)?.name ?? id;
      await api.deleteEvidence(client, id, rationale);
      await reload();
      say(`Evidence deleted: ${name}. Its versions stay in the history.`);
    },
    brief: (format) => fetchBrief(client, incident.id, store.get().asOf, format),
    findObjects: (text) => findLinkable(client, text),
    canvasSelection: () => {
      const canvas = graph.canvas();
      return (canvas?.selectedIds() ?? []).map((id) => {
        const d = canvas!.cy.getElementById(id).data() as NodeData;
        return { id, type: d.stixType, name: d.name };
      });
    },
  };
}

export function createHypothesesController(deps: HypothesesDeps): HypothesesController {
  const { store, client, hypView, canEdit } = deps;
  let generation = 0;

  async function show(): Promise<void> {
    const incidents = deps.incidents();
    const incident = incidents.find((i) => i.id === store.get().incident);
    if (!incident) {
      renderHypotheses(hypView, { unavailable: incidents.length ? 'Choose an incident first.' : 'No incident is available on this server yet.' });
      return;
    }
    if (!hypView.hasChildNodes()) hypView.replaceChildren(h('p', { class: 'hint' }, 'Loading the assessment…'));
    // Loads can overlap (the tab opened while the incident loads, two saves in a row): only the
    // latest one draws, so an older answer never replaces a newer one.
    const mine = ++generation;
    // Busy until the latest load has drawn (assistive technology, and anything waiting for a settled view).
    hypView.setAttribute('aria-busy', 'true');
    try {
      const data = await loadHypotheses(client, incident, store.get().asOf, canEdit, deps.viewer.name);
      if (mine !== generation) return;
      // The candidates panel (views/candidates-panel.ts) lives below the matrix; kept across re-renders.
      const candidates = h('section', { class: 'candidates-panel', 'aria-label': 'Candidate actors' });
      const reload = async (refresh = false) => {
        if (refresh) await deps.refreshIncidents();
        await show();
      };
      void renderCandidatesPanel(candidates, { client, incidentId: incident.id, canEdit, onCreated: () => reload(true) });
      // What is typed, open or reported next to a field (and where the focus is) survives a redraw.
      const render = () => {
        const drafts = captureDrafts(hypView);
        renderHypotheses(hypView, { ...data, mode: canEdit ? store.get().matrix : 'consensus' }, callbacks);
        hypView.append(candidates);
        restoreDrafts(hypView, drafts);
      };
      const callbacks = hypothesesCallbacks(deps, { incident, data, render, reload });
      render();
    } catch (error) {
      if (mine !== generation) return;
      renderHypotheses(hypView, { unavailable: describeError(error) });
    } finally {
      if (mine === generation) hypView.removeAttribute('aria-busy');
    }
  }

  return { show };
}

export interface TabsDeps {
  store: ViewStore;
  graph: GraphController;
  hypotheses: HypothesesController;
  tabGraph: HTMLElement;
  tabHyp: HTMLElement;
  graphView: HTMLElement;
  hypView: HTMLElement;
}

/** The Graph and Hypotheses tabs; returns the switch. */
export function installTabs(deps: TabsDeps): (tab: ViewState['tab']) => void {
  const { store, tabGraph, tabHyp, graphView, hypView } = deps;
  const setTab = (tab: ViewState['tab']) => {
    store.set({ tab });
    tabGraph.setAttribute('aria-selected', String(tab === 'graph'));
    tabHyp.setAttribute('aria-selected', String(tab === 'hypotheses'));
    graphView.hidden = tab !== 'graph';
    hypView.hidden = tab !== 'hypotheses';
    if (tab === 'hypotheses') void deps.hypotheses.show();
    else deps.graph.canvas()?.resize();
  };
  tabGraph.addEventListener('click', () => setTab('graph'));
  tabHyp.addEventListener('click', () => setTab('hypotheses'));
  return setTab;
}
