/**
 * Hypotheses view: the ACH matrix (evidence × hypotheses, ratings coloured, diagnosticity,
 * weights), scores and posteriors with estimative labels, sensitivity, and a chart of the
 * posteriors over time. Everything shown is computed by the server (the `assessment` query);
 * this module only lays it out and reports the analyst's edits through callbacks.
 */
import type { ConsistencyRating, EvidenceKind as ApiEvidenceKind, HypothesisStatus as ApiHypothesisStatus } from '../api/generated/operations';
import { RATING_COLOURS } from '../graph/style';
import type { MatrixMode } from '../state/view-state';
import { evidenceEditor, hypothesesPanel } from './case-editor';
import { download, h, svgEl } from './dom';
import { keyJudgement, leadOf, posteriorChart, TIE_MARGIN, type EngineLead, type Lead } from './summary';
import { RATINGS as SCALE_RATINGS, RATING_WORDS } from '../../../schema/assessment/scales';

/** The ratings (schema/assessment/scales.ts), checked against the SDL's ConsistencyRating. */
export const RATINGS = SCALE_RATINGS satisfies readonly ConsistencyRating[];
export type Rating = ConsistencyRating;

export { RATING_WORDS };

export type HypothesisStatus = ApiHypothesisStatus;

export interface MatrixHypothesis {
  id: string;
  name: string;
  category: string | null;
  description: string | null;
  /** The analysts' prior (0–1); null: an equal share of what the other priors leave. */
  prior: number | null;
  status: HypothesisStatus;
  rationale: string | null;
  /** `modified` of the stored version (sent back so a concurrent edit is refused, not lost). */
  modified: string | null;
  /** The viewer's own latest probability judgement. */
  myJudgement: { probability: number; rationale: string | null; at: string } | null;
  score: number | null;
  posterior: number | null;
  rank: number;
  label: string | null;
}

/** One analyst's latest rating of one cell. */
export interface CellRater {
  analyst: string;
  rating: Rating;
  rationale: string | null;
  ratedAt: string;
}

export interface EvidenceSourceView {
  name: string;
  url: string | null;
  archiveUrl: string | null;
  description: string | null;
}

export interface MatrixEvidence {
  id: string;
  name: string;
  description: string | null;
  kind: EvidenceKind;
  /** The analyst weight as stored (null: 1). */
  weight: number | null;
  /** Weight × reliability × credibility factors, as the engine counts it. */
  effectiveWeight: number | null;
  reliability: string | null;
  credibility: number | null;
  knownAt: string | null;
  discredited: boolean;
  objectRefs: string[];
  sources: EvidenceSourceView[];
  modified: string | null;
  diagnosticity: number | null;
  /** The viewer's own latest rating per hypothesis id (null: not rated by them). */
  ratings: Record<string, CellRater | null>;
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
  /** Each analyst's latest rating of the cell, with their rationale. */
  analysts: CellRater[];
}

/** What an analyst edits on a hypothesis. */
export interface HypothesisFields {
  name: string;
  category: string;
  description?: string | null;
  prior?: number | null;
  rationale?: string | null;
}

