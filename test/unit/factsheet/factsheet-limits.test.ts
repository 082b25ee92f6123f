/** Issue 14 #5: a hostile sheet costs bounded work and gets a bounded report. */
import { describe, expect, it } from 'vitest';
import { validateFactSheet } from '../../../importers/factsheet/index';
import { FACT_SHEET_LIMITS } from '../../../importers/factsheet/parse-factsheet';
import { parseWithPositions } from '../../../importers/factsheet/source-positions';

describe('fact-sheet limits', () => {
  it('reports at most maxIssues problems and counts the rest', () => {
    const text = ['slug: x', ...Array.from({ length: 500 }, (_, i) => `extra_${i}: 1`)].join('\n');
    const result = validateFactSheet(text, 'big.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.length).toBe(FACT_SHEET_LIMITS.maxIssues + 1);
    expect(result.issues.at(-1)?.message).toMatch(/^\d+ more problems not shown$/);
  });

  it('refuses a document with more values than the node cap, naming the cap', () => {
    const text = Array.from({ length: 60 }, (_, i) => `k${i}: [1, 2, 3]`).join('\n');
    const parsed = parseWithPositions(text, 'x.yaml', { maxNodes: 100 });
    expect(parsed.data).toBeUndefined();
    expect(parsed.syntaxIssues).toEqual([expect.objectContaining({ message: expect.stringContaining('more than 100 values and keys') })]);
  });

  it('still finds duplicate keys (in linear time, without the YAML library check), at the duplicate', () => {
    const parsed = parseWithPositions('a: 1\nb:\n  c: 1\n  c: 2\n', 'x.yaml');
    expect(parsed.syntaxIssues).toEqual([{ file: 'x.yaml', path: '', line: 4, column: 3, message: 'Map keys must be unique' }]);
  });
});
