/**
 * Sign-in shared by the tabs of one browser (web/src/api/tab-session.ts), over Node's own
 * BroadcastChannel (the same API as the browser's; two "tabs" are two channels of one name).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TokenStore } from '../../../web/src/api/session';
import { tabSession, type Channel } from '../../../web/src/api/tab-session';

const opened: BroadcastChannel[] = [];
afterEach(() => opened.splice(0).forEach((c) => c.close()));

function tab(token: string | null = null) {
  let stored = token;
  const tokens: TokenStore = { get: () => stored, set: (t) => void (stored = t), clear: () => void (stored = null) };
  const channel = new BroadcastChannel(`test-${expect.getState().currentTestName}`);
  opened.push(channel);
  const events: string[] = [];
  const session = tabSession(tokens, channel as unknown as Channel);
  session.onSignIn(() => events.push('signed in'));
  session.onSignOut(() => events.push('signed out'));
  return { session, tokens, events };
}

describe('sign-in shared by tabs', () => {
  it('a new tab gets the token of a signed-in tab; with none signed in, nothing after the wait', async () => {
    const signedIn = tab('tok-1');
    const fresh = tab();
    expect(await fresh.session.ask(500)).toBe('tok-1');
    signedIn.tokens.clear();
    expect(await tab().session.ask(100)).toBeNull();
  });

  it('signing in reaches the tabs at the sign-in page only; signing out signs out every signed-in tab', async () => {
    const a = tab();
    const b = tab();
    const c = tab('other');
    a.tokens.set('tok-2');
    a.session.signedIn('tok-2');
    await vi.waitFor(() => expect(b.tokens.get()).toBe('tok-2'));
    expect(b.events).toEqual(['signed in']);
    expect(c.tokens.get()).toBe('other'); // a tab already signed in keeps its own token
    expect(c.events).toEqual([]);
    a.tokens.clear();
    a.session.signedOut();
    await vi.waitFor(() => expect([b.tokens.get(), c.tokens.get()]).toEqual([null, null]));
    expect(b.events).toEqual(['signed in', 'signed out']);
    expect(a.events).toEqual([]); // the sender does not hear itself
  });

  it('ignores messages that are not its own shape', async () => {
    const a = tab();
    const stranger = new BroadcastChannel(`test-${expect.getState().currentTestName}`);
    opened.push(stranger);
    stranger.postMessage('signed-in');
    stranger.postMessage({ type: 'signed-in', token: 42 });
    stranger.postMessage({ type: 'signed-in', token: 'tok-3' }); // delivered after the two above
    await vi.waitFor(() => expect(a.tokens.get()).toBe('tok-3'));
    expect(a.events).toEqual(['signed in']);
  });
});