/** What an analyst edits on an evidence item. */
export interface EvidenceFields {
  name: string;
  kind: EvidenceKind;
  collectedAt: string;
  description?: string | null;
  reliability?: string | null;
  credibility?: number | null;
  weight?: number | null;
  objectRefs?: string[];
  sources?: { name: string; url?: string | null; archiveUrl?: string | null; description?: string | null }[];
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

export type EvidenceKind = ApiEvidenceKind;

export interface AnalystsView {
  perAnalyst: { analyst: string; posteriors: Record<string, number | null> }[];
  pooled: { rule: string; probabilities: Record<string, number> } | null;
  disagreement: { hypothesisId: string; spread: number; lowest: { analyst: string; probability: number }; highest: { analyst: string; probability: number } }[];
}

export interface HypothesesData {
  incidentId: string;
  incidentName: string;
  /** The most restrictive TLP of the incident and its case objects (the brief's marking). */
  tlp: string;
  asOf: string | null;
  hypotheses: MatrixHypothesis[];
  evidence: MatrixEvidence[];
  /** Evidence items of the incident not yet known as of `asOf` (left out of the matrix). */
  laterEvidence: number;
  sensitivity: SensitivityItem[];
  history: HistoryPoint[] | null;
  analysts: AnalystsView | null;
  /** The engine's own explanation of the result, line by line. */
  explanation: string[];
  /** The engine's verdict on the lead (never re-derived here: views/summary.ts leadOf). */
  lead: EngineLead;
  canEdit: boolean;
  /** Analyst name used for ratings (from the token), shown next to the edit controls. */
  analyst: string | null;
  /** What the matrix cells show (only analysts who can edit get `mine`). */
  mode: MatrixMode;
}

export interface HypothesesCallbacks {
  setMode?: (mode: MatrixMode) => void;
  /** The incident's brief as the server writes it, for the date shown. */
  brief?: (format: 'PDF' | 'HTML') => Promise<{ fileName: string; blob: Blob; pages: number | null; tlp: string }>;
  rate?: (evidenceId: string, hypothesisId: string, rating: Rating, rationale: string | null) => Promise<void>;
  addHypothesis?: (fields: HypothesisFields) => Promise<void>;
  updateHypothesis?: (id: string, patch: Partial<HypothesisFields>, expectedModified: string | null) => Promise<void>;
  setStatus?: (id: string, status: HypothesisStatus, rationale: string | null) => Promise<void>;
  setJudgement?: (id: string, probability: number, rationale: string | null) => Promise<void>;
  /** Sets these priors (hypothesis id → 0–1), then adds `other` when given. */
  setPriors?: (priors: Record<string, number>, other?: HypothesisFields) => Promise<void>;
  addEvidence?: (fields: EvidenceFields) => Promise<void>;
  updateEvidence?: (id: string, patch: Partial<EvidenceFields>, expectedModified: string | null) => Promise<void>;
  /** Deletes (revokes) a hypothesis or an evidence item, with an optional reason. */
  deleteHypothesis?: (id: string, rationale: string | null) => Promise<void>;
  deleteEvidence?: (id: string, rationale: string | null) => Promise<void>;
  /** Objects an evidence item may link to (search), and the ids selected on the canvas. */
  findObjects?: (text: string) => Promise<{ id: string; type: string; name: string; externalId?: string | null }[]>;
  canvasSelection?: () => { id: string; type: string; name: string }[];
}

const SERIES_COLOURS = ['#7b2cbf', '#e85d04', '#2a9d8f', '#d62828', '#3a86ff', '#6c757d'];

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

function fixed(value: number | null, digits = 2): string {
  return value === null ? '—' : value.toFixed(digits);
}

function ratersText(analysts: readonly CellRater[]): string {
  return analysts.map((a) => `${a.analyst}: ${a.rating}${a.rationale ? ` — ${a.rationale}` : ''}`).join('\n');
}

/** The per-analyst detail of a cell, shown on hover and on keyboard focus. */
function cellPopover(cell: ConsensusCell, combination: string): HTMLElement {
  return h('div', { class: 'cell-pop', role: 'tooltip' },
    cell.analysts.length === 0
      ? h('p', {}, 'Nobody rated this cell. The assessment counts it as missing: it takes the mean of the item’s rated cells, not N.')
      : h('ul', {}, cell.analysts.map((a) => h('li', {},
        h('strong', {}, a.analyst), ': ', h('span', { class: `rating-chip rating-${a.rating}`, style: `background:${RATING_COLOURS[a.rating]}` }, a.rating),
        ` ${RATING_WORDS[a.rating]}`, h('br'), a.rationale ? h('span', { class: 'rationale' }, `“${a.rationale}”`) : h('span', { class: 'hint' }, 'no rationale given'),
        h('span', { class: 'hint small' }, ` (${a.ratedAt.slice(0, 16).replace('T', ' ')})`)))),
    cell.analysts.length > 0 ? h('p', { class: 'small' }, `${combination}: counted as ${cell.rating}; combined likelihood P(e|h) = ${cell.likelihood.toFixed(2)}.`) : null);
}

const COMBINATION = 'Consensus rule: the mean of the analysts’ log-likelihoods (the rating nearest it is shown)';

function consensusCell(evidence: MatrixEvidence, hypothesis: MatrixHypothesis, leaderId: string | null): HTMLElement {
  const cell = evidence.consensus[hypothesis.id];
  if (!cell) return h('td', { class: 'rating rating-none' }, h('span', { title: 'not in the assessment' }, '—'));
  const blank = cell.raters === 0;
  const split = !cell.unanimous;
  const individual = cell.analysts.map((a) => a.rating);
  const label = blank
    ? `“${evidence.name}” × “${hypothesis.name}”: not rated — missing, not N (the engine gives it the mean of this item’s rated cells).`
    : `“${evidence.name}” × “${hypothesis.name}”: counted as ${cell.rating}. ${ratersText(cell.analysts)}`;
  return h('td', {
    class: `rating consensus rating-${cell.rating}${blank ? ' unrated' : ''}${split ? ' split' : ''}${hypothesis.id === leaderId ? ' leader' : ''}`,
    style: blank ? '' : `background:${RATING_COLOURS[cell.rating]}`,
    tabindex: 0,
    'data-evidence': evidence.id,
    'data-hypothesis': hypothesis.id,
    'aria-label': label,
  },
  h('span', { class: 'cell-label' },
    blank ? h('span', { class: 'blank-mark' }, 'blank') : h('span', { class: 'counted' }, cell.rating),
    split ? h('span', { class: 'individual' }, ` (${individual.join('·')})`) : null,
    !blank && !split && cell.raters > 1 ? h('span', { class: 'raters' }, ` ×${cell.raters}`) : null),
  cellPopover(cell, COMBINATION));
}

function ratingCell(evidence: MatrixEvidence, hypothesis: MatrixHypothesis, data: HypothesesData, callbacks: HypothesesCallbacks, status: HTMLElement, leaderId: string | null): HTMLElement {
  if (data.mode === 'consensus' || !data.canEdit || !callbacks.rate) return consensusCell(evidence, hypothesis, leaderId);
  const own = evidence.ratings[hypothesis.id] ?? null;
  const rating = own?.rating ?? null;
  const td = h('td', { class: `rating mine rating-${rating ?? 'none'}`, style: rating ? `background:${RATING_COLOURS[rating]}` : '' });
  const select = h('select', {
    'aria-label': `Your rating of “${evidence.name}” against “${hypothesis.name}”`,
    'data-evidence': evidence.id,
    'data-hypothesis': hypothesis.id,
    class: 'rating-select',
  }, rating ? null : h('option', { value: '', selected: true }, 'blank'),
  RATINGS.map((r) => h('option', { value: r, selected: r === rating, title: RATING_WORDS[r] }, r)));
  const why = h('input', {
    class: 'rating-why', type: 'text', value: own?.rationale ?? '', placeholder: 'why?',
    'aria-label': `Why you rate “${evidence.name}” against “${hypothesis.name}” so`,
    'data-evidence': evidence.id, 'data-hypothesis': hypothesis.id,
  });
  const save = () => {
    const value = select.value as Rating;
    if (!value) {
      status.textContent = 'Choose a rating first; the rationale is saved with it.';
      return;
    }
    if (value === rating && (why.value.trim() || null) === (own?.rationale ?? null)) return;
    if (td.classList.contains('saving')) return;
    // Marked busy rather than disabled: a disabled control drops the keyboard focus.
    td.classList.add('saving');
    td.setAttribute('aria-busy', 'true');
    status.textContent = 'Saving the rating…';
    void callbacks.rate!(evidence.id, hypothesis.id, value, why.value.trim() || null).catch((error: unknown) => {
      td.classList.remove('saving');
      td.removeAttribute('aria-busy');
      status.textContent = error instanceof Error ? error.message : String(error);
    });
  };
  select.addEventListener('change', save);
  why.addEventListener('change', save);
  td.append(select, why);
  return td;
}

/** The switch between the consensus and the viewer's own ratings, and a caption saying which is shown. */
function modeSwitch(data: HypothesesData, callbacks: HypothesesCallbacks): HTMLElement {
  const editable = data.canEdit && Boolean(callbacks.rate);
  const caption = h('p', { class: 'matrix-shown', id: 'matrix-shown' }, data.mode === 'mine' && editable
    ? [h('strong', {}, 'Showing your ratings'), ` (${data.analyst ?? 'you'}), editable with a rationale each; blank: not rated by you. Scores, diagnosticity and sensitivity are still the consensus of all analysts.`]
    : [h('strong', {}, 'Showing the consensus'), ': every analyst’s latest rating of each cell, combined by the mean of their log-likelihoods; the rating shown is the one nearest that mean, with each analyst’s own rating in brackets when they differ (×n: n analysts agree). “blank”: nobody rated — missing, not N (the engine gives it the mean of the item’s rated cells). Hover or focus a cell for who rated what and why.']);
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

function gradeCell(e: MatrixEvidence): HTMLElement {
  if (!e.reliability && e.credibility === null) {
    return h('td', { class: 'num ungraded', title: 'No Admiralty grade: the engine applies no reliability or credibility factor (the analyst weight alone counts). Grade it if the source is known.' }, h('span', { class: 'flag' }, 'ungraded'));
  }
  return h('td', { class: 'num', title: 'Admiralty: source reliability (A–F), information credibility (1–6)' }, `${e.reliability ?? '?'}${e.credibility ?? '?'}`);
}

function evidenceHead(e: MatrixEvidence, callbacks: HypothesesCallbacks, data: HypothesesData): HTMLElement {
  const sources = e.sources.length;
  return h('th', { scope: 'row' },
    h('span', { class: 'ev-name' }, e.name),
    e.discredited ? h('span', { class: 'flag' }, ' discredited') : null,
    h('span', { class: 'hint small' }, ` ${e.kind.toLowerCase()}${e.knownAt ? `, ${e.knownAt.slice(0, 10)}` : ''}, ${sources} source${sources === 1 ? '' : 's'}`),
    data.canEdit && callbacks.updateEvidence
      ? [' · ', h('button', { type: 'button', class: 'link small edit-evidence', 'data-evidence': e.id, 'aria-label': `Edit “${e.name}”` }, 'edit')]
      : null);
}

function matrix(data: HypothesesData, callbacks: HypothesesCallbacks, status: HTMLElement, lead: Lead): HTMLElement {
  const hyps = data.hypotheses;
  const leaderId = lead.kind === 'lead' ? lead.leader.id : null;
  const head = h('thead', {},
    h('tr', {},
      h('th', { scope: 'col' }, 'Evidence'),
      h('th', { scope: 'col', title: 'Effective weight = analyst weight × Admiralty reliability factor × credibility factor (what the engine counts)' }, 'Effective weight'),
      h('th', { scope: 'col', title: 'Admiralty source reliability / information credibility' }, 'Grade'),
      h('th', { scope: 'col', title: 'Largest likelihood ratio this item gives between two hypotheses (×1 = non-diagnostic)' }, 'Diagnosticity (likelihood ratio)'),
      hyps.map((x) => h('th', { scope: 'col', class: `${x.id === leaderId ? 'leader' : ''} status-${x.status.toLowerCase()}` }, x.name, h('br'),
        h('span', { class: 'hint' }, `${x.category ?? ''}${x.status !== 'OPEN' ? ` · ${x.status.toLowerCase()}` : ''}`)))));
  const body = h('tbody', {}, data.evidence.map((e) =>
    h('tr', { class: `${e.diagnosticity === 0 ? 'non-diagnostic' : ''}${e.discredited ? ' discredited' : ''}`, 'data-evidence': e.id },
      evidenceHead(e, callbacks, data),
      h('td', { class: 'num', title: `analyst weight ${fixed(e.weight ?? 1, 2)}; effective ${fixed(e.effectiveWeight, 3)}` }, fixed(e.effectiveWeight, 2)),
      gradeCell(e),
      h('td', { class: 'num' }, e.diagnosticity === 0
        ? h('span', { title: 'rates the same for every hypothesis: cannot move any posterior' }, '×1 (non-diagnostic)')
        : e.diagnosticity === null ? '—' : h('span', { title: `ln ratio ${e.diagnosticity.toFixed(2)}` }, `×${Math.exp(e.diagnosticity).toFixed(1)}`)),
      hyps.map((x) => ratingCell(e, x, data, callbacks, status, leaderId)))));
  const foot = h('tfoot', {},
    h('tr', {}, h('th', { scope: 'row', colspan: 4, title: 'Sum of effective weight × penalty of I (1) and II (2) ratings, negative: 0 is the least refuted hypothesis' }, 'ACH weighted inconsistency (0 = none; nearest 0 is least refuted)'), hyps.map((x) => h('td', { class: 'num' }, fixed(x.score)))),
    h('tr', {}, h('th', { scope: 'row', colspan: 4 }, 'Posterior probability'), hyps.map((x) => h('td', { class: 'num posterior', 'data-hypothesis': x.id }, percent(x.posterior)))),
    h('tr', {}, h('th', { scope: 'row', colspan: 4 }, 'ICD 203 words'), hyps.map((x) => h('td', { class: 'label-cell' }, x.label ?? '—'))),
    h('tr', {}, h('th', { scope: 'row', colspan: 4 }, 'Rank (by posterior)'), hyps.map((x) => h('td', { class: 'num' }, lead.kind === 'tie' && lead.tied.some((t) => t.id === x.id) ? `${x.rank} (tied)` : String(x.rank)))));
  const table = h('table', { class: `ach-matrix mode-${data.mode}`, 'aria-label': data.mode === 'mine' ? 'ACH matrix: your ratings' : 'ACH matrix: consensus ratings' }, head, body, foot);
  table.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button.edit-evidence');
    if (button) table.dispatchEvent(new CustomEvent('edit-evidence', { bubbles: true, detail: button.dataset.evidence }));
  });
  return h('div', { class: 'matrix-wrap' }, table,
    data.evidence.length === 0 ? h('p', { class: 'hint' }, 'No evidence yet: add the first item below.') : null,
    data.laterEvidence > 0 ? h('p', { class: 'hint small' }, `${data.laterEvidence} evidence item(s) became known after ${data.asOf}: not counted.`) : null);
}

