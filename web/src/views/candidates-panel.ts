/**
 * Candidates panel of the Hypotheses view: the incident's candidate actors from the graph, ranked,
 * with each one's shared-item breakdown as a bar chart (coloured by channel), what is missing,
 * "Add as hypothesis" (analysts), and ATT&CK Navigator layer downloads. It fetches through the
 * typed client (web/src/api/candidates.ts) and reports a created hypothesis through `onCreated`.
 */
import { CANDIDATE_ACTORS, CANDIDATE_LAYER, CREATE_CANDIDATE_HYPOTHESES, type CandidateChannel, type CandidateRow } from '../api/candidates';
import { describeError, type GraphQLClient } from '../api/client';
import { download, h } from './dom';

const CHANNEL_COLOURS: Record<CandidateChannel, string> = {
  TECHNIQUE: '#4e79a7',
  SOFTWARE: '#e15759',
  INFRASTRUCTURE: '#f28e2b',
  VICTIMOLOGY: '#59a14f',
  TIME: '#9c755f',
};

export interface CandidatesPanelOptions {
  client: GraphQLClient;
  incidentId: string;
  canEdit: boolean;
  onCreated?: () => Promise<void> | void;
}

const pct = (p: number) => (p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(1)}%`);
const label = (o: { id: string; name: string | null; externalId: string | null }) => (o.externalId ? `${o.externalId} ${o.name ?? ''}`.trim() : (o.name ?? o.id));

function breakdown(c: CandidateRow): HTMLElement {
  const max = Math.max(0.001, ...c.shared.map((s) => s.weight));
  return h('div', { class: 'candidate-breakdown' },
    h('table', { class: 'candidate-bars', 'aria-label': `What ${c.actor.name} shares with the incident` },
      h('tbody', {}, c.shared.map((s) =>
        h('tr', {},
          h('th', { scope: 'row' }, `${label(s.object)}${s.match === 'FAMILY' ? ' (family)' : ''}`),
          h('td', {},
            h('span', { class: 'bar', style: `display:inline-block;height:0.8em;width:${Math.round((s.weight / max) * 160)}px;background:${CHANNEL_COLOURS[s.channel]}`, title: s.channel.toLowerCase() }),
            ` +${s.weight.toFixed(2)} · ${s.channel.toLowerCase()} · ${s.actorsWithItem} actor${s.actorsWithItem === 1 ? '' : 's'}`))))),
    c.missing.length > 0
      ? h('p', { class: 'hint' }, `Known for, not seen: ${c.missing.slice(0, 6).map((m) => `${label(m.object)} (−${m.weight.toFixed(2)})`).join(', ')}`)
      : null);
}

export async function renderCandidatesPanel(container: HTMLElement, options: CandidatesPanelOptions): Promise<void> {
  const { client, incidentId } = options;
  const status = h('p', { class: 'status', role: 'status' });
  container.replaceChildren(h('h3', {}, 'Candidate actors from the graph'), h('p', { class: 'hint' }, 'Ranking…'));
  let data;
  try {
    data = (await client.request(CANDIDATE_ACTORS, { incidentId, first: 10 })).candidateActors;
  } catch (error) {
    container.replaceChildren(h('h3', {}, 'Candidate actors from the graph'), h('p', { class: 'hint' }, describeError(error)));
    return;
  }
  const layer = (actorId: string | null, file: string) => async () => {
    try {
      const r = await client.request(CANDIDATE_LAYER, { incidentId, actorId });
      download(file, new Blob([JSON.stringify(r.candidateActors.navigatorLayer, null, 2)], { type: 'application/json' }));
    } catch (error) {
      status.textContent = describeError(error);
    }
  };
  const add = (c: CandidateRow) => async (event: Event) => {
    (event.currentTarget as HTMLButtonElement).disabled = true;
    try {
      await client.request(CREATE_CANDIDATE_HYPOTHESES, { incidentId, actorIds: [c.actor.id] });
      status.textContent = `Added “${c.actor.name}” as a hypothesis, with machine-rated evidence.`;
      await options.onCreated?.();
    } catch (error) {
      status.textContent = describeError(error);
      (event.currentTarget as HTMLButtonElement | null)?.removeAttribute('disabled');
    }
  };
  const rows = data.candidates.map((c) =>
    h('tr', { 'data-actor': c.actor.id },
      h('td', {}, String(c.rank)),
      h('td', {}, h('details', {}, h('summary', {}, `${c.actor.name} (${c.actor.type})`), breakdown(c))),
      h('td', {}, pct(c.probability)),
      h('td', {}, c.score.toFixed(2)),
      h('td', {}, c.carriedBy ? c.carriedBy.toLowerCase() : '—'),
      h('td', {},
        options.canEdit && c.actor.type !== 'campaign' ? h('button', { type: 'button', class: 'add-candidate', onclick: add(c) }, 'Add as hypothesis') : null,
        h('button', { type: 'button', onclick: layer(c.actor.id, `navigator-${c.actor.name.replace(/[^\w.-]+/g, '_')}.json`) }, 'Navigator layer'))));
  container.replaceChildren(
    h('h3', {}, 'Candidate actors from the graph'),
    ...data.explanation.map((s) => h('p', { class: data.standsOut ? 'candidate-verdict' : 'candidate-verdict hint' }, s)),
    h('table', { class: 'candidates' },
      h('thead', {}, h('tr', {}, ['Rank', 'Actor', 'Probability', 'Score', 'Carried by', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows,
        h('tr', { class: 'candidate-unknown' }, h('td', {}, ''), h('td', {}, 'None of these / an actor not in the graph'), h('td', {}, pct(data.unknownProbability)), h('td', {}, ''), h('td', {}, ''), h('td', {})))),
    h('p', {}, h('button', { type: 'button', onclick: layer(null, 'navigator-incident.json') }, 'Navigator layer of the incident'), ` ${data.actorsConsidered} actors compared.`),
    status,
  );
}
