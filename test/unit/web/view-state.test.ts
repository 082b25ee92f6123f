import { describe, expect, it } from 'vitest';
import { defaultViewState, parseViewState, serializeViewState, type ViewState } from '../../../web/src/state/view-state';

const full: ViewState = {
  incident: 'incident--6b2d9a1e-2f1c-4a51-8d8e-0f6f4c3a2b10',
  tab: 'hypotheses',
  matrix: 'mine',
  selected: ['intrusion-set--1c4d8a2e-0000-4000-8000-000000000001', 'attack-pattern--b17a1a56-e99c-403c-8948-561df0cffe81'],
  layout: 'dagre',
  asOf: '2025-12-12',
  filters: { hiddenTypes: ['relationship', 'marking-definition'], minConfidence: 40, from: '2025-01-01', to: '2025-12-31', tlp: ['CLEAR', 'AMBER+STRICT'] },
  canvas: {
    ids: ['intrusion-set--1c4d8a2e-0000-4000-8000-000000000001', 'attack-pattern--b17a1a56-e99c-403c-8948-561df0cffe81', 'x-acme--é'],
    positions: {
      'intrusion-set--1c4d8a2e-0000-4000-8000-000000000001': [10, -20],
      'attack-pattern--b17a1a56-e99c-403c-8948-561df0cffe81': [300, 45],
    },
  },
};

describe('view state in the URL', () => {
  it('round-trips every field', () => {
    expect(parseViewState(serializeViewState(full))).toEqual(full);
  });

  it('writes nothing for the default state and reads defaults from an empty query', () => {
    expect(serializeViewState(defaultViewState())).toBe('');
    expect(parseViewState('')).toEqual(defaultViewState());
  });

  it('rounds positions to whole pixels', () => {
    const state = { ...defaultViewState(), canvas: { ids: ['a'], positions: { a: [1.6, -2.4] as [number, number] } } };
    expect(parseViewState(serializeViewState(state)).canvas).toEqual({ ids: ['a'], positions: { a: [2, -2] } });
  });

  it('keeps simple fields readable', () => {
    const query = serializeViewState({ ...defaultViewState(), asOf: '2025-12-11', layout: 'grid', selected: ['a', 'b'] });
    expect(query).toBe('?sel=a%2Cb&layout=grid&asOf=2025-12-11');
  });

  it('drops malformed values instead of failing', () => {
    const state = parseViewState('?tab=admin&layout=spiral&asOf=yesterday&conf=250&from=2025-13&tlp=PURPLE,RED&canvas=%%%');
    expect(state).toEqual({ ...defaultViewState(), filters: { ...defaultViewState().filters, tlp: ['RED'] } });
  });
});
