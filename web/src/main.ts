/**
 * Entry point of the web explorer: sign in with a token (kept in sessionStorage), then start the
 * explorer. The token is checked with a cheap query before the explorer opens.
 */
import './styles.css';
import { createClient, describeError, UnauthenticatedError, UnsupportedOperationError } from './api/client';
import { HYPOTHESES_API } from './api/hypotheses';
import { SYSTEM, VIEWER, type Viewer } from './api/operations';
import { sessionTokenStore } from './api/session';
import { startExplorer } from './app';
import { renderSignIn } from './views/sign-in';

const root = document.getElementById('app')!;
const tokens = sessionTokenStore();
let signedIn = false;
let pendingListener: ((pending: number) => void) | null = null;
const client = createClient({
  onPendingChange: (pending) => pendingListener?.(pending),
  getToken: () => tokens.get(),
  onUnauthenticated: () => {
    if (!signedIn) return;
    signedIn = false;
    tokens.clear();
    showSignIn('Your session has ended or the token was revoked: sign in again.');
  },
});

/** Checks the token; returns the viewer (null when the server has no `viewer` query) or a problem. */
async function check(): Promise<{ viewer: Viewer | null } | { problem: string; refused: boolean }> {
  try {
    const viewer = await client.request(VIEWER).then((d) => d.viewer).catch((error: unknown) => {
      if (error instanceof UnsupportedOperationError) return null;
      throw error;
    });
    await client.request(SYSTEM);
    return { viewer };
  } catch (error) {
    if (error instanceof UnauthenticatedError) return { problem: 'This token was refused.', refused: true };
    return { problem: describeError(error), refused: false };
  }
}

function start(viewer: Viewer | null): void {
  signedIn = true;
  startExplorer({
    root, client, tokens, viewer, hypothesesApi: HYPOTHESES_API,
    onPending: (listener) => {
      pendingListener = listener;
    },
    onSignOut: () => {
      signedIn = false;
      showSignIn();
    },
  });
}

function showSignIn(message?: string): void {
  renderSignIn(root, async (token) => {
    tokens.set(token);
    const result = await check();
    if ('problem' in result) {
      tokens.clear();
      return result.problem;
    }
    start(result.viewer);
    return null;
  }, message);
}

/** The server cannot answer now (not a refused token): keep the token, say so, retry on request. */
function showOutage(problem: string): void {
  const retry = document.createElement('button');
  retry.type = 'button';
  retry.id = 'retry';
  retry.className = 'primary';
  retry.textContent = 'Retry';
  retry.addEventListener('click', () => void boot());
  const banner = document.createElement('div');
  banner.className = 'outage';
  banner.setAttribute('role', 'alert');
  banner.append(`The server cannot answer right now (${problem}). You are still signed in. `, retry);
  root.replaceChildren(banner);
  retry.focus();
}

async function boot(): Promise<void> {
  if (!tokens.get()) return showSignIn();
  const result = await check();
  if ('problem' in result) {
    // Only a refused token signs the user out; an outage (Neo4j down, network) keeps the session.
    if (result.refused) {
      tokens.clear();
      return showSignIn(result.problem);
    }
    return showOutage(result.problem);
  }
  start(result.viewer);
}

void boot();
