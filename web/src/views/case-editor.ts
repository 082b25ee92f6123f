/**
 * Running a case: the hypotheses with their priors, status and the viewer's own probability
 * judgement, and the evidence editor (sources with URL and archived copy, Admiralty grades,
 * weight, links to graph objects). Every form reports the server's validation errors next to
 * the field they are about (form-errors.ts); nothing here computes an assessment.
 */
import {
  INFORMATION_CREDIBILITIES, INFORMATION_CREDIBILITY_WORDS, SOURCE_RELIABILITIES, SOURCE_RELIABILITY_WORDS,
} from '../../../schema/assessment/scales';
import { h } from './dom';
import { showErrors, submitWith } from './form-errors';
import type {
  EvidenceFields, EvidenceKind, HypothesesCallbacks, HypothesesData, HypothesisFields, HypothesisStatus, MatrixEvidence, MatrixHypothesis,
} from './hypotheses-view';
import { priorsBalanced, priorSum, rebalance } from '../state/priors';

export const CATEGORIES = ['foreign-interference', 'state-challenger', 'cybercrime', 'insider', 'unknown'];
/** Share given to "Other / unknown" when added with one click; the other priors keep their proportions. */
export const OTHER_PRIOR = 0.1;
export const OTHER_HYPOTHESIS: HypothesisFields = {
  name: 'Other / unknown actor',
  category: 'unknown',
  description: 'None of the named hypotheses: an actor or motive not considered yet.',
  rationale: 'Kept open so the named hypotheses are not forced to share all the probability.',
};

let serial = 0;
const uid = (base: string) => `${base}-${++serial}`;

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || uid('f');
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('span', { class: 'hint small' }, hint) : null);
}

/** "42.5" (percent, as typed) → 0.425; '' → null; anything else → an error message. */
export function parsePercent(text: string): number | null | string {
  const t = text.trim().replace(',', '.').replace(/\s*%$/, '');
  if (t === '') return null;
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0 || n > 100) return `must be a percentage from 0 to 100 (got ${JSON.stringify(text)})`;
  return Math.round(n * 100) / 10_000;
}

function pct(p: number | null): string {
  return p === null ? '' : String(Math.round(p * 10_000) / 100);
}

/**
 * A deletion in two steps, inside a form: "Delete…" reveals a "Delete for good" submit button
 * (value `DELETE`; the form's submit handler tells it by its submitter), a way back, what a
 * deletion does, and `extra` (a "why" field). Nothing is deleted on one click.
 */
function deleteStep(name: string, extra: HTMLElement | null = null): HTMLElement {
  const start = h('button', { type: 'button', class: 'danger delete-start', 'aria-label': `Delete “${name}”…` }, 'Delete…');
  const confirm = h('button', { type: 'submit', value: 'DELETE', class: 'danger delete-confirm', 'aria-label': `Delete “${name}” for good` }, 'Delete for good');
  const back = h('button', { type: 'button', class: 'delete-cancel' }, 'Keep it');
  const note = h('span', { class: 'hint small' }, 'It leaves the case and the assessment; its history stays.');
  const confirmation = h('span', { class: 'delete-confirmation', hidden: true }, extra, confirm, back, note);
  start.addEventListener('click', () => {
    start.hidden = true;
    confirmation.hidden = false;
    confirm.focus();
  });
  back.addEventListener('click', () => {
    confirmation.hidden = true;
    start.hidden = false;
    start.focus();
  });
  return h('span', { class: 'delete-step' }, start, confirmation);
}

