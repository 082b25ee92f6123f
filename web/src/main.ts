/**
 * Entry point of the web explorer: sign in with a token (kept in sessionStorage, shared with the
 * other tabs of this browser: api/tab-session.ts), then start the explorer. The token is checked
 * with a cheap query before the explorer opens.
 */
import './styles.css';
import { createClient, describeError, UnauthenticatedError } from './api/client';
import { HYPOTHESES_API } from './api/hypotheses';
import { SYSTEM, VIEWER, type Viewer } from './api/operations';
import { sessionTokenStore } from './api/session';
import { tabSession } from './api/tab-session';
import { startExplorer } from './app';
import { renderSignIn } from './views/sign-in';

const root = document.getElementById('app')!;
const tokens = sessionTokenStore();
const tabs = tabSession(tokens);
let signedIn = false;
let pendingListener: ((pending: number) => void) | null = null;
const client = createClient({
  onPendingChange: (pending) => pendingListener?.(pending),
  getToken: () => tokens.get(),
  onUnauthenticated: () => {
    if (!signedIn) return;
    signedIn = false;
    tokens.clear();
    tabs.signedOut();
    showSignIn('Your session has ended or the token was revoked: sign in again.');
  },
});
// Another tab signed in while this one waited at the sign-in page, or signed out.
tabs.onSignIn(() => {
  if (!signedIn) void boot();
});
tabs.onSignOut(() => {
  if (!signedIn) return;
  signedIn = false;
  showSignIn('You signed out in another tab.');
});

/** Checks the token; returns the viewer or a problem. */
async function check(): Promise<{ viewer: Viewer } | { problem: string; refused: boolean }> {
  try {
    const { viewer } = await client.request(VIEWER);
    await client.request(SYSTEM);
    return { viewer };
  } catch (error) {
    if (error instanceof UnauthenticatedError) return { problem: 'This token was refused.', refused: true };
    return { problem: describeError(error), refused: false };
  }
}

function start(viewer: Viewer): void {
  signedIn = true;
  startExplorer({
    root, client, tokens, viewer, hypothesesApi: HYPOTHESES_API,
    onPending: (listener) => {
      pendingListener = listener;
    },
    onSignOut: () => {
      signedIn = false;
      tabs.signedOut();
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
    tabs.signedIn(token);
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
  if (!tokens.get()) {
    // A tab opened while another is signed in takes its token.
    const shared = await tabs.ask();
    if (shared && !tokens.get()) tokens.set(shared);
  }
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
