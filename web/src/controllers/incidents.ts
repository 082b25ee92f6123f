/**
 * The incidents: the toolbar's list, and opening one — its case (hypotheses, evidence, candidate
 * actors, the objects evidence is about) drawn on a clear canvas with its event times and ratings.
 */
import { describeError, type GraphQLClient } from '../api/client';
import { INCIDENTS, type ApiNode, type IncidentSummary, type Neighborhood } from '../api/operations';
import { caseFacts } from '../api/hypotheses';
import type { ViewStore } from '../state/view-store';
import { h } from '../views/dom';
import type { GraphController } from './graph';

const CASE_TYPES = new Set(['attribution-hypothesis', 'attribution-evidence']);
const INCIDENT_LIMIT = 400;

export interface IncidentsController {
  list(): IncidentSummary[];
  refresh(): Promise<void>;
  open(id: string, options?: { layout?: boolean }): Promise<void>;
}

export interface IncidentsDeps {
  store: ViewStore;
  client: GraphQLClient;
  graph: GraphController;
  incidentSelect: HTMLSelectElement;
  canvasHost: HTMLElement;
  say: (text: string) => void;
  clearCanvas: () => void;
  /** The case is drawn (the hypotheses tab, when shown, follows it). */
  onOpened: () => void;
}

/**
 * Hypotheses and evidence point at the incident by `incident_ref` (an embedded reference), so the
 * case is the incident's neighbourhood with references, then one more hop from its hypotheses and
 * evidence (candidate actors, the objects evidence is about). Marking definitions are left out:
 * they are hubs, and TLP already shows as each node's border.
 */
async function loadCase(client: GraphQLClient, graph: GraphController, id: string) {
  const first = await graph.neighborhood([id], 1, INCIDENT_LIMIT, null, null, true);
  const caseIds = first.nodes.filter((n) => CASE_TYPES.has(n.type)).map((n) => n.id);
  const second = caseIds.length ? await graph.neighborhood(caseIds, 1, INCIDENT_LIMIT, null, null, true) : { nodes: [], edges: [], truncated: false };
  const facts = await caseFacts(client, id).catch(() => ({ times: new Map<string, string>(), ratings: new Map<string, string[]>(), members: null }));
  // Deleted (revoked) hypotheses and evidence are still stored objects: the case's canvas leaves them out.
  const member = (n: ApiNode) => !CASE_TYPES.has(n.type) || facts.members === null || facts.members.has(n.id);
  const drawn: Neighborhood = {
    nodes: [...first.nodes, ...second.nodes].filter((n) => n.type !== 'marking-definition' && member(n)),
    edges: [...first.edges, ...second.edges],
    truncated: first.truncated || second.truncated,
  };
  return { drawn, facts };
}

export function createIncidentsController(deps: IncidentsDeps): IncidentsController {
  const { store, client, graph, incidentSelect, canvasHost, say } = deps;
  let incidents: IncidentSummary[] = [];
  let openToken = 0;

  async function open(id: string, options: { layout?: boolean } = {}): Promise<void> {
    // One workspace per incident: opening another incident starts from a clear canvas.
    const current = store.get().incident;
    const canvas = graph.canvas();
    if (current && current !== id && canvas && canvas.cy.nodes().length > 0) deps.clearCanvas();
    store.set({ incident: id });
    incidentSelect.value = id;
    say('Opening the incident…');
    // Only the latest incident asked for is drawn (choosing another while one loads drops the first).
    const token = ++openToken;
    canvasHost.setAttribute('aria-busy', 'true');
    try {
      const { drawn, facts } = await loadCase(client, graph, id);
      if (token !== openToken) return;
      graph.setCaseFacts(facts.times, facts.ratings);
      await graph.addGraph(drawn, options);
      if (token !== openToken) return; // another incident was asked for during the layout
      graph.writeEventTimes();
      graph.applyFilters();
      graph.refreshSidePanels();
      deps.onOpened();
    } catch (error) {
      say(describeError(error));
    } finally {
      if (token === openToken) canvasHost.removeAttribute('aria-busy');
    }
  }

  async function refresh(): Promise<void> {
    try {
      incidents = (await client.request(INCIDENTS)).incidents;
      incidentSelect.replaceChildren(h('option', { value: '' }, incidents.length ? 'Choose an incident…' : 'No incident'),
        ...incidents.map((i) => h('option', { value: i.id }, i.name)));
      const { incident } = store.get();
      if (incident) incidentSelect.value = incident;
    } catch (error) {
      incidents = [];
      incidentSelect.replaceChildren(h('option', { value: '' }, 'Incidents unavailable'));
      incidentSelect.disabled = true;
      incidentSelect.title = describeError(error);
    }
  }

  incidentSelect.addEventListener('change', () => {
    if (incidentSelect.value) void open(incidentSelect.value);
  });
  return { list: () => incidents, refresh, open };
}
