/**
 * Validation throughput on the ATT&CK enterprise bundle (STIX 2.0, upgraded to 2.1 first).
 * Not a test: prints objects/s. Run: npx tsx bench/validate-stix.ts [path-to-bundle.json]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectSpecVersion, upgradeBundle, validateBundle, validateStixObject } from '../schema/stix/index';

const file = process.argv[2] ?? join(import.meta.dirname, '../../shared/corpus/attack/enterprise-attack-18.1.stix20.json');
const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
const bundle = detectSpecVersion(raw) === '2.0' ? upgradeBundle(raw) : raw;
const objects = (bundle as { objects: unknown[] }).objects;

function time(label: string, run: () => number): void {
  const started = performance.now();
  const issues = run();
  const ms = performance.now() - started;
  console.log(
    `${label.padEnd(34)} ${objects.length} objects in ${ms.toFixed(0).padStart(5)} ms = ${Math.round((objects.length / ms) * 1000).toLocaleString('en-US').padStart(9)} objects/s (${issues} issues)`,
  );
}

time('validateBundle (first run, compiles)', () => validateBundle(bundle).length);
for (let i = 1; i <= 3; i++) time(`validateBundle (run ${i})`, () => validateBundle(bundle).length);
time('validateStixObject per object', () => objects.reduce<number>((n, o) => n + validateStixObject(o).length, 0));
time('upgradeBundle + validateBundle', () => validateBundle(upgradeBundle(raw)).length);
