/**
 * The heap-growth cap of streamed imports (api/src/services/heap-growth.ts): set when the first
 * streamed import starts, kept while any runs, V8's default restored when the last ends.
 */
import { describe, expect, it } from 'vitest';
import { heapGrowthLimiter, STREAMING_HEAP_GROWTH_PERCENT } from '../../../api/src/services/heap-growth';

describe('heap growth limiter', () => {
  it('caps growth while any streamed import runs and restores the default after the last, once per release', () => {
    const flags: string[] = [];
    const limit = heapGrowthLimiter((f) => flags.push(f));
    const first = limit();
    const second = limit();
    expect(flags).toEqual([`--heap-growing-percent=${STREAMING_HEAP_GROWTH_PERCENT}`]);
    first();
    first(); // a second release of the same import changes nothing
    expect(flags).toHaveLength(1);
    second();
    expect(flags).toEqual([`--heap-growing-percent=${STREAMING_HEAP_GROWTH_PERCENT}`, '--heap-growing-percent=0']);
    limit()();
    expect(flags).toHaveLength(4);
  });
});
