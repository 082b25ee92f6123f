import { describe, expect, it } from 'vitest';
import { factSheetToBundle, parseFactSheet, type StixObject } from '../../../importers/factsheet';
import { MINIMAL_SHEET, lineOf, withLine } from './fixtures';

const TLP_AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';

function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (/_refs?$/.test(key)) out.push(...(Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string'));
      else refsOf(v, out);
    }
  }
  return out;
}

describe('factSheetToBundle', () => {
  it('is deterministic: the same sheet gives the identical bundle', () => {
    const a = factSheetToBundle(parseFactSheet(MINIMAL_SHEET));
    const b = factSheetToBundle(parseFactSheet(MINIMAL_SHEET));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('derives ids from the slug: another slug changes every case id', () => {
    const a = factSheetToBundle(parseFactSheet(MINIMAL_SHEET));
    const b = factSheetToBundle(parseFactSheet(withLine(MINIMAL_SHEET, 2, 'slug: other-case')));
    const shared = new Set(a.objects.map((o) => o.id));
    const common = b.objects.map((o) => o.id).filter((id) => shared.has(id));
    // Only the extension-definition and its creator are shared between cases.
    expect(common.sort()).toEqual(
      a.objects.filter((o) => o.type === 'extension-definition' || o.name === 'Attribution Graph').map((o) => o.id).sort(),
    );
  });

  it('derives ids from item keys: renaming one hypothesis changes its id only', () => {
    const a = factSheetToBundle(parseFactSheet(MINIMAL_SHEET));
    const renamed = MINIMAL_SHEET.replace('  - id: h2', '  - id: h-foreign');
    const b = factSheetToBundle(parseFactSheet(renamed));
    const hyp = (bundle: typeof a) => bundle.objects.filter((o) => o.type === 'attribution-hypothesis').map((o) => o.id);
    expect(hyp(b)[0]).toBe(hyp(a)[0]);
    expect(hyp(b)[1]).not.toBe(hyp(a)[1]);
  });

  it('takes timestamps from the sheet, not the clock', () => {
    const bundle = factSheetToBundle(parseFactSheet(MINIMAL_SHEET));
    const caseObjects = bundle.objects.filter((o) => o.type !== 'extension-definition' && o.name !== 'Attribution Graph');
    expect(new Set(caseObjects.map((o) => o.created))).toEqual(new Set(['2025-01-02T03:04:05.000Z']));
  });

  it('marks every case object with the sheet TLP', () => {
    const bundle = factSheetToBundle(parseFactSheet(MINIMAL_SHEET));
    const caseObjects = bundle.objects.filter((o) => o.type !== 'extension-definition' && o.name !== 'Attribution Graph');
    for (const o of caseObjects) expect(o.object_marking_refs, o.id).toEqual([TLP_AMBER]);
  });

  it('emits unique ids and refs that resolve inside the bundle (markings aside)', () => {
    const bundle = factSheetToBundle(parseFactSheet(MINIMAL_SHEET));
    const ids = bundle.objects.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const dangling = refsOf(bundle.objects).filter((ref) => !ref.startsWith('marking-definition--') && !ids.includes(ref));
    expect(dangling).toEqual([]);
  });

  it('records an ATT&CK mapping as a mitre-attack external reference on a judgement', () => {
    const line = lineOf(MINIMAL_SHEET, '    kind: fact');
    const text = withLine(MINIMAL_SHEET, line, '    kind: judgement\n    attack_technique: T1078.004');
    const evidence = factSheetToBundle(parseFactSheet(text)).objects.find((o) => o.type === 'attribution-evidence') as StixObject;
    expect(evidence.evidence_kind).toBe('judgement');
    expect(evidence.labels).toEqual(['analyst-judgement']);
    expect(evidence.external_references).toContainEqual(
      expect.objectContaining({ source_name: 'mitre-attack', external_id: 'T1078.004', url: 'https://attack.mitre.org/techniques/T1078/004/' }),
    );
  });

  it('defaults evidence reliability to the worst grade of its sources', () => {
    const evidence = factSheetToBundle(parseFactSheet(MINIMAL_SHEET)).objects.find((o) => o.type === 'attribution-evidence');
    expect(evidence?.reliability).toBe('C');
  });
});
