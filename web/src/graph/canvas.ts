/**
 * The graph canvas: takes elements and callbacks, never fetches. Owns the Cytoscape instance and
 * exposes view operations; every state change is a class change inside `cy.batch()`.
 *
 * Above WEBGL_THRESHOLD elements the canvas is (re)created with Cytoscape's WebGL renderer
 * (preview since 3.31); big graphs also hide edges and use a texture while panning.
 */
import cytoscape, { type Core, type ElementDefinition, type EventObject, type NodeSingular } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import fcose from 'cytoscape-fcose';
import type { LayoutName } from '../state/view-state';
import type { EdgeData, NodeData } from './elements';
import { layoutOptions } from './layouts';
import { buildStylesheet } from './style';

let registered = false;
function registerExtensions(): void {
  if (registered) return;
  cytoscape.use(fcose);
  cytoscape.use(dagre);
  registered = true;
}

export const WEBGL_THRESHOLD = 2_000;
export const VIEWPORT_OPTIMISATION_THRESHOLD = 800;

export interface CanvasCallbacks {
  onSelectionChange?: (ids: string[]) => void;
  /** Double tap / Enter on a node: expand it. */
  onOpen?: (id: string) => void;
  /** After a layout finishes or nodes are dragged: positions changed. */
  onPositionsChange?: () => void;
}

export interface CanvasOptions {
  /** Force the renderer regardless of size (the benchmark compares both). */
  webgl?: boolean;
  /** Threshold for the automatic WebGL choice. */
  webglThreshold?: number;
}

export interface LayoutRun {
  name: LayoutName;
  ms: number;
}

export interface Canvas {
  readonly cy: Core;
  readonly webgl: boolean;
  add(elements: ElementDefinition[]): string[];
  remove(ids: readonly string[]): void;
  clear(): void;
  has(id: string): boolean;
  nodeIds(): string[];
  nodeData(id: string): NodeData | undefined;
  /** Applies visibility predicates as the `filtered` class. */
  applyFilters(node: (data: NodeData) => boolean, edge: (data: EdgeData) => boolean): number;
  hide(ids: readonly string[]): void;
  showAll(): void;
  togglePin(ids: readonly string[]): void;
  select(ids: readonly string[]): void;
  selectedIds(): string[];
  focus(id: string): void;
  /** Shortest path over the visible canvas; returns the ids on it (empty when none). */
  highlightPath(from: string, to: string): string[];
  clearPath(): void;
  layout(name: LayoutName, positions?: Record<string, [number, number]>): Promise<LayoutRun>;
  positions(): Record<string, [number, number]>;
  fit(): void;
  png(): Promise<Blob>;
  json(): unknown;
  resize(): void;
  destroy(): void;
}

function renderOptions(count: number, options: CanvasOptions) {
  const webgl = options.webgl ?? count > (options.webglThreshold ?? WEBGL_THRESHOLD);
  const big = count > VIEWPORT_OPTIMISATION_THRESHOLD;
  return {
    webgl,
    init: {
      hideEdgesOnViewport: big,
      textureOnViewport: big && !webgl,
      // WebGL mode needs to know the background colour it blends labels onto.
      renderer: webgl ? { name: 'canvas', webgl: true, webglBgColor: [255, 255, 255] } : { name: 'canvas' },
      pixelRatio: big ? 1 : ('auto' as const),
      minZoom: 0.05,
      maxZoom: 4,
    },
  };
}

type CanvasContent = Pick<Canvas, 'add' | 'remove' | 'clear' | 'has' | 'nodeIds' | 'nodeData'>;
type CanvasClasses = Pick<Canvas, 'applyFilters' | 'hide' | 'showAll' | 'togglePin' | 'select' | 'selectedIds' | 'focus' | 'highlightPath' | 'clearPath'>;
type CanvasView = Pick<Canvas, 'layout' | 'positions' | 'fit' | 'png' | 'json' | 'resize'>;

/** What is on the canvas: adding (next to a neighbour, never a second edge for one link), removing, reading. */
function contentOf(cy: Core): CanvasContent {
  return {
    add(newElements) {
      // Never two edges for one link: an edge whose key is already drawn is skipped.
      const drawn = new Set(cy.edges().map((e) => String(e.data('key') ?? '')));
      const fresh = newElements.filter((e) => e.data.id && cy.getElementById(e.data.id).empty()
        && !(e.group === 'edges' && typeof e.data.key === 'string' && drawn.has(e.data.key)));
      if (fresh.length === 0) return [];
      // New nodes appear next to an existing neighbour (force layouts then start from there).
      const added = cy.add(fresh);
      const extent = cy.extent();
      const center = { x: (extent.x1 + extent.x2) / 2, y: (extent.y1 + extent.y2) / 2 };
      cy.batch(() => {
        added.nodes().forEach((node) => {
          const anchor = node.neighborhood('node').filter((n) => !added.contains(n)).first() as unknown as NodeSingular;
          const base = anchor.nonempty() ? anchor.position() : center;
          node.position({ x: base.x + (Math.random() - 0.5) * 120, y: base.y + (Math.random() - 0.5) * 120 });
        });
      });
      return added.map((e) => e.id());
    },
    remove(ids) {
      cy.batch(() => {
        for (const id of ids) cy.getElementById(id).remove();
      });
    },
    clear() {
      cy.elements().remove();
    },
    has(id) {
      return cy.getElementById(id).nonempty();
    },
    nodeIds() {
      return cy.nodes().map((n) => n.id());
    },
    nodeData(id) {
      const node = cy.getElementById(id);
      return node.nonempty() && node.isNode() ? (node.data() as NodeData) : undefined;
    },
  };
}

