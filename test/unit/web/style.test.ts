import { describe, expect, it } from 'vitest';
import { CUSTOM_OBJECT, STIX_TYPE_LABELS, TLP_LEVELS } from '../../../schema/graph/kinds';
import { buildStylesheet, FALLBACK_STYLE, KIND_STYLES, kindStyle, TLP_COLOURS } from '../../../web/src/graph/style';

const sheet = buildStylesheet() as { selector: string; style: Record<string, unknown> }[];
const bySelector = new Map(sheet.map((rule) => [rule.selector, rule.style]));

describe('stylesheet keyed by kinds.ts', () => {
  it('has a rule with its own colour and shape for every STIX type in kinds.ts', () => {
    for (const [type, label] of Object.entries(STIX_TYPE_LABELS)) {
      const rule = bySelector.get(`node[kind = "${label}"]`);
      expect(rule, type).toBeDefined();
      expect(rule!['background-color']).toBe(KIND_STYLES[type as keyof typeof KIND_STYLES].colour);
      expect(rule!.shape).toBe(KIND_STYLES[type as keyof typeof KIND_STYLES].shape);
    }
  });

  it('styles nothing by a kind that kinds.ts does not define', () => {
    const labels = new Set<string>([...Object.values(STIX_TYPE_LABELS), CUSTOM_OBJECT]);
    const kindRules = sheet.map((r) => /^node\[kind = "(.+)"\]$/.exec(r.selector)?.[1]).filter((x): x is string => Boolean(x));
    expect(kindRules.filter((k) => !labels.has(k))).toEqual([]);
  });

  it('falls back to the base node rule for unknown kinds (custom x- objects, future types)', () => {
    const base = bySelector.get('node')!;
    expect(base['background-color']).toBe(FALLBACK_STYLE.colour);
    expect(base.shape).toBe(FALLBACK_STYLE.shape);
    expect(bySelector.get(`node[kind = "${CUSTOM_OBJECT}"]`)!['background-color']).toBe(FALLBACK_STYLE.colour);
    expect(kindStyle('x-acme-widget')).toBe(FALLBACK_STYLE);
    expect(kindStyle('malware')).toBe(KIND_STYLES.malware);
  });

  it('puts the base rule first so every kind rule refines it', () => {
    expect(sheet[0]!.selector).toBe('node');
  });

  it('shows every TLP level as a border colour', () => {
    for (const level of TLP_LEVELS) {
      expect(bySelector.get(`node[tlp = "${level}"]`)!['border-color']).toBe(TLP_COLOURS[level]);
    }
  });

  it('maps edge confidence to width, and view state to classes', () => {
    expect(bySelector.get('edge[confidence]')!.width).toBe('mapData(confidence, 0, 100, 1, 7)');
    expect(bySelector.get('.hidden, .filtered')!.display).toBe('none');
    expect(bySelector.has('node.pinned')).toBe(true);
    expect(bySelector.has('.path')).toBe(true);
  });

  it('keeps colours out of element data: rules only select on semantic data and classes', () => {
    const selectors = sheet.map((r) => r.selector).join(' ');
    expect(selectors).not.toMatch(/data\(colou?r\)|\[colou?r/);
    const values = sheet.flatMap((r) => Object.values(r.style)).filter((v) => typeof v === 'string') as string[];
    expect(values.filter((v) => /^data\((colou?r|shape)/.test(v))).toEqual([]);
  });
});