function statusButtons(x: MatrixHypothesis, callbacks: HypothesesCallbacks): HTMLElement | null {
  if (!callbacks.setStatus) return null;
  const why = h('input', { type: 'text', 'data-field': 'rationale', placeholder: 'why (optional)', 'aria-label': `Why you change the status of “${x.name}”` });
  const form = h('form', { class: 'inline-form status-form', 'aria-label': `Status of “${x.name}”` });
  const actions: [HypothesisStatus, string][] = [['RETAINED', 'Retain'], ['REJECTED', 'Reject'], ['OPEN', 'Reopen']];
  for (const [status, label] of actions) {
    if (status === x.status) continue;
    const b = h('button', { type: 'submit', value: status, class: `status-${status.toLowerCase()}` }, label);
    form.append(b);
  }
  form.prepend(why);
  if (callbacks.deleteHypothesis) form.append(deleteStep(x.name));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    const rationale = why.value.trim() || null;
    if (submitter?.value === 'DELETE') return void submitWith(form, () => callbacks.deleteHypothesis!(x.id, rationale));
    const status = (submitter?.value ?? 'OPEN') as HypothesisStatus;
    void submitWith(form, () => callbacks.setStatus!(x.id, status, rationale));
  });
  return form;
}

function priorForm(x: MatrixHypothesis, callbacks: HypothesesCallbacks): HTMLElement {
  const input = h('input', { type: 'text', inputmode: 'decimal', class: 'pct', 'data-field': 'prior', value: pct(x.prior), placeholder: 'equal share', 'aria-label': `Prior of “${x.name}”, percent` });
  const form = h('form', { class: 'inline-form prior-form' }, h('span', { class: 'field' }, input, ' %'), h('button', { type: 'submit' }, 'Set prior'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = parsePercent(input.value);
    if (typeof value === 'string') return showErrors(form, [{ path: 'prior', message: value }]);
    void submitWith(form, () => callbacks.updateHypothesis!(x.id, { prior: value }, x.modified));
  });
  return form;
}

function judgementForm(x: MatrixHypothesis, data: HypothesesData, callbacks: HypothesesCallbacks): HTMLElement {
  const mine = x.myJudgement;
  const input = h('input', { type: 'text', inputmode: 'decimal', class: 'pct', 'data-field': 'probability', value: pct(mine?.probability ?? null), placeholder: '—', 'aria-label': `Your probability that “${x.name}”, percent` });
  const why = h('input', { type: 'text', 'data-field': 'rationale', value: mine?.rationale ?? '', placeholder: 'why', 'aria-label': `Why you judge “${x.name}” so` });
  const form = h('form', { class: 'inline-form judgement-form' },
    h('span', { class: 'field' }, input, ' %'), h('span', { class: 'field grow' }, why), h('button', { type: 'submit' }, 'Set my judgement'));
  form.title = `Your own probability (${data.analyst ?? 'you'}); pooled with the other analysts' and compared in "Analysts".`;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = parsePercent(input.value);
    if (value === null) return showErrors(form, [{ path: 'probability', message: 'is required' }]);
    if (typeof value === 'string') return showErrors(form, [{ path: 'probability', message: value }]);
    void submitWith(form, () => callbacks.setJudgement!(x.id, value, why.value.trim() || null));
  });
  return form;
}

