/**
 * Hypotheses view: the ACH matrix (evidence × hypotheses, ratings coloured, diagnosticity,
 * weights), scores and posteriors with estimative labels, sensitivity, and a chart of the
 * posteriors over time. Everything shown is computed by the server (the `assessment` query);
 * this module only lays it out and reports the analyst's edits through callbacks.
 */
import { RATING_COLOURS } from '../graph/style';
import type { MatrixMode } from '../state/view-state';
import { h, svgEl } from './dom';

export const RATINGS = ['CC', 'C', 'N', 'I', 'II'] as const;
export type Rating = (typeof RATINGS)[number];

const RATING_WORDS: Record<Rating, string> = {
  CC: 'very consistent',
  C: 'consistent',
  N: 'neutral / not applicable',
  I: 'inconsistent',
  II: 'very inconsistent',
};

export interface MatrixHypothesis {
  id: string;
  name: string;
  category: string | null;
  score: number | null;
  posterior: number | null;
  rank: number;
  label: string | null;
}

export interface MatrixEvidence {
  id: string;
  name: string;
  weight: number | null;
  reliability: string | null;
  credibility: number | null;
  knownAt: string | null;
  diagnosticity: number | null;
  /** The viewer's own latest rating per hypothesis id (null: not rated by them). */
  ratings: Record<string, Rating | null>;
  /** The consensus cell per hypothesis id, as the server's engine scores it. */
  consensus: Record<string, ConsensusCell>;
}

/** One matrix cell as the assessment counts it (computed by the server). */
export interface ConsensusCell {
  rating: Rating;
  /** Analysts whose rating counts (0: nobody rated; the engine counts the cell as `rating`). */
  raters: number;
  unanimous: boolean;
  /** Combined likelihood P(e | h). */
  likelihood: number;
}

/** Which ratings the matrix shows: the consensus the scores come from, or the viewer's own. */
export type { MatrixMode } from '../state/view-state';

export interface SensitivityItem {
  evidenceId: string;
  /** Hypothesis that would lead if this item were removed or discredited. */
  newLeaderId: string | null;
  text: string;
}

export interface HistoryPoint {
  date: string;
  posteriors: Record<string, number>;
}

export type EvidenceKind = 'FACT' | 'JUDGEMENT' | 'CONTEXT';

export interface AnalystsView {
  perAnalyst: { analyst: string; posteriors: Record<string, number | null> }[];
  pooled: { rule: string; probabilities: Record<string, number> } | null;
  disagreement: { hypothesisId: string; spread: number; lowest: { analyst: string; probability: number }; highest: { analyst: string; probability: number } }[];
}

export interface HypothesesData {
  incidentName: string;
  asOf: string | null;
  hypotheses: MatrixHypothesis[];
  evidence: MatrixEvidence[];
  sensitivity: SensitivityItem[] | null;
  history: HistoryPoint[] | null;
  analysts: AnalystsView | null;
  /** The engine's own explanation of the result, line by line. */
  explanation: string[];
  canEdit: boolean;
  /** Analyst name used for ratings (from the token), shown next to the edit controls. */
  analyst: string | null;
  /** What the matrix cells show (only analysts who can edit get `mine`). */
  mode: MatrixMode;
}

export interface HypothesesCallbacks {
  setMode?: (mode: MatrixMode) => void;
  rate?: (evidenceId: string, hypothesisId: string, rating: Rating) => Promise<void>;
  addHypothesis?: (name: string, category: string) => Promise<void>;
  addEvidence?: (name: string, collectedAt: string, kind: EvidenceKind) => Promise<void>;
}

const CATEGORIES = ['foreign-interference', 'state-challenger', 'cybercrime', 'insider', 'unknown'];
const SERIES_COLOURS = ['#7b2cbf', '#e85d04', '#2a9d8f', '#d62828', '#3a86ff', '#6c757d'];

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

function fixed(value: number | null, digits = 2): string {
  return value === null ? '—' : value.toFixed(digits);
}

function consensusCell(evidence: MatrixEvidence, hypothesis: MatrixHypothesis): HTMLElement {
  const cell = evidence.consensus[hypothesis.id];
  if (!cell) return h('td', { class: 'rating rating-none' }, h('span', { title: 'not in the assessment' }, '—'));
  const split = !cell.unanimous;
  const title = cell.raters === 0
    ? `Nobody rated this cell: the assessment counts it as ${cell.rating} (${RATING_WORDS[cell.rating]}).`
    : `${cell.raters} analyst${cell.raters === 1 ? '' : 's'}${split ? ', who differ' : ''}: combined likelihood ${cell.likelihood.toFixed(2)}, counted as ${cell.rating} (${RATING_WORDS[cell.rating]}).`;
  return h('td', {
    class: `rating consensus rating-${cell.rating}${cell.raters === 0 ? ' unrated' : ''}${split ? ' split' : ''}`,
    style: cell.raters === 0 ? '' : `background:${RATING_COLOURS[cell.rating]}`,
    'data-evidence': evidence.id,
    'data-hypothesis': hypothesis.id,
    title,
  }, h('span', { 'aria-label': title }, `${cell.rating}${split ? ' ≈' : ''}`), cell.raters > 1 ? h('span', { class: 'raters' }, ` ×${cell.raters}`) : null);
}

