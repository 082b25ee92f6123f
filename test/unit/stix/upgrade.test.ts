import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectSpecVersion, upgradeBundle, upgradeObject20To21, validateBundle } from '../../../schema/stix/index';
import { CORPUS_DIR } from './oasis-oracle';
import { uuid } from './fixtures';

const T = '2017-05-31T21:32:40.801Z';
const base = (type: string, extra: Record<string, unknown>): Record<string, unknown> => ({
  type,
  id: `${type}--${uuid(1)}`,
  created: T,
  modified: T,
  ...extra,
});

describe('upgradeObject20To21', () => {
  it('drops ATT&CK placeholder labels, sets spec_version and is_family, keeps x_ properties', () => {
    const m = base('malware', { name: 'HDoor', labels: ['malware'], x_mitre_version: '1.0' });
    expect(upgradeObject20To21(m)).toEqual({
      type: 'malware', id: m.id, created: T, modified: T, name: 'HDoor', x_mitre_version: '1.0',
      spec_version: '2.1', is_family: true,
    });
    expect(m.labels).toEqual(['malware']); // input untouched
  });

  it('moves vocabulary labels to the 2.1 *_types property', () => {
    expect(upgradeObject20To21(base('tool', { name: 'x', labels: ['remote-access'] }))).toMatchObject({ tool_types: ['remote-access'] });
    expect(upgradeObject20To21(base('threat-actor', { name: 'x', labels: ['spy'] }))).toMatchObject({ threat_actor_types: ['spy'] });
    expect(upgradeObject20To21(base('report', { name: 'x', labels: ['threat-report'] }))).toMatchObject({ report_types: ['threat-report'] });
    const ind = upgradeObject20To21(base('indicator', { labels: ['malicious-activity'], pattern: "[file:name = 'x']", valid_from: T }));
    expect(ind).toMatchObject({ indicator_types: ['malicious-activity'], pattern_type: 'stix', spec_version: '2.1' });
    expect(ind).not.toHaveProperty('labels');
  });

  it('keeps labels of other types and leaves 2.1 objects and 2.0 observables alone', () => {
    expect(upgradeObject20To21(base('campaign', { name: 'x', labels: ['a'] }))).toMatchObject({ labels: ['a'] });
    const v21 = { ...base('tool', { name: 'x' }), spec_version: '2.1' };
    expect(upgradeObject20To21(v21)).toBe(v21);
    const sco = { type: 'ipv4-addr', value: '1.2.3.4' };
    expect(upgradeObject20To21(sco)).toBe(sco);
  });

  it('detects the version of bundles and arrays', () => {
    expect(detectSpecVersion({ type: 'bundle', spec_version: '2.0', objects: [] })).toBe('2.0');
    expect(detectSpecVersion([{ ...base('tool', {}), spec_version: '2.1' }])).toBe('2.1');
    expect(detectSpecVersion({ type: 'bundle', objects: [base('tool', {})] })).toBe('2.0');
    expect(detectSpecVersion(null)).toBe('unknown');
  });
});

const ATTACK = join(CORPUS_DIR, 'attack/enterprise-attack-18.1.stix20.json');
describe.skipIf(!existsSync(ATTACK))('ATT&CK enterprise 18.1 (STIX 2.0; skipped when ../shared/corpus is absent)', () => {
  it('is detected as 2.0 and validates cleanly after upgrade', () => {
    const raw: unknown = JSON.parse(readFileSync(ATTACK, 'utf8'));
    expect(detectSpecVersion(raw)).toBe('2.0');
    const up = upgradeBundle(raw);
    expect(detectSpecVersion(up)).toBe('2.1');
    const started = performance.now();
    const issues = validateBundle(up);
    console.log(`validated 24771 upgraded ATT&CK objects in ${(performance.now() - started).toFixed(0)} ms`);
    expect(issues).toEqual([]);
  });
});
