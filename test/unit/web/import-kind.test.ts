/** Dropped files go to the right import by their content: fact sheets vs STIX bundles. */
import { describe, expect, it } from 'vitest';
import { detectImportKind } from '../../../web/src/views/import-drop';

describe('detectImportKind', () => {
  it('sends YAML files and YAML fact sheets to the fact-sheet import', () => {
    expect(detectImportKind('case.yaml', 'format: attribution-graph/fact-sheet@1\nslug: x\n')).toBe('fact-sheet');
    expect(detectImportKind('CASE.YML', 'slug: x\n')).toBe('fact-sheet');
    expect(detectImportKind('case.txt', '# notes\nformat: "attribution-graph/fact-sheet@1"\n')).toBe('fact-sheet');
  });

  it('decides JSON files by content, not by name', () => {
    expect(detectImportKind('case.json', JSON.stringify({ format: 'attribution-graph/fact-sheet@1', slug: 'x' }))).toBe('fact-sheet');
    expect(detectImportKind('bundle.json', JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [] }))).toBe('stix-bundle');
    // A bundle saved with a .yaml name is still a bundle.
    expect(detectImportKind('bundle.yaml', JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [] }))).toBe('stix-bundle');
    // A bare object or an array: the API takes them as an implicit bundle.
    expect(detectImportKind('one.json', JSON.stringify({ type: 'indicator', id: 'indicator--1' }))).toBe('stix-bundle');
    expect(detectImportKind('many.json', '[]')).toBe('stix-bundle');
  });

  it('recognises neither in anything else', () => {
    expect(detectImportKind('notes.json', JSON.stringify({ note: 'hello' }))).toBeNull();
    expect(detectImportKind('notes.txt', 'hello')).toBeNull();
    expect(detectImportKind('n.json', '42')).toBeNull();
  });
});