function timeLabel(t0: number, t1: number, t: number): string {
  const iso = new Date(t).toISOString();
  return t1 - t0 < 2 * 86_400_000 ? iso.slice(0, 16).replace('T', ' ') : iso.slice(0, 10);
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
  svg.append(svgEl('text', { x: L, y: H - 6, 'font-size': 10, class: 'axis-start' }, timeLabel(t0, t1, t0)),
    svgEl('text', { x: W - R, y: H - 6, 'font-size': 10, 'text-anchor': 'end', class: 'axis-end' }, `${timeLabel(t0, t1, t1)} UTC`));
  const legend = h('ul', { class: 'legend-list inline' });
  data.hypotheses.forEach((hyp, index) => {
    const colour = SERIES_COLOURS[index % SERIES_COLOURS.length]!;
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(times[i]!).toFixed(1)},${y(p.posteriors[hyp.id] ?? 0).toFixed(1)}`).join(' ');
    svg.append(svgEl('path', { d, fill: 'none', stroke: colour, 'stroke-width': hyp.rank === 1 ? 3 : 1.5 }));
    legend.append(h('li', {}, h('span', { class: 'edge-line', style: `border-top-color:${colour}` }), hyp.name));
  });
  return h('div', {}, svg, legend);
}

function analystsSection(data: HypothesesData): HTMLElement | string {
  const view = data.analysts;
  if (!view || view.perAnalyst.length === 0) return '';
  const hyps = data.hypotheses;
  const spread = new Map(view.disagreement.map((d) => [d.hypothesisId, d]));
  return h('section', {}, h('h3', {}, 'Analysts'),
    h('p', { class: 'hint small' }, 'Posterior from each analyst’s own ratings; the pooled row and the spread come from the analysts’ probability judgements (set yours under each hypothesis).'),
    h('table', { class: 'ach-matrix analysts', 'aria-label': 'Posterior per analyst' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Analyst'), hyps.map((x) => h('th', { scope: 'col' }, x.name)))),
      h('tbody', {},
        view.perAnalyst.map((a) => h('tr', {}, h('th', { scope: 'row' }, a.analyst), hyps.map((x) => h('td', { class: 'num' }, percent(a.posteriors[x.id] ?? null))))),
        view.pooled ? h('tr', { class: 'pooled' }, h('th', { scope: 'row' }, `pooled judgements (${view.pooled.rule})`), hyps.map((x) => h('td', { class: 'num' }, percent(view.pooled!.probabilities[x.id] ?? null)))) : null,
        h('tr', {}, h('th', { scope: 'row' }, 'disagreement of judgements (spread)'), hyps.map((x) => {
          const d = spread.get(x.id);
          return h('td', { class: 'num spread', title: d ? `${d.lowest.analyst} ${percent(d.lowest.probability)} – ${d.highest.analyst} ${percent(d.highest.probability)}` : 'needs judgements from two analysts' }, d ? `${percent(d.spread)} (${d.lowest.analyst} ${percent(d.lowest.probability)} – ${d.highest.analyst} ${percent(d.highest.probability)})` : 'needs two judgements');
        })))));
}

/** The brief's buttons: the server writes it (PDF, or HTML), the browser saves it; errors are said next to the buttons. */
function briefButtons(callbacks: HypothesesCallbacks): HTMLElement | null {
  const get = callbacks.brief;
  if (!get) return null;
  const note = h('span', { class: 'hint small brief-status', role: 'status', 'aria-live': 'polite' });
  const button = (format: 'PDF' | 'HTML', id: string, label: string, title: string) => {
    const b = h('button', { type: 'button', id, class: 'brief-button', title }, label) as HTMLButtonElement;
    b.addEventListener('click', async () => {
      const all = [...(b.parentElement?.querySelectorAll<HTMLButtonElement>('button.brief-button') ?? [])];
      for (const x of all) x.disabled = true;
      note.classList.remove('error');
      note.textContent = 'Preparing the brief…';
      try {
        const brief = await get(format);
        download(brief.fileName, brief.blob);
        note.textContent = `Brief saved: ${brief.fileName} (TLP:${brief.tlp}${brief.pages ? `, ${brief.pages} page${brief.pages === 1 ? '' : 's'}` : ''}).`;
      } catch (error) {
        note.classList.add('error');
        note.textContent = `Brief not written: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        for (const x of all) x.disabled = false;
      }
    });
    return b;
  };
  return h('div', { class: 'brief-actions' },
    button('PDF', 'brief', 'Brief (PDF)', 'A one-page brief for decision-makers, TLP-marked on every page, written by the server'),
    button('HTML', 'brief-html', 'HTML', 'The same brief as an HTML file'),
    note);
}