function ratingCell(evidence: MatrixEvidence, hypothesis: MatrixHypothesis, data: HypothesesData, callbacks: HypothesesCallbacks, status: HTMLElement): HTMLElement {
  if (data.mode === 'consensus' || !data.canEdit || !callbacks.rate) return consensusCell(evidence, hypothesis);
  const rating = evidence.ratings[hypothesis.id] ?? null;
  const td = h('td', { class: `rating rating-${rating ?? 'none'}`, style: rating ? `background:${RATING_COLOURS[rating]}` : '' });
  const select = h('select', {
    'aria-label': `Your rating of “${evidence.name}” against “${hypothesis.name}”`,
    'data-evidence': evidence.id,
    'data-hypothesis': hypothesis.id,
    class: 'rating-select',
  }, rating ? null : h('option', { value: '', selected: true }, '—'),
  RATINGS.map((r) => h('option', { value: r, selected: r === rating, title: RATING_WORDS[r] }, r)));
  select.addEventListener('change', () => {
    const value = select.value as Rating;
    if (!value) return;
    select.disabled = true;
    status.textContent = 'Saving the rating…';
    void callbacks.rate!(evidence.id, hypothesis.id, value).catch((error: unknown) => {
      select.disabled = false;
      status.textContent = error instanceof Error ? error.message : String(error);
    });
  });
  td.append(select);
  return td;
}

/** The switch between the consensus and the viewer's own ratings, and a caption saying which is shown. */
function modeSwitch(data: HypothesesData, callbacks: HypothesesCallbacks): HTMLElement {
  const editable = data.canEdit && Boolean(callbacks.rate);
  const caption = h('p', { class: 'matrix-shown', id: 'matrix-shown' }, data.mode === 'mine' && editable
    ? [h('strong', {}, 'Showing your ratings'), ` (${data.analyst ?? 'you'}), editable; blank: not rated by you. Scores, diagnosticity and sensitivity are still the consensus of all analysts.`]
    : [h('strong', {}, 'Showing the consensus'), ': every analyst’s latest rating of each cell, combined as the assessment scores it (≈ analysts differ, ×n analysts; grey: nobody rated, counted as N).']);
  if (!editable) return h('div', { class: 'matrix-mode' }, caption);
  const button = (mode: MatrixMode, label: string, id: string) => {
    const b = h('button', { type: 'button', id, 'aria-pressed': String(data.mode === mode), class: data.mode === mode ? 'pressed' : '' }, label);
    b.addEventListener('click', () => {
      if (data.mode !== mode) callbacks.setMode?.(mode);
    });
    return b;
  };
  return h('div', { class: 'matrix-mode' },
    h('div', { class: 'segmented', role: 'group', 'aria-label': 'Ratings shown in the matrix' },
      button('consensus', 'Consensus', 'matrix-consensus'), button('mine', 'My ratings', 'matrix-mine')),
    caption);
}

