/** Search box (full text, ATT&CK ids such as T1078 or G0007) with results to add to the canvas. */
import { externalIdOf, sourceOf, type ApiNode, type SearchHit } from '../api/operations';
import { displayName } from '../graph/elements';
import { h } from './dom';
import { legendSwatch } from './legend';

export interface SearchPage {
  nodes: SearchHit[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface SearchPanelCallbacks {
  search: (text: string, after: string | null, includeRelationships: boolean) => Promise<SearchPage>;
  add: (nodes: ApiNode[]) => void;
  isOnCanvas: (id: string) => boolean;
}

export function createSearchPanel(container: HTMLElement, callbacks: SearchPanelCallbacks): { focus(): void } {
  const input = h('input', { type: 'search', id: 'search-text', placeholder: 'Name, alias, T1078, G0007…', autocomplete: 'off' });
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { class: 'results', 'aria-label': 'Search results' });
  const more = h('button', { type: 'button', hidden: true }, 'More results');
  const addAll = h('button', { type: 'button', hidden: true }, 'Add all to canvas');
  let shown: ApiNode[] = [];
  const withRelationships = h('input', { type: 'checkbox', id: 'search-relationships' });
  let cursor: string | null = null;
  let text = '';

  const renderItem = (node: SearchHit) => {
    const onCanvas = callbacks.isOnCanvas(node.id);
    const externalId = externalIdOf(node);
    const source = sourceOf(node);
    const button = h('button', { type: 'button', class: 'result', title: node.id, 'aria-label': `Add ${displayName(node)} (${node.type}) to the canvas` },
      legendSwatch(node.type),
      h('span', { class: 'result-name' }, externalId ? h('span', { class: 'ext-id' }, externalId) : null, displayName(node)),
      h('span', { class: 'result-type' }, [node.type, source ? ` · ${source}` : '', ` · ${node.id.split('--')[1]?.slice(0, 8) ?? ''}`].join('')));
    if (onCanvas) button.classList.add('on-canvas');
    button.addEventListener('click', () => {
      callbacks.add([node]);
      button.classList.add('on-canvas');
    });
    return h('li', {}, button);
  };

  const run = async (after: string | null) => {
    status.textContent = 'Searching…';
    try {
      const page = await callbacks.search(text, after, withRelationships.checked);
      if (!after) {
        shown = [];
        list.replaceChildren();
      }
      shown.push(...page.nodes);
      list.append(...page.nodes.map(renderItem));
      cursor = page.endCursor;
      more.hidden = !page.hasNextPage;
      addAll.hidden = shown.length === 0;
      status.textContent = page.totalCount === 0 ? 'No match.' : `${shown.length} of ${page.totalCount} shown${withRelationships.checked ? '' : ' (relationships left out)'}.`;
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    }
  };

  const form = h('form', { role: 'search', class: 'search-form' },
    h('label', { for: 'search-text' }, 'Search'), input, h('button', { type: 'submit' }, 'Go'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    text = input.value.trim();
    if (text) void run(null);
  });
  more.addEventListener('click', () => void run(cursor));
  addAll.addEventListener('click', () => callbacks.add(shown));
  container.replaceChildren(h('h2', {}, 'Start from a search'), form,
    h('label', { class: 'small', for: 'search-relationships' }, withRelationships, ' include relationships'), status, list, h('div', { class: 'row' }, more, addAll));
  return { focus: () => input.focus() };
}
