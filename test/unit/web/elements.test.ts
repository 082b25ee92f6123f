import { describe, expect, it } from 'vitest';
import { CUSTOM_OBJECT } from '../../../schema/graph/kinds';
import { displayName, edgeKey, edgeLabel, normaliseTlp, presentTypes, toElements } from '../../../web/src/graph/elements';
import { edgePasses, nodePasses } from '../../../web/src/state/filters';
import { emptyFilters } from '../../../web/src/state/view-state';

const APT = { id: 'intrusion-set--aaaaaaaa-0000-4000-8000-000000000001', type: 'intrusion-set', name: 'APT28', tlp: 'AMBER_STRICT', confidence: 80, created: '2024-05-01T00:00:00Z' };
const TECH = { id: 'attack-pattern--bbbbbbbb-0000-4000-8000-000000000002', type: 'attack-pattern', name: 'Valid Accounts', tlp: 'CLEAR' };
const CUSTOM = { id: 'x-acme-widget--cccccccc-0000-4000-8000-000000000003', type: 'x-acme-widget', name: null };
const USES = { id: 'relationship--dddddddd-0000-4000-8000-000000000004', type: 'USES', source: APT.id, target: TECH.id, relationshipType: 'uses', confidence: 60 };

describe('element mapping', () => {
  it('maps nodes to semantic data: kind from kinds.ts, TLP in kinds.ts spelling, no colours', () => {
    const [apt, tech, custom] = toElements([APT, TECH, CUSTOM], []);
    expect(apt).toEqual({ group: 'nodes', data: { id: APT.id, name: 'APT28', label: 'APT28', stixType: 'intrusion-set', kind: 'IntrusionSet', tlp: 'AMBER+STRICT', confidence: 80, created: APT.created } });
    expect(tech!.data).toMatchObject({ kind: 'AttackPattern', tlp: 'CLEAR' });
    expect(custom!.data).toMatchObject({ kind: CUSTOM_OBJECT, label: 'x-acme-widget--cccccccc' });
  });

  it('labels edges with the relationship type, else the edge type in words, and keeps confidence', () => {
    const elements = toElements([APT, TECH], [USES, { id: 'x', type: 'CONTAINS_REF', source: TECH.id, target: APT.id }]);
    expect(elements[2]).toEqual({ group: 'edges', data: { key: edgeKey(USES), id: USES.id, source: APT.id, target: TECH.id, edgeType: 'USES', label: 'uses', confidence: 60 } });
    expect(elements[3]!.data.label).toBe('contains-ref');
    expect(edgeLabel({ type: 'SUBTECHNIQUE_OF' })).toBe('subtechnique-of');
  });

  it('drops duplicates and edges to nodes it does not know (never a dangling edge)', () => {
    const dangling = { ...USES, id: 'relationship--e', target: 'malware--ffffffff-0000-4000-8000-000000000009' };
    const elements = toElements([APT, TECH, APT], [USES, dangling]);
    expect(elements.map((e) => e.data.id)).toEqual([APT.id, TECH.id, USES.id]);
  });

  it('keeps one copy of an edge returned by two overlapping neighbourhoods', () => {
    const elements = toElements([APT, TECH], [USES, { ...USES }]);
    expect(elements.map((e) => e.data.id)).toEqual([APT.id, TECH.id, USES.id]);
  });

  it('adds nothing when the same neighbourhood comes back (expand twice: no duplicate edge)', () => {
    const first = toElements([APT, TECH], [USES]);
    const ids = new Set(first.map((e) => e.data.id as string));
    const keys = new Set(first.filter((e) => e.group === 'edges').map((e) => e.data.key as string));
    // The second answer: same nodes, same relationship; before, its edge came back as `<id>#USES`.
    expect(toElements([APT, TECH], [USES], ids, keys)).toEqual([]);
  });

  it('draws one evidence→hypothesis edge however many analysts rated the pair', () => {
    const ev = { id: 'attribution-evidence--e1', type: 'attribution-evidence', name: 'e' };
    const hyp = { id: 'attribution-hypothesis--h1', type: 'attribution-hypothesis', name: 'h' };
    const rated = (n: number) => ({ id: `${ev.id}|RATED|${hyp.id}|${n}`, type: 'RATED', source: ev.id, target: hyp.id });
    const edges = toElements([ev, hyp], [rated(1), rated(2), rated(3)]).filter((e) => e.group === 'edges');
    expect(edges).toHaveLength(1);
    // Two STIX relationships between the same objects stay two links.
    expect(toElements([APT, TECH], [USES, { ...USES, id: 'relationship--dddddddd-0000-4000-8000-000000000005' }]).filter((e) => e.group === 'edges')).toHaveLength(2);
  });

  it('adds only what is new and connects to nodes already on the canvas', () => {
    const elements = toElements([TECH], [USES], new Set([APT.id]));
    expect(elements.map((e) => e.data.id)).toEqual([TECH.id, USES.id]);
  });

  it('gives an edge sharing its id with a node (relationship SRO stored twice) a distinct id', () => {
    const relNode = { id: USES.id, type: 'relationship', name: null };
    const elements = toElements([APT, TECH, relNode], [USES]);
    expect(elements.map((e) => e.data.id)).toEqual([APT.id, TECH.id, USES.id, `${USES.id}#USES`]);
  });

  it('lists the STIX types present, sorted', () => {
    expect(presentTypes(toElements([TECH, APT, CUSTOM], [USES]))).toEqual(['attack-pattern', 'intrusion-set', 'x-acme-widget']);
  });

  it('names nodes without a name by a short id', () => {
    expect(displayName({ id: 'indicator--1a2b3c4d-0000-4000-8000-000000000000', type: 'indicator', name: '  ' })).toBe('indicator--1a2b3c4d');
    expect(normaliseTlp('PURPLE')).toBeUndefined();
  });
});

