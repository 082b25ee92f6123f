/**
 * Keyboard shortcuts on the focused canvas: Enter/e expand, c collapse, h hide, p pin,
 * Delete/Backspace remove, f fit, Escape clear the selection and the path, ] and [ move to the
 * next or previous node (left to right), Shift+] and Shift+[ add it to the selection.
 */
import type { NodeSingular } from 'cytoscape';
import type { Canvas } from '../graph/canvas';
import type { GraphController } from './graph';
import type { GraphActions } from './graph-actions';

export interface KeyboardDeps {
  canvasHost: HTMLElement;
  graph: GraphController;
  actions: GraphActions;
  showDetail: (id: string | null) => void;
}

/**
 * ] / [ move the selection to the next / previous node; with Shift (} / {) they add it to the
 * selection, so two nodes can be chosen for Path from the keyboard. Returns the node moved to.
 */
function step(canvas: Canvas, key: string, selected: string[], cursor: string | null): string | null {
  const visible = canvas.cy.nodes().filter((n) => n.visible()).sort((a, b) => {
    const pa = (a as NodeSingular).position();
    const pb = (b as NodeSingular).position();
    return pa.x - pb.x || pa.y - pb.y;
  });
  if (visible.empty()) return null;
  const ids = visible.map((n) => n.id());
  const forward = key === ']' || key === '}';
  const extend = key === '}' || key === '{';
  const one = selected.length === 1 ? selected[0]! : null;
  const from = extend ? (cursor && selected.includes(cursor) ? cursor : selected[selected.length - 1]) : one;
  let index = from ? ids.indexOf(from) : -1;
  let next: string | undefined;
  for (let i = 0; i < ids.length; i++) {
    index = (index + (forward ? 1 : ids.length - 1)) % ids.length;
    if (!extend || !selected.includes(ids[index]!)) { next = ids[index]; break; }
  }
  if (!next) return null;
  canvas.select(extend ? [...selected, next] : [next]);
  canvas.focus(next);
  return next;
}

export function installKeyboard({ canvasHost, graph, actions, showDetail }: KeyboardDeps): void {
  let cursor: string | null = null;
  canvasHost.addEventListener('keydown', (event) => {
    const canvas = graph.canvas();
    if (!canvas) return;
    const selected = canvas.selectedIds();
    const one = selected.length === 1 ? selected[0]! : null;
    switch (event.key) {
      case 'Enter': case 'e': if (one) void actions.expand([one], null, null); break;
      case 'c': if (one) actions.collapse(one); break;
      case 'h': if (selected.length) actions.hide(selected); break;
      case 'p': if (selected.length) actions.pin(selected); break;
      case 'Delete': case 'Backspace': if (selected.length) { canvas.remove(selected); graph.refreshSidePanels(); graph.updateCounts(); showDetail(null); } break;
      case 'f': canvas.fit(); break;
      case 'Escape': canvas.select([]); canvas.clearPath(); break;
      case ']': case '[': case '}': case '{': cursor = step(canvas, event.key, selected, cursor) ?? cursor; break;
      default: return;
    }
    event.preventDefault();
  });
}
