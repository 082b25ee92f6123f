import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../../../api/src/plugins/login-throttle';

describe('login throttle', () => {
  it('blocks an address past maxFailures until its window ends; other addresses are unaffected', () => {
    let t = 0;
    const throttle = createLoginThrottle({ maxFailures: 3, windowMs: 1_000, now: () => t });
    for (let i = 0; i < 3; i++) throttle.fail('a');
    expect(throttle.blockedFor('a')).toBe(0);
    throttle.fail('a');
    expect(throttle.blockedFor('a')).toBe(1_000);
    expect(throttle.blockedFor('b')).toBe(0);
    t = 600;
    expect(throttle.blockedFor('a')).toBe(400);
    t = 1_000;
    expect(throttle.blockedFor('a')).toBe(0);
  });
});