function summary(data: HypothesesData, lead: Lead, names: Map<string, string>, callbacks: HypothesesCallbacks): HTMLElement {
  const changers = data.sensitivity.slice(0, 3);
  return h('section', { class: 'decision-summary', 'aria-label': 'Summary' },
    briefButtons(callbacks),
    h('p', { class: `lead-summary${lead.kind === 'tie' ? ' tie' : ''}`, id: 'key-judgement' }, keyJudgement(lead)),
    lead.kind !== 'none' && changers.length
      ? h('p', { class: 'small' }, 'What would change this: ', changers.map((s, i) => [i ? '; ' : '', `${s.text.toLowerCase().startsWith('without') ? s.text : s.text}${s.newLeaderId ? `, “${names.get(s.newLeaderId) ?? s.newLeaderId}” would lead` : ''}`]).flat(), '.')
      : lead.kind === 'lead' ? h('p', { class: 'small' }, 'No single evidence item, removed or discredited, would change the lead.') : null,
    data.hypotheses.length ? posteriorChart(data.hypotheses, lead) : null,
    h('p', { class: 'hint small' }, `Likelihood words: ICD 203 bands; a gap under ${Math.round(TIE_MARGIN * 100)} points between the top posteriors is reported as a tie. `,
      'This is the likelihood of each hypothesis given the rated evidence, not the analytic confidence in it (see the grades, the analysts’ disagreement and how this was computed).'));
}

