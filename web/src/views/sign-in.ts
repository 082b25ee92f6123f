/** Sign-in form: a bearer token pasted by the analyst (e.g. from `.data/admin.token`). */
import { h } from './dom';

export function renderSignIn(root: HTMLElement, onSubmit: (token: string) => Promise<string | null>, message?: string): void {
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false',
    'aria-describedby': 'token-help',
  });
  const error = h('p', { class: 'error', role: 'alert', id: 'sign-in-error' }, message ?? '');
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Attribution Graph'),
    h('label', { for: 'token' }, 'Access token'),
    input,
    h('p', { id: 'token-help', class: 'hint' },
      'Paste the token your administrator gave you. The local admin token is in .data/admin.token. ',
      'It is kept for this browser session only (sessionStorage), and tabs you open while signed in share it.'),
    button,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    button.disabled = true;
    error.textContent = '';
    void onSubmit(token).then((problem) => {
      button.disabled = false;
      if (problem) error.textContent = problem;
    });
  });
  root.replaceChildren(h('main', { class: 'sign-in-page' }, form));
  input.focus();
}
