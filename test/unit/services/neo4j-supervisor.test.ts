import { describe, expect, it } from 'vitest';
import { RESTART_BACKOFF_MS, restartDelay } from '../../../api/src/neo4j-supervisor';

describe('restart backoff of the local Neo4j', () => {
  it('waits longer after each failed attempt in a row, then keeps the last step', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => restartDelay(n))).toEqual([1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 60_000, 60_000]);
    expect(restartDelay(0)).toBe(RESTART_BACKOFF_MS[0]);
  });
});