export function renderHypotheses(container: HTMLElement, data: HypothesesData | { unavailable: string }, callbacks: HypothesesCallbacks = {}): void {
  if ('unavailable' in data) {
    container.replaceChildren(h('div', { class: 'unavailable', role: 'status' }, h('h2', {}, 'Hypotheses'), h('p', {}, data.unavailable)));
    return;
  }
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite', id: 'hypotheses-status' });
  const lead = leadOf(data.hypotheses, data.lead);
  const names = new Map(data.hypotheses.map((x) => [x.id, x.name]));
  const evidenceForm = h('div', { id: 'evidence-editor-host' }, data.canEdit && callbacks.addEvidence ? evidenceEditor(data, callbacks, null) : '');
  const matrixBox = matrix(data, callbacks, status, lead);
  matrixBox.addEventListener('edit-evidence', (event) => {
    const id = (event as CustomEvent<string>).detail;
    const item = data.evidence.find((e) => e.id === id);
    if (!item) return;
    evidenceForm.replaceChildren(evidenceEditor(data, callbacks, item));
    evidenceForm.scrollIntoView({ block: 'nearest' });
    evidenceForm.querySelector<HTMLInputElement>('[data-field=name]')?.focus();
  });
  container.replaceChildren(
    h('h2', {}, `Hypotheses — ${data.incidentName}`, data.asOf ? h('span', { class: 'hint' }, ` (as of ${data.asOf})`) : null),
    summary(data, lead, names, callbacks),
    hypothesesPanel(data, callbacks),
    h('h3', {}, 'ACH matrix'),
    modeSwitch(data, callbacks),
    matrixBox,
    h('div', { class: 'rating-key' }, RATINGS.map((r) => h('span', { class: `rating rating-${r}`, style: `background:${RATING_COLOURS[r]}` }, `${r} ${RATING_WORDS[r]}`)),
      h('span', { class: 'rating unrated' }, 'blank: not rated (missing, not N)')),
    status,
    evidenceForm,
    h('div', { class: 'two-col' },
      h('section', {}, h('h3', {}, 'Sensitivity'), data.sensitivity.length === 0 ? h('p', {}, 'No single evidence item changes the leading hypothesis.') :
          h('ul', {}, data.sensitivity.map((s) => h('li', {}, s.text, s.newLeaderId ? ` → ${names.get(s.newLeaderId) ?? s.newLeaderId} would lead` : '')))),
      h('section', {}, h('h3', {}, 'Posteriors over time'), chart(data))),
    analystsSection(data),
    data.explanation.length ? h('details', {}, h('summary', {}, 'How this was computed'), h('ul', { class: 'small' }, data.explanation.map((line) => h('li', {}, line)))) : '',
    data.canEdit ? '' : h('p', { class: 'hint' }, 'Your role is read-only: ratings, hypotheses and evidence need the analyst role.'),
  );
}
