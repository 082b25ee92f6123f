/**
 * The sign-in token lives in sessionStorage: it survives a reload of the tab but not the end of
 * the browser session, and is not shared with other tabs (unlike localStorage).
 */
const KEY = 'attribution-graph.token';

export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

export function sessionTokenStore(storage: Storage = window.sessionStorage): TokenStore {
  return {
    get: () => storage.getItem(KEY),
    set: (token) => storage.setItem(KEY, token.trim()),
    clear: () => storage.removeItem(KEY),
  };
}
