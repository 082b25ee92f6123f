import { describe, expect, it } from 'vitest';
import { isCollision, isUnavailable } from '../../../api/src/graph/driver';

describe('Neo4j error classes', () => {
  it('a deadlock is a collision, not "database unavailable"', () => {
    const deadlock = { code: 'Neo.TransientError.Transaction.DeadlockDetected' };
    expect(isCollision(deadlock)).toBe(true);
    expect(isUnavailable(deadlock)).toBe(false);
  });
  it('a database that is down is unavailable', () => {
    for (const code of ['ServiceUnavailable', 'Neo.TransientError.General.DatabaseUnavailable']) {
      expect(isUnavailable({ code })).toBe(true);
      expect(isCollision({ code })).toBe(false);
    }
  });
});
