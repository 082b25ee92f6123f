/**
 * The details panel: the selected object, then its notes and opinions and its version history.
 * Only the latest selection draws (an older answer never replaces a newer one).
 */
import { describeError, type GraphQLClient } from '../api/client';
import { OBJECT_HISTORY, STIX_OBJECT } from '../api/operations';
import { renderDetailPanel, type DetailActions, type DetailContext } from '../views/detail-panel';
import { h } from '../views/dom';
import type { GraphController } from './graph';
import type { GraphActions } from './graph-actions';

export interface DetailsController {
  show(id: string | null): Promise<void>;
}

export interface DetailsDeps {
  client: GraphQLClient;
  graph: GraphController;
  actions: GraphActions;
  detail: HTMLElement;
}

export function createDetailsController({ client, graph, actions, detail }: DetailsDeps): DetailsController {
  let selectionToken = 0;
  const detailActions: DetailActions = {
    expand: (id, rel, types, refs) => void actions.expand([id], rel, types, refs),
    collapse: (id) => actions.collapse(id),
    hide: (id) => actions.hide([id]),
    pin: (id) => actions.pin([id]),
    remove: (id) => actions.remove(id),
    select: (id) => void actions.selectOrAdd(id),
    nameOf: (id) => graph.canvas()?.nodeData(id)?.name ?? null,
  };

  async function show(id: string | null): Promise<void> {
    const token = ++selectionToken;
    if (!id) return renderDetailPanel(detail, null, detailActions);
    detail.replaceChildren(h('p', { class: 'hint' }, 'Loading…'));
    try {
      const data = await client.request(STIX_OBJECT, { id });
      if (token !== selectionToken) return;
      if (!data.stixObject) {
        detail.replaceChildren(h('p', {}, 'This object is not visible to you (or no longer exists).'));
        return;
      }
      const node = graph.canvas()?.cy.getElementById(id);
      const context: DetailContext = {
        object: data.stixObject,
        pinned: Boolean(node?.hasClass('pinned')),
        expanded: actions.isExpanded(id),
        annotations: null,
        history: null,
      };
      renderDetailPanel(detail, context, detailActions);
      // Notes and opinions point at what they discuss through `object_refs` (a reference).
      const [around, versions] = await Promise.all([
        graph.neighborhood([id], 1, 100, ['note', 'opinion'], null, true).catch(() => null),
        client.request(OBJECT_HISTORY, { id }).then((d) => d.objectHistory?.versions ?? 'No version you may see.', (e: unknown) => describeError(e)),
      ]);
      if (token !== selectionToken) return;
      context.annotations = around ? around.nodes.filter((n) => n.id !== id && (n.type === 'note' || n.type === 'opinion')) : [];
      context.history = versions;
      renderDetailPanel(detail, context, detailActions);
    } catch (error) {
      if (token === selectionToken) detail.replaceChildren(h('p', { class: 'error' }, describeError(error)));
    }
  }

  return { show };
}
