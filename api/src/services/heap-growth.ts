/**
 * Bounded memory for streamed imports. V8 lets its heap grow to a multiple of what is live before
 * it collects, so the peak RSS of a long streamed import depended on when collections happened
 * (1 000 000 synthetic objects: 392 or 572 MB over two runs, live heap ~150 MB). While a streamed
 * import runs, the heap may grow by 20 % over what is live (`--heap-growing-percent=20`): the same
 * import then peaks at 288–293 MB in every run, at the same speed (bench:import, docs/graph-model.md).
 * In-memory imports (which hold their whole input anyway) keep V8's default.
 *
 * V8 flags are process-wide: a counter keeps the cap while any streamed import runs.
 */
import { setFlagsFromString } from 'node:v8';

export const STREAMING_HEAP_GROWTH_PERCENT = 20;

export function heapGrowthLimiter(setFlags: (flags: string) => void = setFlagsFromString) {
  let active = 0;
  /** Caps heap growth until the returned release is called (once). */
  return function limitHeapGrowth(): () => void {
    if (active++ === 0) setFlags(`--heap-growing-percent=${STREAMING_HEAP_GROWTH_PERCENT}`);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--active === 0) setFlags('--heap-growing-percent=0'); // 0: V8's own growth factor
    };
  };
}

export const limitHeapGrowth = heapGrowthLimiter();
