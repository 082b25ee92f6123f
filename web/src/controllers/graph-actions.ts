/**
 * What an analyst does to the canvas — expand, collapse, hide, pin, remove, clear, select (adding
 * the object when it is not drawn), the shortest path — shared by the toolbar, the details panel,
 * the search panel and the keyboard.
 */
import { describeError, type GraphQLClient } from '../api/client';
import { PATHS, STIX_OBJECT, type ApiNode } from '../api/operations';
import type { ViewStore } from '../state/view-store';
import type { GraphController } from './graph';

const EXPAND_LIMIT = 250;
const PATHS_LIMIT = 10;

export interface GraphActions {
  /** Expands `ids` together to `depth` hops (collapse of one of them removes what it brought, as for one). */
  expand(ids: string[], relationshipTypes: string[] | null, types: string[] | null, includeRefs?: boolean, depth?: number): Promise<void>;
  collapse(id: string): void;
  isExpanded(id: string): boolean;
  hide(ids: string[]): void;
  pin(ids: string[]): void;
  /** Removes one node from the canvas (the details panel's Remove). */
  remove(id: string): void;
  clear(): void;
  /** Selects and centres an object, adding it (with its links to the canvas) when it is not drawn. */
  selectOrAdd(id: string): Promise<void>;
  /** Adds search results, with the edges that link them to what is on the canvas. */
  addNodes(nodes: ApiNode[]): Promise<void>;
  /** The shortest paths between the two selected nodes, highlighted. */
  findPath(): Promise<void>;
}

export interface GraphActionsDeps {
  store: ViewStore;
  client: GraphQLClient;
  graph: GraphController;
  say: (text: string) => void;
  showDetail: (id: string | null) => void;
  /** The canvas was cleared (the open case's facts go with it). */
  onCleared: () => void;
}

const EMPTY = { nodes: [], edges: [], truncated: false };

async function findPath({ store, client, graph, say }: GraphActionsDeps): Promise<void> {
  const [a, b] = store.get().selected;
  const canvas = graph.canvas();
  if (!canvas || !a || !b) return;
  say('Looking for the shortest path…');
  try {
    // The server searches the whole graph you may see; the path's objects join the canvas.
    // Every shortest path the server finds (up to PATHS_LIMIT), laid out and fitted.
    const paths = (await client.request(PATHS, { from: a, to: b, limit: PATHS_LIMIT })).paths;
    const shortest = paths.length ? Math.min(...paths.map((p) => p.nodes.length)) : 0;
    const kept = paths.filter((p) => p.nodes.length === shortest);
    if (kept.length) {
      await graph.addGraph({ nodes: kept.flatMap((p) => p.nodes), edges: kept.flatMap((p) => p.edges), truncated: false });
      const onPath = new Set(kept.flatMap((p) => p.nodes.map((n) => n.id)));
      const cy = graph.canvas()!.cy;
      cy.batch(() => {
        cy.$('.path').removeClass('path');
        cy.nodes().filter((n) => onPath.has(n.id())).addClass('path');
        cy.edges().filter((e) => onPath.has(e.source().id()) && onPath.has(e.target().id())).addClass('path');
      });
      cy.fit(cy.$('.path'), 40);
      say(`Shortest path: ${shortest - 1} hop(s), highlighted (${kept.length} path${kept.length > 1 ? 's' : ''} of that length).`);
      return;
    }
  } catch (error) {
    return say(describeError(error));
  }
  const path = graph.canvas()!.highlightPath(a, b);
  say(path.length ? `Shortest path: ${path.length - 1} hop(s), highlighted.` : 'No path between these two objects within the maximum length.');
}

