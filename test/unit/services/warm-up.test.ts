/**
 * The start-up warm-up's generated bundle must be one our import accepts as it is (a refused
 * bundle would end the warm-up at once and leave Neo4j cold), and its configuration switch must
 * refuse values it does not know.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../api/src/config';
import { warmUpBundle } from '../../../api/src/services/warm-up';
import { validateBundle, validateStixObject } from '../../../schema/stix/validate';

describe('warmUpBundle', () => {
  it('is a valid STIX 2.1 bundle shaped like ATT&CK, with fresh ids each time', () => {
    const bundle = warmUpBundle(1_000);
    const objects = bundle.objects as Record<string, unknown>[];
    expect(objects).toHaveLength(1_000);
    const { objects: _, ...envelope } = bundle;
    expect(validateBundle(envelope)).toEqual([]);
    for (const [i, o] of objects.entries()) expect(validateStixObject(o, { path: `objects[${i}]` })).toEqual([]);
    const ids = new Set(objects.map((o) => o.id));
    expect(ids.size).toBe(1_000);
    const relationships = objects.filter((o) => o.type === 'relationship').length;
    expect(relationships / objects.length).toBeGreaterThan(0.7);
    // Every relationship end is in the bundle (no placeholders: the write paths of real objects).
    for (const o of objects.filter((x) => x.type === 'relationship')) {
      expect(ids.has(o.source_ref)).toBe(true);
      expect(ids.has(o.target_ref)).toBe(true);
    }
    const again = warmUpBundle(10).objects as Record<string, unknown>[];
    expect(again.some((o) => ids.has(o.id))).toBe(false);
  });
});

describe('AG_NEO4J_WARMUP', () => {
  it('defaults to auto and refuses an unknown value, naming the variable', () => {
    expect(loadConfig({}).warmUp).toBe('auto');
    expect(loadConfig({ AG_NEO4J_WARMUP: 'off' }).warmUp).toBe('off');
    expect(() => loadConfig({ AG_NEO4J_WARMUP: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadConfig({ AG_NEO4J_WARMUP: 'sometimes' })).toThrow(/AG_NEO4J_WARMUP must be one of auto, on, off/);
  });
});
