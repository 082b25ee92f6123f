/**
 * The one view-state store of the explorer: the current `ViewState`, patched by the controllers,
 * written to the URL (debounced) so an analyst can share or reopen the view.
 */
import { serializeViewState, type ViewState } from './view-state';

export interface ViewStore {
  get(): ViewState;
  /** Merges `patch` into the state and writes the URL (50 ms later, the last write wins). */
  set(patch: Partial<ViewState>): void;
  /** Replaces the whole state without writing the URL (a saved view being reopened). */
  replace(state: ViewState): void;
  /** Shows `query` as the address now, dropping a pending write. */
  writeAddress(query: string): void;
}

export function createViewStore(initial: ViewState): ViewStore {
  let state = initial;
  let urlTimer: number | undefined;
  const writeAddress = (query: string) => {
    window.clearTimeout(urlTimer);
    window.history.replaceState(null, '', `${window.location.pathname}${query}`);
  };
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      window.clearTimeout(urlTimer);
      urlTimer = window.setTimeout(() => writeAddress(serializeViewState(state)), 50);
    },
    replace(next) {
      state = next;
    },
    writeAddress,
  };
}
