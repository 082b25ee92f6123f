/**
 * What an analyst has in progress in a view that is redrawn from fresh data (another rating
 * saved, the assessment reloaded, an incident opened while its tab loads): the values typed and
 * not submitted, the error messages shown next to fields, which `<details>` are open, and where
 * the focus was. Captured before the redraw, put back after it, so a refresh never wipes a
 * half-typed form or the message telling the analyst what to fix.
 */
import { showErrors, type FieldIssue } from './form-errors';

type FormControl = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface Drafts {
  values: Map<string, string>;
  /** Messages by the key of the control they are about ('' field: a form-level message, keyed by its form). */
  errors: { key: string; control: boolean; message: string }[];
  open: Map<string, boolean>;
  focus: string | null;
}

function classSelector(element: Element): string {
  return element.className && typeof element.className === 'string'
    ? element.className.split(' ').filter(Boolean).map((c) => `.${CSS.escape(c)}`).join('') : '';
}

/** The hypothesis card an element sits in, as a selector prefix ('' outside any card). */
function scopeOf(element: Element): string {
  const card = element.closest<HTMLElement>('[data-hypothesis]');
  return card && card !== element ? `[data-hypothesis="${CSS.escape(card.dataset.hypothesis!)}"] ` : '';
}

function formSelector(form: HTMLFormElement | null): string {
  if (!form) return '';
  return form.id ? `#${CSS.escape(form.id)}` : classSelector(form);
}

/** What identifies a control of a view across a re-render (its id, or its data attributes and class). */
export function focusKeyOf(element: Element | null, within: HTMLElement): string | null {
  if (!(element instanceof HTMLElement) || !within.contains(element)) return null;
  if (element.id) return `#${CSS.escape(element.id)}`;
  const attrs = ['data-evidence', 'data-hypothesis', 'data-field'].filter((a) => element.hasAttribute(a))
    .map((a) => `[${a}="${CSS.escape(element.getAttribute(a)!)}"]`).join('');
  const form = formSelector(element.closest('form'));
  const classes = classSelector(element);
  return attrs || classes ? `${scopeOf(element)}${form ? `${form} ` : ''}${element.tagName.toLowerCase()}${attrs}${classes}` : null;
}

function formKeyOf(form: HTMLFormElement): string | null {
  const own = formSelector(form);
  return own ? `${form.id ? '' : scopeOf(form)}form${own}` : null;
}

function detailsKeyOf(details: HTMLDetailsElement): string {
  return `${scopeOf(details)}${classSelector(details)}|${details.querySelector('summary')?.textContent ?? ''}`;
}

function isDirty(el: FormControl): boolean {
  if (el instanceof HTMLSelectElement) return [...el.options].some((o) => o.selected !== o.defaultSelected);
  if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) return el.checked !== el.defaultChecked;
  return el.value !== el.defaultValue;
}

function query<T extends Element>(within: HTMLElement, selector: string): T | null {
  try {
    return within.querySelector<T>(selector);
  } catch {
    return null; // a key that is no longer a valid selector: that draft is gone
  }
}

/**
 * Captures what is in progress. Forms being submitted (their button disabled) are left out:
 * after the redraw they show what the server stored.
 */
export function captureDrafts(within: HTMLElement): Drafts {
  const busy = (el: Element) => Boolean(el.closest('form')?.querySelector('button[type=submit]:disabled'));
  const values = new Map<string, string>();
  within.querySelectorAll<FormControl>('input, select, textarea').forEach((el) => {
    if (busy(el) || !isDirty(el)) return;
    const key = focusKeyOf(el, within);
    if (key) values.set(key, el.value);
  });
  const errors: Drafts['errors'] = [];
  within.querySelectorAll<HTMLElement>('.field-error').forEach((note) => {
    if (busy(note)) return;
    const control = note.id ? within.querySelector<HTMLElement>(`[aria-describedby="${CSS.escape(note.id)}"]`) : null;
    const form = note.closest('form');
    const key = control ? focusKeyOf(control, within) : form ? formKeyOf(form) : null;
    if (key) errors.push({ key, control: Boolean(control), message: note.textContent ?? '' });
  });
  const open = new Map<string, boolean>();
  within.querySelectorAll<HTMLDetailsElement>('details').forEach((d) => open.set(detailsKeyOf(d), d.open));
  return { values, errors, open, focus: focusKeyOf(document.activeElement, within) };
}

/** Puts the drafts back into the redrawn view: values, open sections, messages, then the focus. */
export function restoreDrafts(within: HTMLElement, drafts: Drafts): void {
  within.querySelectorAll<HTMLDetailsElement>('details').forEach((d) => {
    const open = drafts.open.get(detailsKeyOf(d));
    if (open !== undefined) d.open = open;
  });
  for (const [key, value] of drafts.values) {
    const el = query<FormControl>(within, key);
    if (el) el.value = value;
  }
  const byForm = new Map<HTMLFormElement, FieldIssue[]>();
  for (const e of drafts.errors) {
    const target = query<HTMLElement>(within, e.key);
    const form = target instanceof HTMLFormElement ? target : target?.closest('form');
    if (!target || !form) continue;
    const path = e.control ? target.dataset.field ?? '' : '';
    byForm.set(form, [...(byForm.get(form) ?? []), { path, message: e.message }]);
  }
  // The focus goes back where it was (below), inside the view or not: a redraw never moves it.
  for (const [form, issues] of byForm) showErrors(form, issues, { focus: false });
  if (drafts.focus) query<HTMLElement>(within, drafts.focus)?.focus();
}
