import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FactSheetError, parseFactSheet, validateFactSheet } from '../../../importers/factsheet';
import { MINIMAL_SHEET, lineOf, withLine } from './fixtures';

const problems = (text: string, file = 'sheet.yaml') => {
  const result = validateFactSheet(text, file);
  if (result.ok) throw new Error('expected the sheet to be rejected');
  return result.issues.map(({ path, line, column, message }) => ({ path, line, column, message }));
};

describe('fact sheet: accept', () => {
  it('accepts the minimal sheet and returns its data', () => {
    const sheet = parseFactSheet(MINIMAL_SHEET, 'minimal.yaml');
    expect(sheet.slug).toBe('test-case');
    expect(sheet.hypotheses.map((h) => h.id)).toEqual(['h1', 'h2']);
    expect(sheet.dates.detected).toBe('2025-01-01');
  });

  it('accepts the reference case', () => {
    const text = readFileSync('seed/reference-case.yaml', 'utf8');
    expect(validateFactSheet(text, 'seed/reference-case.yaml')).toMatchObject({ ok: true });
  });

  it('accepts the same sheet written as JSON', () => {
    const json = JSON.stringify(parseFactSheet(MINIMAL_SHEET), null, 2);
    expect(parseFactSheet(json, 'minimal.json')).toEqual(parseFactSheet(MINIMAL_SHEET));
  });
});