/** State changes by class (filtered, hidden, pinned, selected, focus, path), each inside `cy.batch()`. */
function classesOf(cy: Core): CanvasClasses {
  return {
    applyFilters(nodePredicate, edgePredicate) {
      let hidden = 0;
      cy.batch(() => {
        cy.nodes().forEach((node) => {
          const pass = nodePredicate(node.data() as NodeData);
          if (!pass) hidden += 1;
          node.toggleClass('filtered', !pass);
        });
        cy.edges().forEach((edge) => {
          edge.toggleClass('filtered', !edgePredicate(edge.data() as EdgeData));
        });
      });
      return hidden;
    },
    hide(ids) {
      cy.batch(() => {
        for (const id of ids) cy.getElementById(id).addClass('hidden').unselect();
      });
    },
    showAll() {
      cy.batch(() => cy.elements('.hidden').removeClass('hidden'));
    },
    togglePin(ids) {
      cy.batch(() => {
        for (const id of ids) {
          const node = cy.getElementById(id);
          if (node.empty()) continue;
          if (node.hasClass('pinned')) {
            node.removeClass('pinned');
            node.unlock();
          } else {
            node.addClass('pinned');
            node.lock();
          }
        }
      });
    },
    select(ids) {
      cy.batch(() => {
        cy.$(':selected').unselect();
        for (const id of ids) cy.getElementById(id).select();
      });
    },
    selectedIds() {
      return cy.$('node:selected').map((n) => n.id());
    },
    focus(id) {
      const node = cy.getElementById(id);
      if (node.empty()) return;
      cy.batch(() => {
        cy.$('.focus').removeClass('focus');
        node.addClass('focus');
      });
      cy.animate({ center: { eles: node }, duration: 200 });
    },
    highlightPath(from, to) {
      const visible = cy.elements().not('.hidden, .filtered');
      const result = visible.aStar({ root: cy.getElementById(from), goal: cy.getElementById(to), directed: false });
      cy.batch(() => {
        cy.$('.path').removeClass('path');
        if (result.found) result.path.addClass('path');
      });
      return result.found ? result.path.nodes().map((n) => n.id()) : [];
    },
    clearPath() {
      cy.batch(() => cy.$('.path').removeClass('path'));
    },
  };
}

/** Layouts, positions, the viewport and exports. */
function viewOf(cy: Core, callbacks: CanvasCallbacks): CanvasView {
  return {
    async layout(name, positions) {
      const started = performance.now();
      // Saved positions go to every node, filtered or hidden ones included (a view saved under a
      // filter keeps their places); computed layouts place only what is visible.
      const eles = name === 'preset' ? cy.elements() : cy.elements().not('.hidden, .filtered');
      const options = layoutOptions(name, { nodeCount: eles.nodes().length, positioned: cy.scratch('_laidOut') === true, positions });
      const layout = eles.layout(options);
      const done = layout.promiseOn('layoutstop');
      layout.run();
      await done;
      cy.scratch('_laidOut', true);
      callbacks.onPositionsChange?.();
      return { name, ms: performance.now() - started };
    },
    positions() {
      const out: Record<string, [number, number]> = {};
      cy.nodes().forEach((n) => {
        const p = n.position();
        out[n.id()] = [Math.round(p.x), Math.round(p.y)];
      });
      return out;
    },
    fit() {
      cy.fit(cy.elements().not('.hidden, .filtered'), 30);
    },
    async png() {
      return cy.png({ output: 'blob-promise', full: true, scale: 2, bg: '#ffffff', maxWidth: 8000, maxHeight: 8000 });
    },
    json() {
      return cy.json();
    },
    resize() {
      cy.resize();
    },
  };
}

export function createCanvas(
  container: HTMLElement,
  elements: ElementDefinition[],
  callbacks: CanvasCallbacks = {},
  options: CanvasOptions = {},
): Canvas {
  registerExtensions();
  const render = renderOptions(elements.length, options);
  const cy = cytoscape({
    container,
    elements,
    style: buildStylesheet(),
    layout: { name: 'preset' },
    boxSelectionEnabled: true,
    // Click selects one node; Shift, Ctrl or Cmd + click adds to (or removes from) the selection.
    selectionType: 'single',
    ...render.init,
  } as cytoscape.CytoscapeOptions);

  let selectionTimer: number | undefined;
  const emitSelection = () => {
    window.clearTimeout(selectionTimer);
    selectionTimer = window.setTimeout(() => callbacks.onSelectionChange?.(cy.$('node:selected').map((n) => n.id())), 30);
  };
  cy.on('select unselect', 'node', emitSelection);
  cy.on('dbltap', 'node', (event: EventObject) => callbacks.onOpen?.((event.target as NodeSingular).id()));
  cy.on('dragfree', 'node', () => callbacks.onPositionsChange?.());

  return {
    cy,
    webgl: render.webgl,
    ...contentOf(cy),
    ...classesOf(cy),
    ...viewOf(cy, callbacks),
    destroy() {
      window.clearTimeout(selectionTimer);
      cy.destroy();
    },
  };
}