describe('filters on loaded elements', () => {
  const [apt] = toElements([APT], []);
  const data = apt!.data as Parameters<typeof nodePasses>[0];

  it('hides by type, confidence, marking, creation date and as-of date', () => {
    expect(nodePasses(data, emptyFilters(), null)).toBe(true);
    expect(nodePasses(data, { ...emptyFilters(), hiddenTypes: ['intrusion-set'] }, null)).toBe(false);
    expect(nodePasses(data, { ...emptyFilters(), minConfidence: 90 }, null)).toBe(false);
    expect(nodePasses(data, { ...emptyFilters(), tlp: ['CLEAR'] }, null)).toBe(false);
    expect(nodePasses(data, { ...emptyFilters(), tlp: ['AMBER+STRICT'] }, null)).toBe(true);
    expect(nodePasses(data, { ...emptyFilters(), from: '2024-06-01' }, null)).toBe(false);
    expect(nodePasses(data, emptyFilters(), '2024-04-30')).toBe(false);
    expect(nodePasses(data, emptyFilters(), '2024-05-01')).toBe(true);
  });

  it('places a case object at its event time (evidence: when known), not at its creation', () => {
    const evidence = { ...data, created: '2025-12-13T15:00:00Z', eventTime: '2025-12-11T20:00:00Z' };
    expect(nodePasses(evidence, emptyFilters(), '2025-12-12')).toBe(true);
    expect(nodePasses(evidence, emptyFilters(), '2025-12-10')).toBe(false);
    expect(nodePasses({ ...evidence, eventTime: undefined }, emptyFilters(), '2025-12-12')).toBe(false);
  });

  it('keeps edges without confidence whatever the minimum', () => {
    expect(edgePasses({ key: 'k', id: 'e', source: 'a', target: 'b', edgeType: 'USES', label: 'uses' }, { ...emptyFilters(), minConfidence: 90 }, null)).toBe(true);
    expect(edgePasses({ key: 'k', id: 'e', source: 'a', target: 'b', edgeType: 'USES', label: 'uses', confidence: 50 }, { ...emptyFilters(), minConfidence: 90 }, null)).toBe(false);
  });
});