function matrix(data: HypothesesData, callbacks: HypothesesCallbacks, status: HTMLElement): HTMLElement {
  const hyps = data.hypotheses;
  const leader = hyps.find((x) => x.rank === 1);
  const head = h('thead', {},
    h('tr', {},
      h('th', { scope: 'col' }, 'Evidence'),
      h('th', { scope: 'col', title: 'Analyst weight' }, 'Weight'),
      h('th', { scope: 'col', title: 'Admiralty source reliability / information credibility' }, 'Grade'),
      h('th', { scope: 'col', title: 'How much this item discriminates between hypotheses (0 = non-diagnostic)' }, 'Diagnosticity'),
      hyps.map((x) => h('th', { scope: 'col', class: x === leader ? 'leader' : '' }, x.name, h('br'), h('span', { class: 'hint' }, x.category ?? '')))));
  const body = h('tbody', {}, data.evidence.map((e) =>
    h('tr', { class: e.diagnosticity === 0 ? 'non-diagnostic' : '' },
      h('th', { scope: 'row' }, e.name, e.knownAt ? h('span', { class: 'hint small' }, ` ${e.knownAt.slice(0, 10)}`) : null),
      h('td', { class: 'num' }, fixed(e.weight, 1)),
      h('td', { class: 'num', title: 'Admiralty: source reliability, information credibility' }, `${e.reliability ?? '–'}${e.credibility ?? ''}`),
      h('td', { class: 'num' }, e.diagnosticity === 0 ? h('span', { title: 'rates the same for every hypothesis' }, '0 (non-diagnostic)') : fixed(e.diagnosticity)),
      hyps.map((x) => ratingCell(e, x, data, callbacks, status)))));
  const foot = h('tfoot', {},
    h('tr', {}, h('th', { scope: 'row', colspan: 4 }, 'ACH inconsistency score (lower is better)'), hyps.map((x) => h('td', { class: 'num' }, fixed(x.score)))),
    h('tr', {}, h('th', { scope: 'row', colspan: 4 }, 'Posterior probability'), hyps.map((x) => h('td', { class: 'num posterior', 'data-hypothesis': x.id }, percent(x.posterior)))),
    h('tr', {}, h('th', { scope: 'row', colspan: 4 }, 'Estimative label'), hyps.map((x) => h('td', { class: 'label-cell' }, x.label ?? '—'))),
    h('tr', {}, h('th', { scope: 'row', colspan: 4 }, 'Rank'), hyps.map((x) => h('td', { class: 'num' }, String(x.rank)))));
  return h('div', { class: 'matrix-wrap' }, h('table', { class: `ach-matrix mode-${data.mode}`, 'aria-label': data.mode === 'mine' ? 'ACH matrix: your ratings' : 'ACH matrix: consensus ratings' }, head, body, foot));
}