function hypothesisFieldsForm(x: MatrixHypothesis | null, callbacks: HypothesesCallbacks, total: number): HTMLFormElement {
  const name = h('input', { type: 'text', 'data-field': 'name', value: x?.name ?? '', placeholder: 'e.g. Initial-access broker resold stolen credentials' });
  const category = h('select', { 'data-field': 'category' }, CATEGORIES.map((c) => h('option', { value: c, selected: c === (x?.category ?? 'unknown') }, c)));
  const prior = h('input', { type: 'text', inputmode: 'decimal', class: 'pct', 'data-field': 'prior', value: x ? pct(x.prior) : '', placeholder: 'equal share' });
  const description = h('textarea', { 'data-field': 'description', rows: 2 }, x?.description ?? '');
  const rationale = h('input', { type: 'text', 'data-field': 'rationale', value: x?.rationale ?? '', placeholder: 'why this hypothesis, why this prior' });
  const form = h('form', { novalidate: true, class: 'stack-form', id: x ? undefined : 'new-hypothesis-form', 'aria-label': x ? `Edit “${x.name}”` : 'New hypothesis' },
    h('div', { class: 'row' }, field('Hypothesis', name), field('Category', category), field('Prior (%)', prior, x ? undefined : `blank: an equal share of what the others leave (now ${Math.max(0, 100 - total * 100).toFixed(1)} %)`)),
    field('Description', description), field('Rationale', rationale),
    h('button', { type: 'submit', class: 'primary' }, x ? 'Save hypothesis' : 'Add hypothesis'));
  if (!x) {
    name.id = 'new-hyp-name';
    category.id = 'new-hyp-category';
    prior.id = 'new-hyp-prior';
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const p = parsePercent(prior.value);
    if (typeof p === 'string') return showErrors(form, [{ path: 'prior', message: p }]);
    if (!name.value.trim()) return showErrors(form, [{ path: 'name', message: 'is required: state the hypothesis' }]);
    const fields: HypothesisFields = {
      name: name.value.trim(), category: category.value, prior: p,
      description: description.value.trim() || null, rationale: rationale.value.trim() || null,
    };
    void submitWith(form, () => x ? callbacks.updateHypothesis!(x.id, fields, x.modified) : callbacks.addHypothesis!(fields));
  });
  return form;
}

/** The hypotheses of the case: prior, status, the viewer's judgement; priors summed and rebalanced on request. */
export function hypothesesPanel(data: HypothesesData, callbacks: HypothesesCallbacks): HTMLElement {
  const editable = data.canEdit && Boolean(callbacks.updateHypothesis);
  const total = priorSum(data.hypotheses);
  const cards = data.hypotheses.map((x) => h('li', { class: `hyp-card status-${x.status.toLowerCase()}`, 'data-hypothesis': x.id },
    h('div', { class: 'hyp-head' },
      h('strong', { class: 'hyp-name' }, x.name),
      h('span', { class: 'hint' }, ` ${x.category ?? ''}`),
      h('span', { class: `status-badge status-${x.status.toLowerCase()}` }, x.status.toLowerCase()),
      h('span', { class: 'hyp-prior' }, `prior ${x.prior === null ? 'equal share' : `${pct(x.prior)} %`}`),
      h('span', { class: 'hyp-posterior' }, `posterior ${x.posterior === null ? '—' : `${(x.posterior * 100).toFixed(1)} %`}`),
      x.myJudgement ? h('span', { class: 'hyp-judgement' }, `your judgement ${pct(x.myJudgement.probability)} %`) : null),
    x.rationale ? h('p', { class: 'small rationale' }, x.rationale) : null,
    editable ? h('div', { class: 'hyp-actions' },
      priorForm(x, callbacks), statusButtons(x, callbacks), callbacks.setJudgement ? judgementForm(x, data, callbacks) : null,
      h('details', {}, h('summary', {}, 'Edit'), hypothesisFieldsForm(x, callbacks, total))) : null));
  const hasOther = data.hypotheses.some((x) => x.category === 'unknown');
  const status = h('p', { class: 'hint', role: 'status', id: 'priors-status' });
  const rebalanceButton = h('button', { type: 'button', id: 'rebalance-priors', disabled: priorsBalanced(data.hypotheses) || data.hypotheses.length === 0 }, 'Rebalance priors to 100 %');
  rebalanceButton.addEventListener('click', () => {
    rebalanceButton.disabled = true;
    status.textContent = 'Rebalancing…';
    void callbacks.setPriors!(rebalance(data.hypotheses)).catch((e: unknown) => {
      rebalanceButton.disabled = false;
      status.textContent = e instanceof Error ? e.message : String(e);
    });
  });
  const otherButton = h('button', { type: 'button', id: 'add-other' }, `Add “Other / unknown” (${OTHER_PRIOR * 100} %)`);
  otherButton.title = `Adds an "${OTHER_HYPOTHESIS.name}" hypothesis with a prior of ${OTHER_PRIOR * 100} %; the other priors keep their proportions in the remaining ${100 - OTHER_PRIOR * 100} %.`;
  otherButton.addEventListener('click', () => {
    otherButton.disabled = true;
    status.textContent = 'Adding “Other / unknown”…';
    void callbacks.setPriors!(rebalance(data.hypotheses, 1 - OTHER_PRIOR), { ...OTHER_HYPOTHESIS, prior: OTHER_PRIOR }).catch((e: unknown) => {
      otherButton.disabled = false;
      status.textContent = e instanceof Error ? e.message : String(e);
    });
  });
  const sumText = data.hypotheses.length === 0 ? 'No hypothesis yet.'
    : `Priors: ${(total * 100).toFixed(1)} % set${data.hypotheses.some((x) => x.prior === null) ? `; hypotheses without one share the remaining ${Math.max(0, 100 - total * 100).toFixed(1)} %` : ''}.`;
  return h('section', { class: 'hypotheses-panel', 'aria-label': 'Hypotheses and priors' },
    h('h3', {}, 'Hypotheses'),
    h('ul', { class: 'hyp-cards' }, cards),
    h('p', { class: `priors-sum${!priorsBalanced(data.hypotheses) && data.hypotheses.length ? ' warn' : ''}`, id: 'priors-sum' }, sumText,
      !priorsBalanced(data.hypotheses) && data.hypotheses.length ? ' They do not sum to 100 %.' : ''),
    editable && callbacks.setPriors ? h('div', { class: 'inline-form' }, rebalanceButton, hasOther ? null : otherButton) : null,
    status,
    data.canEdit && callbacks.addHypothesis ? h('details', { class: 'new-item', open: data.hypotheses.length === 0 },
      h('summary', {}, 'New hypothesis'), hypothesisFieldsForm(null, callbacks, total)) : null);
}