export function createGraphActions(deps: GraphActionsDeps): GraphActions {
  const { store, client, graph, say, showDetail } = deps;
  const expandedBy = new Map<string, string[]>();

  async function expand(ids: string[], relationshipTypes: string[] | null, types: string[] | null, includeRefs = false, depth = 1): Promise<void> {
    say('Expanding…');
    try {
      const found = await graph.neighborhood(ids, depth, EXPAND_LIMIT, types, relationshipTypes, includeRefs);
      const added = await graph.addGraph(found);
      const nodeIds = added.filter((x) => graph.canvas()?.cy.getElementById(x).isNode());
      for (const id of ids) {
        expandedBy.set(id, [...(expandedBy.get(id) ?? []), ...nodeIds]);
        graph.canvas()?.cy.getElementById(id).addClass('expanded');
      }
      const what = ids.length === 1 && depth === 1 ? 'expanded' : `expanded ${ids.length} node${ids.length === 1 ? '' : 's'}, ${depth} hop${depth === 1 ? '' : 's'}`;
      graph.updateCounts(`${what}: ${nodeIds.length} new node(s)${found.truncated ? ' (truncated)' : ''}`);
      const { selected } = store.get();
      if (selected.length === 1 && ids.includes(selected[0]!)) showDetail(selected[0]!);
    } catch (error) {
      say(describeError(error));
    }
  }

  function collapse(id: string): void {
    const canvas = graph.canvas();
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
    graph.refreshSidePanels();
    graph.updateCounts(`collapsed: ${removable.length} node(s) removed`);
    if (store.get().selected[0] === id) showDetail(id);
  }

  async function selectOrAdd(id: string): Promise<void> {
    if (!graph.canvas()?.has(id)) {
      const data = await client.request(STIX_OBJECT, { id }).catch(() => null);
      const obj = data?.stixObject;
      if (!obj) return;
      const found = await graph.neighborhood([id], 1, EXPAND_LIMIT).catch(() => EMPTY);
      await graph.addGraph(found, { extraNodes: [{ id: obj.id, type: obj.type, name: obj.name }], keepOnly: new Set([id, ...(graph.canvas()?.nodeIds() ?? [])]) });
    }
    graph.canvas()?.select([id]);
    graph.canvas()?.focus(id);
  }

  async function addNodes(nodes: ApiNode[]): Promise<void> {
    const ids = nodes.map((n) => n.id);
    const found = await graph.neighborhood(ids, 1, EXPAND_LIMIT).catch(() => EMPTY);
    // Only the chosen nodes are added, with the edges that link them to what is on the canvas.
    await graph.addGraph(found, { extraNodes: nodes, keepOnly: new Set([...ids, ...(graph.canvas()?.nodeIds() ?? [])]) });
    if (ids.length === 1) {
      graph.canvas()?.select(ids);
      graph.canvas()?.focus(ids[0]!);
    }
  }

  return {
    expand,
    collapse,
    isExpanded: (id) => expandedBy.has(id),
    hide(ids) {
      const canvas = graph.canvas();
      if (!canvas) return;
      canvas.hide(ids);
      graph.updateCounts(`hidden: ${canvas.cy.nodes('.hidden').length} node(s) (Unhide shows them)`);
      showDetail(null);
    },
    pin(ids) {
      const canvas = graph.canvas();
      if (!canvas) return;
      canvas.togglePin(ids);
      const pinned = ids.filter((id) => canvas.cy.getElementById(id).hasClass('pinned')).length;
      graph.updateCounts(pinned ? `pinned: ${pinned} node(s) keep their position` : `unpinned: ${ids.length} node(s)`);
      if (ids.length === 1) showDetail(ids[0]!);
    },
    remove(id) {
      graph.canvas()?.remove([id]);
      expandedBy.delete(id);
      graph.refreshSidePanels();
      graph.updateCounts();
      showDetail(null);
    },
    clear() {
      const canvas = graph.canvas();
      if (!canvas) return;
      canvas.clear();
      expandedBy.clear();
      deps.onCleared();
      store.set({ selected: [], canvas: null });
      graph.refreshSidePanels();
      showDetail(null);
      graph.updateCounts('canvas cleared');
    },
    selectOrAdd,
    addNodes,
    findPath: () => findPath(deps),
  };
}