function chart(data: HypothesesData): HTMLElement {
  const points = data.history ?? [];
  if (points.length < 2) return h('p', { class: 'hint' }, 'Not enough dated evidence for a history yet.');
  const W = 520, H = 180, L = 40, B = 24, T = 10, R = 10;
  const times = points.map((p) => Date.parse(p.date));
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const x = (t: number) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - R);
  const y = (v: number) => T + (1 - v) * (H - T - B);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'history-chart', role: 'img', 'aria-label': 'Posterior of each hypothesis over time' });
  for (const v of [0, 0.5, 1]) {
    svg.append(svgEl('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#dee2e6' }), svgEl('text', { x: 4, y: y(v) + 4, 'font-size': 10 }, `${v * 100}%`));
  }
  svg.append(svgEl('text', { x: L, y: H - 6, 'font-size': 10 }, points[0]!.date.slice(0, 10)), svgEl('text', { x: W - R - 60, y: H - 6, 'font-size': 10 }, points[points.length - 1]!.date.slice(0, 10)));
  const legend = h('ul', { class: 'legend-list inline' });
  data.hypotheses.forEach((hyp, index) => {
    const colour = SERIES_COLOURS[index % SERIES_COLOURS.length]!;
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(times[i]!).toFixed(1)},${y(p.posteriors[hyp.id] ?? 0).toFixed(1)}`).join(' ');
    svg.append(svgEl('path', { d, fill: 'none', stroke: colour, 'stroke-width': hyp.rank === 1 ? 3 : 1.5 }));
    legend.append(h('li', {}, h('span', { class: 'edge-line', style: `border-top-color:${colour}` }), hyp.name));
  });
  return h('div', {}, svg, legend);
}

function editForms(data: HypothesesData, callbacks: HypothesesCallbacks, status: HTMLElement): HTMLElement | string {
  if (!data.canEdit) return h('p', { class: 'hint' }, 'Your role is read-only: ratings and new items need the analyst role.');
  const forms: HTMLElement[] = [];
  if (callbacks.addHypothesis) {
    const name = h('input', { id: 'new-hyp-name', required: true, placeholder: 'e.g. Initial-access broker resold stolen credentials' });
    const category = h('select', { id: 'new-hyp-category' }, CATEGORIES.map((c) => h('option', { value: c }, c)));
    const form = h('form', { class: 'inline-form' }, h('label', { for: 'new-hyp-name' }, 'New hypothesis'), name, category, h('button', { type: 'submit' }, 'Add hypothesis'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      status.textContent = 'Adding the hypothesis…';
      void callbacks.addHypothesis!(name.value.trim(), category.value).catch((e: unknown) => (status.textContent = e instanceof Error ? e.message : String(e)));
    });
    forms.push(form);
  }
  if (callbacks.addEvidence) {
    const name = h('input', { id: 'new-ev-name', required: true, placeholder: 'Statement of the evidence' });
    const date = h('input', { id: 'new-ev-date', type: 'date', required: true, value: new Date().toISOString().slice(0, 10), 'aria-label': 'Collected on' });
    const kind = h('select', { id: 'new-ev-kind', 'aria-label': 'Kind of evidence' }, h('option', { value: 'FACT' }, 'fact'), h('option', { value: 'JUDGEMENT' }, 'analyst judgement'), h('option', { value: 'CONTEXT' }, 'context'));
    const form = h('form', { class: 'inline-form' }, h('label', { for: 'new-ev-name' }, 'New evidence'), name, kind, date, h('button', { type: 'submit' }, 'Add evidence'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      status.textContent = 'Adding the evidence…';
      void callbacks.addEvidence!(name.value.trim(), `${date.value}T00:00:00Z`, kind.value as EvidenceKind).catch((e: unknown) => (status.textContent = e instanceof Error ? e.message : String(e)));
    });
    forms.push(form);
  }
  return forms.length ? h('section', {}, h('h3', {}, 'Add'), ...forms) : '';
}

function analystsSection(data: HypothesesData): HTMLElement | string {
  const view = data.analysts;
  if (!view || view.perAnalyst.length === 0) return '';
  const hyps = data.hypotheses;
  const spread = new Map(view.disagreement.map((d) => [d.hypothesisId, d]));
  return h('section', {}, h('h3', {}, 'Analysts'),
    h('table', { class: 'ach-matrix analysts', 'aria-label': 'Posterior per analyst' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Analyst'), hyps.map((x) => h('th', { scope: 'col' }, x.name)))),
      h('tbody', {},
        view.perAnalyst.map((a) => h('tr', {}, h('th', { scope: 'row' }, a.analyst), hyps.map((x) => h('td', { class: 'num' }, percent(a.posteriors[x.id] ?? null))))),
        view.pooled ? h('tr', { class: 'pooled' }, h('th', { scope: 'row' }, `pooled (${view.pooled.rule})`), hyps.map((x) => h('td', { class: 'num' }, percent(view.pooled!.probabilities[x.id] ?? null)))) : null,
        h('tr', {}, h('th', { scope: 'row' }, 'disagreement (spread)'), hyps.map((x) => {
          const d = spread.get(x.id);
          return h('td', { class: 'num', title: d ? `${d.lowest.analyst} ${percent(d.lowest.probability)} – ${d.highest.analyst} ${percent(d.highest.probability)}` : '' }, d ? percent(d.spread) : '—');
        })))));
}

export function renderHypotheses(container: HTMLElement, data: HypothesesData | { unavailable: string }, callbacks: HypothesesCallbacks = {}): void {
  if ('unavailable' in data) {
    container.replaceChildren(h('div', { class: 'unavailable', role: 'status' }, h('h2', {}, 'Hypotheses'), h('p', {}, data.unavailable)));
    return;
  }
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite', id: 'hypotheses-status' });
  const leader = data.hypotheses.find((x) => x.rank === 1);
  const names = new Map(data.hypotheses.map((x) => [x.id, x.name]));
  container.replaceChildren(
    h('h2', {}, `Hypotheses — ${data.incidentName}`, data.asOf ? h('span', { class: 'hint' }, ` (as of ${data.asOf})`) : null),
    h('p', { class: 'lead-summary' }, leader
      ? ['Leading: ', h('strong', {}, leader.name), ` — ${percent(leader.posterior)}, ${leader.label ?? ''}`]
      : 'No hypothesis yet.'),
    modeSwitch(data, callbacks),
    matrix(data, callbacks, status),
    h('div', { class: 'rating-key' }, RATINGS.map((r) => h('span', { class: `rating rating-${r}`, style: `background:${RATING_COLOURS[r]}` }, `${r} ${RATING_WORDS[r]}`))),
    status,
    h('div', { class: 'two-col' },
      h('section', {}, h('h3', {}, 'Sensitivity'), data.sensitivity === null ? h('p', { class: 'hint' }, 'Not available on this server yet.') :
        data.sensitivity.length === 0 ? h('p', {}, 'No single evidence item changes the leading hypothesis.') :
          h('ul', {}, data.sensitivity.map((s) => h('li', {}, s.text, s.newLeaderId ? ` → ${names.get(s.newLeaderId) ?? s.newLeaderId} would lead` : '')))),
      h('section', {}, h('h3', {}, 'Posteriors over time'), chart(data))),
    analystsSection(data),
    data.explanation.length ? h('details', {}, h('summary', {}, 'How this was computed'), h('ul', { class: 'small' }, data.explanation.map((line) => h('li', {}, line)))) : '',
    editForms(data, callbacks, status),
  );
}
