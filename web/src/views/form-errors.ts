/**
 * Errors shown next to the field they are about. The server's validation errors carry
 * `extensions.issues` (`{ path, message }`, e.g. `sources[0].url`); each form field declares the
 * path it edits in `data-field`, and an issue lands under the field whose path matches, or under
 * the nearest parent path (`objectRefs[2]` → `objectRefs`), else at the top of the form.
 */
import { ApiError, describeError } from '../api/client';
import { h } from './dom';

export interface FieldIssue {
  path: string;
  message: string;
}

/** Issues of a failed request: the server's per-field issues, or one form-level message. */
export function issuesOf(error: unknown): FieldIssue[] {
  if (error instanceof ApiError) {
    const issues = error.errors.flatMap((e) => {
      const list = e.extensions?.issues;
      return Array.isArray(list) ? (list as { path?: unknown; message?: unknown }[]) : [];
    }).filter((i) => typeof i.message === 'string').map((i) => ({ path: typeof i.path === 'string' ? i.path : '', message: String(i.message) }));
    if (issues.length) return issues;
  }
  return [{ path: '', message: describeError(error) }];
}

/** The path an issue belongs to among those the form has: itself, else its parents. */
export function fieldFor(path: string, fields: ReadonlySet<string>): string | null {
  let current = path;
  while (current) {
    if (fields.has(current)) return current;
    const cut = Math.max(current.lastIndexOf('['), current.lastIndexOf('.'));
    if (cut <= 0) break;
    current = current.slice(0, cut);
  }
  return null;
}

/** Removes the errors shown in a form. */
export function clearErrors(form: HTMLElement): void {
  form.querySelectorAll('.field-error').forEach((el) => el.remove());
  form.querySelectorAll('[aria-invalid]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  });
}

let serial = 0;

/**
 * Shows each issue under its field (`[data-field]`), marks the field invalid and focuses the
 * first one (unless `focus` is false: messages put back after a redraw leave the focus where it
 * was). Issues with no field go to the top of the form.
 */
export function showErrors(form: HTMLElement, issues: readonly FieldIssue[], options: { focus?: boolean } = {}): void {
  clearErrors(form);
  const controls = new Map<string, HTMLElement>();
  form.querySelectorAll<HTMLElement>('[data-field]').forEach((el) => controls.set(el.dataset.field!, el));
  const fields = new Set(controls.keys());
  let first: HTMLElement | null = null;
  for (const issue of issues) {
    const field = fieldFor(issue.path, fields);
    const id = `field-error-${++serial}`;
    const text = field && field === issue.path ? issue.message : `${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
    const note = h('span', { class: 'field-error', id, role: 'alert' }, text);
    const control = field ? controls.get(field)! : null;
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', id);
      // Inside the field's own box (right under the input), else right after the control.
      const box = control.closest('.field');
      if (box && box !== control) box.append(note);
      else control.after(note);
      first ??= control;
    } else {
      form.prepend(note);
    }
  }
  if (options.focus !== false) first?.focus();
}

/** Runs a form's submission: clears old errors, shows new ones by field, keeps the button from double submits. */
export async function submitWith(form: HTMLFormElement, action: () => Promise<void>): Promise<boolean> {
  clearErrors(form);
  const buttons = [...form.querySelectorAll<HTMLButtonElement>('button[type=submit]')];
  buttons.forEach((b) => (b.disabled = true));
  try {
    await action();
    return true;
  } catch (error) {
    showErrors(form, issuesOf(error));
    return false;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}
