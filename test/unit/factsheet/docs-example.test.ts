import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { factSheetToBundle, parseFactSheet } from '../../../importers/factsheet';

describe('docs/fact-sheet.md', () => {
  it('its full example is a valid fact sheet that maps to a bundle', () => {
    const doc = readFileSync('docs/fact-sheet.md', 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    // parseFactSheet throws a FactSheetError listing every problem if the example drifts.
    const sheet = parseFactSheet(example, 'docs/fact-sheet.md#full-example');
    const types = new Set(factSheetToBundle(sheet).objects.map((o) => o.type));
    expect([...types].sort()).toEqual([
      'attribution-evidence', 'attribution-hypothesis', 'event', 'extension-definition', 'identity', 'impact',
      'incident', 'intrusion-set', 'location', 'note', 'relationship', 'report', 'task', 'threat-actor',
    ]);
  });
});
