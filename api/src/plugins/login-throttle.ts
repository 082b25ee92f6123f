/**
 * Failed logins per client address (issue 14, low): each failure is logged (client, reason;
 * never the token), and a client with more than `maxFailures` failures within `windowMs` gets 429
 * until the window has passed, even with a valid token — so guessing tokens costs that client a
 * wait instead of one round trip per guess. A successful login does not clear the count.
 * Memory: at most `maxClients` addresses are tracked (the oldest forgotten first).
 */
export interface LoginThrottleOptions {
  maxFailures?: number;
  windowMs?: number;
  maxClients?: number;
  now?: () => number;
}

export interface LoginThrottle {
  /** Milliseconds until `client` may try again, or 0 when it may now. */
  blockedFor(client: string): number;
  /** Records a failure; returns the failures of `client` in the current window. */
  fail(client: string): number;
}

export const DEFAULT_MAX_FAILURES = 20;
export const DEFAULT_WINDOW_MS = 60_000;

export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  const maxFailures = options.maxFailures ?? DEFAULT_MAX_FAILURES;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const maxClients = options.maxClients ?? 10_000;
  const now = options.now ?? Date.now;
  const windows = new Map<string, { start: number; failures: number }>();

  const current = (client: string) => {
    const w = windows.get(client);
    if (w && now() - w.start < windowMs) return w;
    if (w) windows.delete(client);
    return undefined;
  };

  return {
    blockedFor(client) {
      const w = current(client);
      return w && w.failures > maxFailures ? Math.max(1, w.start + windowMs - now()) : 0;
    },
    fail(client) {
      let w = current(client);
      if (!w) {
        if (windows.size >= maxClients) {
          const oldest = windows.keys().next();
          if (!oldest.done) windows.delete(oldest.value);
        }
        w = { start: now(), failures: 0 };
        windows.set(client, w);
      }
      w.failures += 1;
      return w.failures;
    },
  };
}