// ----- evidence ------------------------------------------------------------------------------

function sourceRow(index: number, source: EvidenceFields['sources'] extends (infer S)[] | undefined ? S | null : never, onRemove: () => void): HTMLElement {
  const input = (key: string, value: string | null | undefined, placeholder: string, label: string) =>
    field(label, h('input', { type: key === 'name' ? 'text' : 'url', 'data-field': `sources[${index}].${key}`, 'data-key': key, value: value ?? '', placeholder }));
  const remove = h('button', { type: 'button', class: 'link small', 'aria-label': `Remove source ${index + 1}` }, 'remove');
  remove.addEventListener('click', onRemove);
  return h('div', { class: 'source-row row', 'data-index': index },
    input('name', source?.name, 'e.g. Ministry press release', 'Source'),
    input('url', source?.url, 'https://…', 'URL'),
    input('archiveUrl', source?.archiveUrl, 'https://web.archive.org/…', 'Archived copy'),
    remove);
}

function objectRefsField(initial: readonly string[], callbacks: HypothesesCallbacks): { el: HTMLElement; value: () => string[] } {
  const refs = new Map<string, string>(initial.map((id) => [id, id]));
  const chips = h('ul', { class: 'chips', 'data-field': 'objectRefs', tabindex: -1, 'aria-label': 'Linked graph objects' });
  const draw = () => chips.replaceChildren(...[...refs].map(([id, label]) => {
    const remove = h('button', { type: 'button', class: 'link small', 'aria-label': `Unlink ${label}` }, '×');
    remove.addEventListener('click', () => {
      refs.delete(id);
      draw();
    });
    return h('li', { class: 'chip', 'data-ref': id, title: id }, label, ' ', remove);
  }));
  draw();
  const query = h('input', { type: 'search', placeholder: 'find an object, e.g. T1078 or Valid Accounts', 'aria-label': 'Find a graph object to link' });
  const results = h('ul', { class: 'ref-results' });
  const find = h('button', { type: 'button' }, 'Find');
  const run = () => {
    if (!callbacks.findObjects || !query.value.trim()) return;
    results.replaceChildren(h('li', { class: 'hint' }, 'Searching…'));
    void callbacks.findObjects(query.value.trim()).then((found) => {
      results.replaceChildren(...(found.length ? found.slice(0, 8).map((o) => {
        const label = `${o.externalId ? `${o.externalId} ` : ''}${o.name}`;
        const b = h('button', { type: 'button', class: 'link', 'data-ref': o.id }, `${label} (${o.type})`);
        b.addEventListener('click', () => {
          refs.set(o.id, label);
          draw();
          results.replaceChildren();
          query.value = '';
          query.focus();
        });
        return h('li', {}, b);
      }) : [h('li', { class: 'hint' }, 'Nothing found.')]));
    }, (e: unknown) => results.replaceChildren(h('li', { class: 'error' }, e instanceof Error ? e.message : String(e))));
  };
  find.addEventListener('click', run);
  query.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      run();
    }
  });
  const fromCanvas = h('button', { type: 'button' }, 'Link the canvas selection');
  fromCanvas.addEventListener('click', () => {
    for (const o of callbacks.canvasSelection?.() ?? []) refs.set(o.id, o.name);
    draw();
  });
  const el = h('div', { class: 'field refs-field' }, h('span', { class: 'label' }, 'About these graph objects'), chips,
    callbacks.findObjects ? h('div', { class: 'inline-form' }, query, find, callbacks.canvasSelection ? fromCanvas : null) : null, results);
  return { el, value: () => [...refs.keys()] };
}

