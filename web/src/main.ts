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
const client = createClient({
  getToken: () => tokens.get(),
  onUnauthenticated: () => {
    if (!signedIn) return;
    signedIn = false;
    tokens.clear();
    showSignIn('Your session has ended or the token was revoked: sign in again.');
  },
});

/** Checks the token; returns the viewer (null when the server has no `viewer` query) or a problem. */
async function check(): Promise<{ viewer: Viewer | null } | { problem: string }> {
  try {
    const viewer = await client.request(VIEWER).then((d) => d.viewer).catch((error: unknown) => {
      if (error instanceof UnsupportedOperationError) return null;
      throw error;
    });
    await client.request(SYSTEM);
    return { viewer };
  } catch (error) {
    if (error instanceof UnauthenticatedError) return { problem: 'This token was refused.' };
    return { problem: describeError(error) };
  }
}

function start(viewer: Viewer | null): void {
  signedIn = true;
  startExplorer({
    root, client, tokens, viewer, hypothesesApi: HYPOTHESES_API,
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

async function boot(): Promise<void> {
  if (!tokens.get()) return showSignIn();
  const result = await check();
  if ('problem' in result) {
    tokens.clear();
    return showSignIn(result.problem);
  }
  start(result.viewer);
}

void boot();
