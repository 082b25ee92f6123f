/**
 * One sign-in for the tabs of one browser. The token still lives in each tab's sessionStorage
 * (nothing in localStorage; it ends with the browser session), and the tabs of the same origin talk
 * over a BroadcastChannel, which no other origin can join:
 *
 * - a tab opened without a token asks the others and takes the token of a signed-in tab;
 * - signing in signs in the tabs waiting at the sign-in page;
 * - signing out, or a token the server refuses, signs every tab out.
 *
 * Without BroadcastChannel (very old browsers) each tab signs in on its own, as before.
 */
import type { TokenStore } from './session';

const CHANNEL = 'attribution-graph.session';

type Message =
  | { type: 'ask'; id: string }
  | { type: 'token'; id: string; token: string }
  | { type: 'signed-in'; token: string }
  | { type: 'signed-out' };

/** The subset of BroadcastChannel used here (tests pass their own pair). */
export interface Channel {
  postMessage(message: Message): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<Message>) => void): void;
}

export interface TabSession {
  /** Asks the other tabs for their token: the first answer, or null after `waitMs`. */
  ask(waitMs?: number): Promise<string | null>;
  /** This tab signed in with `token`: tabs at the sign-in page take it. */
  signedIn(token: string): void;
  /** This tab signed out (or its token was refused): every tab signs out. */
  signedOut(): void;
  /** Called when another tab signed in and this one had no token (it has one now). */
  onSignIn(listener: () => void): void;
  /** Called when another tab signed out while this one had a token (it has none now). */
  onSignOut(listener: () => void): void;
}

function defaultChannel(): Channel | null {
  return typeof BroadcastChannel === 'function' ? (new BroadcastChannel(CHANNEL) as unknown as Channel) : null;
}

export function tabSession(tokens: TokenStore, channel: Channel | null = defaultChannel()): TabSession {
  const signIns: (() => void)[] = [];
  const signOuts: (() => void)[] = [];
  const waiting = new Map<string, (token: string) => void>();
  channel?.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'ask') {
      const token = tokens.get();
      if (token) channel.postMessage({ type: 'token', id: m.id, token });
    } else if (m.type === 'token' && typeof m.token === 'string') {
      waiting.get(m.id)?.(m.token);
    } else if (m.type === 'signed-in' && typeof m.token === 'string') {
      if (tokens.get()) return;
      tokens.set(m.token);
      signIns.forEach((l) => l());
    } else if (m.type === 'signed-out') {
      if (!tokens.get()) return;
      tokens.clear();
      signOuts.forEach((l) => l());
    }
  });
  return {
    ask(waitMs = 300) {
      if (!channel) return Promise.resolve(null);
      const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve(null);
        }, waitMs);
        waiting.set(id, (token) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(token);
        });
        channel.postMessage({ type: 'ask', id });
      });
    },
    signedIn: (token) => channel?.postMessage({ type: 'signed-in', token }),
    signedOut: () => channel?.postMessage({ type: 'signed-out' }),
    onSignIn: (listener) => void signIns.push(listener),
    onSignOut: (listener) => void signOuts.push(listener),
  };
}