function localDateTime(iso: string | null): string {
  return (iso ?? new Date().toISOString()).slice(0, 16);
}

/** The evidence form: a new item (`item` null) or changes to one. */
export function evidenceEditor(data: HypothesesData, callbacks: HypothesesCallbacks, item: MatrixEvidence | null): HTMLElement {
  const name = h('input', { type: 'text', 'data-field': 'name', id: item ? undefined : 'new-ev-name', value: item?.name ?? '', placeholder: 'Statement of the evidence' });
  const description = h('textarea', { 'data-field': 'description', rows: 2 }, item?.description ?? '');
  const kind = h('select', { 'data-field': 'kind', id: item ? undefined : 'new-ev-kind' },
    ([['FACT', 'fact (needs a source)'], ['JUDGEMENT', 'analyst judgement'], ['CONTEXT', 'context']] as [EvidenceKind, string][])
      .map(([v, l]) => h('option', { value: v, selected: v === (item?.kind ?? 'FACT') }, l)));
  const when = h('input', { type: 'datetime-local', 'data-field': 'collectedAt', value: localDateTime(item?.knownAt ?? null) });
  const reliability = h('select', { 'data-field': 'reliability' }, h('option', { value: '' }, 'ungraded'),
    SOURCE_RELIABILITIES.map((r) => h('option', { value: r, selected: r === item?.reliability }, `${r} — ${SOURCE_RELIABILITY_WORDS[r]}`)));
  const credibility = h('select', { 'data-field': 'credibility' }, h('option', { value: '' }, 'ungraded'),
    INFORMATION_CREDIBILITIES.map((c) => h('option', { value: String(c), selected: c === item?.credibility }, `${c} — ${INFORMATION_CREDIBILITY_WORDS[c]}`)));
  const weight = h('input', { type: 'number', min: '0.1', step: '0.1', 'data-field': 'weight', value: String(item?.weight ?? 1) });
  const sourcesBox = h('div', { class: 'sources' });
  const sourcesSet = h('fieldset', { 'data-field': 'sources', tabindex: -1 }, h('legend', {}, 'Sources'), sourcesBox);
  let rows: (NonNullable<EvidenceFields['sources']>[number] | null)[] = item?.sources.length ? item.sources.map((s) => ({ ...s })) : [null];
  const readRows = () => [...sourcesBox.querySelectorAll<HTMLElement>('.source-row')].map((row) => {
    const get = (key: string) => row.querySelector<HTMLInputElement>(`[data-key=${key}]`)!.value.trim();
    return { name: get('name'), url: get('url') || null, archiveUrl: get('archiveUrl') || null };
  });
  const drawSources = () => sourcesBox.replaceChildren(...rows.map((s, i) => sourceRow(i, s, () => {
    rows = readRows().filter((_, j) => j !== i);
    drawSources();
  })));
  drawSources();
  const addSource = h('button', { type: 'button', class: 'small' }, 'Add a source');
  addSource.addEventListener('click', () => {
    rows = [...readRows(), null];
    drawSources();
    sourcesBox.querySelector<HTMLInputElement>(`[data-field="sources[${rows.length - 1}].name"]`)?.focus();
  });
  sourcesSet.append(addSource);
  const refs = objectRefsField(item?.objectRefs ?? [], callbacks);
  const cancel = item ? h('button', { type: 'button' }, 'Cancel') : null;
  const deleteWhy = h('input', { type: 'text', 'data-field': 'rationale', placeholder: 'why (optional)', 'aria-label': `Why you delete “${item?.name ?? ''}”` });
  const form = h('form', { novalidate: true, class: 'stack-form evidence-form', id: item ? 'edit-evidence-form' : 'new-evidence-form', 'aria-label': item ? `Edit evidence “${item.name}”` : 'New evidence' },
    h('h3', {}, item ? `Edit evidence “${item.name}”` : 'New evidence'),
    h('div', { class: 'row' }, field('Evidence', name), field('Kind', kind), field('Known on (UTC)', when)),
    field('Description', description),
    h('div', { class: 'row' }, field('Source reliability', reliability), field('Information credibility', credibility), field('Weight', weight, '1 = normal')),
    sourcesSet,
    refs.el,
    h('div', { class: 'inline-form' }, h('button', { type: 'submit', class: 'primary' }, item ? 'Save evidence' : 'Add evidence'), cancel,
      item && callbacks.deleteEvidence ? deleteStep(item.name, deleteWhy) : null));
  cancel?.addEventListener('click', () => form.replaceWith(evidenceEditor(data, callbacks, null)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (item && ((event as SubmitEvent).submitter as HTMLButtonElement | null)?.value === 'DELETE') {
      return void submitWith(form, () => callbacks.deleteEvidence!(item.id, deleteWhy.value.trim() || null));
    }
    const sources = readRows().filter((s) => s.name || s.url || s.archiveUrl);
    const problems: { path: string; message: string }[] = [];
    if (!name.value.trim()) problems.push({ path: 'name', message: 'is required: state the evidence' });
    if (!when.value) problems.push({ path: 'collectedAt', message: 'is required: when was this known?' });
    sources.forEach((s, i) => {
      if (!s.name) problems.push({ path: `sources[${i}].name`, message: 'name the source (publisher, report)' });
    });
    if (kind.value === 'FACT' && sources.length === 0) problems.push({ path: 'sources', message: 'a fact must cite at least one source: add one, or choose “analyst judgement” or “context”' });
    const w = Number(weight.value);
    if (!(w > 0)) problems.push({ path: 'weight', message: 'must be a number greater than 0' });
    if (problems.length) return showErrors(form, problems);
    const fields: EvidenceFields = {
      name: name.value.trim(),
      kind: kind.value as EvidenceKind,
      collectedAt: `${when.value.length === 16 ? `${when.value}:00` : when.value}Z`,
      description: description.value.trim() || null,
      reliability: reliability.value || null,
      credibility: credibility.value ? Number(credibility.value) : null,
      weight: w,
      objectRefs: refs.value(),
      sources,
    };
    void submitWith(form, () => item ? callbacks.updateEvidence!(item.id, fields, item.modified) : callbacks.addEvidence!(fields));
  });
  return form;
}