describe('fact sheet: reject with line and column', () => {
  it('locates an out-of-range prior at its value', () => {
    const line = lineOf(MINIMAL_SHEET, '    prior: 0.5');
    const text = withLine(MINIMAL_SHEET, line, '    prior: 1.5');
    expect(problems(text)).toEqual([{ path: 'hypotheses[0].prior', line, column: 12, message: 'must be <= 1' }]);
  });

  it('locates a misspelt key at the key', () => {
    const line = lineOf(MINIMAL_SHEET, '    author: analyst-a');
    const text = withLine(MINIMAL_SHEET, line, '    auteur: analyst-a');
    expect(problems(text)).toEqual([
      // A missing property is reported where its object starts (after the "- ").
      { path: 'hypotheses[0].author', line: lineOf(MINIMAL_SHEET, '  - id: h1'), column: 5, message: 'missing required property "author"' },
      { path: 'hypotheses[0].auteur', line, column: 5, message: 'unknown property "auteur"' },
    ]);
  });

  it('reports a closed vocabulary with its allowed values', () => {
    const line = lineOf(MINIMAL_SHEET, '        rating: C');
    const text = withLine(MINIMAL_SHEET, line, '        rating: maybe');
    expect(problems(text)).toEqual([
      { path: 'evidence[0].ratings[0].rating', line, column: 17, message: 'must be one of: CC, C, N, I, II' },
    ]);
  });

  it('rejects a date that is not on the calendar', () => {
    const line = lineOf(MINIMAL_SHEET, '  detected: 2025-01-01');
    const text = withLine(MINIMAL_SHEET, line, '  detected: 2025-02-30');
    expect(problems(text)).toEqual([
      { path: 'dates.detected', line, column: 13, message: '"2025-02-30" is not a valid date or time' },
    ]);
  });

  it('rejects references to unknown sources, actors and hypotheses', () => {
    let text = MINIMAL_SHEET;
    const sourcesLine = lineOf(text, '    sources: [src]');
    text = withLine(text, sourcesLine, '    sources: [nope]');
    const candidatesLine = lineOf(text, '    candidates: [actor-1]');
    text = withLine(text, candidatesLine, '    candidates: [actor-9]');
    const ratingLine = lineOf(text, '      - hypothesis: h1');
    text = withLine(text, ratingLine, '      - hypothesis: h7');
    expect(problems(text)).toEqual([
      { path: 'hypotheses[0].candidates[0]', line: candidatesLine, column: 18, message: 'unknown actor "actor-9" (not in actors[].id)' },
      { path: 'evidence[0].sources[0]', line: sourcesLine, column: 15, message: 'unknown source "nope" (not in sources[].id)' },
      { path: 'evidence[0].ratings[0].hypothesis', line: ratingLine, column: 21, message: 'unknown hypothesis "h7" (not in hypotheses[].id)' },
    ]);
  });

  it('requires an ATT&CK mapping to be a judgement', () => {
    const line = lineOf(MINIMAL_SHEET, '    kind: fact');
    const text = withLine(MINIMAL_SHEET, line, '    kind: fact\n    attack_technique: T1078');
    expect(problems(text)).toEqual([
      { path: 'evidence[0].attack_technique', line: line + 1, column: 23, message: 'an ATT&CK technique mapping is an analyst judgement: set kind: judgement' },
    ]);
  });

  it('rejects priors that sum to more than 1', () => {
    const line = lineOf(MINIMAL_SHEET, '    prior: 0.5');
    const text = withLine(MINIMAL_SHEET, line, '    prior: 0.8');
    expect(problems(text)).toEqual([
      { path: 'hypotheses', line: lineOf(MINIMAL_SHEET, '  - id: h1'), column: 3, message: 'priors sum to 1.3, more than 1 (hypotheses are mutually exclusive)' },
    ]);
  });

  it('rejects duplicate ids across sections', () => {
    const line = lineOf(MINIMAL_SHEET, '  - id: e1');
    const text = withLine(MINIMAL_SHEET, line, '  - id: h2');
    expect(problems(text)).toEqual([
      { path: 'evidence[0].id', line, column: 9, message: 'duplicate id "h2" (already used at hypotheses[1].id)' },
    ]);
  });

  it('collects every problem of the sheet in one pass, in line order', () => {
    let text = MINIMAL_SHEET;
    text = withLine(text, lineOf(text, 'tlp: AMBER'), 'tlp: PURPLE');
    text = withLine(text, lineOf(text, '  country: FR'), '  country: France');
    text = withLine(text, lineOf(text, '    url: https://news.example/article'), '    url: news.example/article');
    const issues = problems(text);
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['tlp', 4],
      ['victim.country', 9],
      ['sources[0].url', 19],
    ]);
  });

  it('locates YAML syntax errors and duplicate keys', () => {
    expect(problems(withLine(MINIMAL_SHEET, 3, 'title: a: b'))).toEqual([
      { path: '', line: 3, column: 8, message: 'Nested mappings are not allowed in compact mappings' },
    ]);
    expect(problems(withLine(MINIMAL_SHEET, 3, 'slug: again'))).toEqual([
      { path: '', line: 3, column: 1, message: 'Map keys must be unique' },
    ]);
  });

  it('locates errors in JSON input too', () => {
    const json = JSON.stringify(parseFactSheet(MINIMAL_SHEET), null, 2).replace('"prior": 0.5', '"prior": -1');
    const line = lineOf(json, '      "prior": -1,');
    expect(problems(json, 'sheet.json')).toEqual([{ path: 'hypotheses[0].prior', line, column: 16, message: 'must be >= 0' }]);
  });

  it('reports a missing required section at the document', () => {
    const text = MINIMAL_SHEET.replace(/^victim:\n(?: {2}.*\n)+/m, '');
    expect(problems(text)).toEqual([{ path: 'victim', line: 1, column: 1, message: 'missing required property "victim"' }]);
  });

  it('throws one FactSheetError with the whole list from parseFactSheet', () => {
    const text = withLine(withLine(MINIMAL_SHEET, 4, 'tlp: PURPLE'), 2, 'slug: X');
    let caught: unknown;
    try {
      parseFactSheet(text, 'bad.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FactSheetError);
    const error = caught as FactSheetError;
    expect(error.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path}`)).toEqual(['bad.yaml:2:7 slug', 'bad.yaml:4:6 tlp']);
    expect(error.message).toContain('bad.yaml:2:7 slug');
  });
});
