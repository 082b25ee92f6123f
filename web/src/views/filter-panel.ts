/** Filters (type, confidence, date range, marking) and the as-of date slider. */
import { TLP_LEVELS, type TlpLevel } from '../../../schema/graph/kinds';
import type { Filters } from '../state/view-state';
import { h } from './dom';

export interface FilterPanelProps {
  types: readonly string[];
  filters: Filters;
  asOf: string | null;
  /** Range of the as-of slider (YYYY-MM-DD). */
  dateRange: { min: string; max: string } | null;
  onChange: (filters: Filters, asOf: string | null) => void;
}

const DAY = 86_400_000;
const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

export function renderFilterPanel(container: HTMLElement, props: FilterPanelProps): void {
  const filters: Filters = structuredClone(props.filters);
  let asOf = props.asOf;
  const emit = () => props.onChange(structuredClone(filters), asOf);

  const typeBoxes = props.types.map((type) => {
    const id = `filter-type-${type}`;
    const box = h('input', { type: 'checkbox', id, checked: !filters.hiddenTypes.includes(type) });
    box.addEventListener('change', () => {
      filters.hiddenTypes = box.checked ? filters.hiddenTypes.filter((t) => t !== type) : [...filters.hiddenTypes, type];
      emit();
    });
    return h('li', {}, box, h('label', { for: id }, type));
  });

  const confValue = h('output', { for: 'filter-confidence' }, String(filters.minConfidence ?? 0));
  const conf = h('input', { type: 'range', id: 'filter-confidence', min: 0, max: 100, step: 5, value: filters.minConfidence ?? 0 });
  conf.addEventListener('change', () => {
    const value = Number(conf.value);
    filters.minConfidence = value > 0 ? value : null;
    emit();
  });
  conf.addEventListener('input', () => (confValue.textContent = conf.value));

  const from = h('input', { type: 'date', id: 'filter-from', value: filters.from ?? '' });
  const to = h('input', { type: 'date', id: 'filter-to', value: filters.to ?? '' });
  from.addEventListener('change', () => { filters.from = from.value || null; emit(); });
  to.addEventListener('change', () => { filters.to = to.value || null; emit(); });

  const tlpBoxes = TLP_LEVELS.map((level) => {
    const id = `filter-tlp-${level}`;
    const box = h('input', { type: 'checkbox', id, checked: filters.tlp.length === 0 || filters.tlp.includes(level) });
    box.addEventListener('change', () => {
      const all = new Set<TlpLevel>(filters.tlp.length ? filters.tlp : TLP_LEVELS);
      if (box.checked) all.add(level); else all.delete(level);
      filters.tlp = all.size === TLP_LEVELS.length ? [] : TLP_LEVELS.filter((l) => all.has(l));
      emit();
    });
    return h('li', {}, box, h('label', { for: id }, `TLP:${level}`));
  });

  const asOfSection = h('fieldset', { class: 'as-of' }, h('legend', {}, 'As of'));
  if (props.dateRange) {
    const min = toMs(props.dateRange.min);
    const max = toMs(props.dateRange.max);
    const days = Math.max(0, Math.round((max - min) / DAY));
    const current = asOf ? Math.min(days, Math.max(0, Math.round((toMs(asOf) - min) / DAY))) : days;
    const label = h('output', { for: 'as-of' }, asOf ?? 'today (everything)');
    const slider = h('input', { type: 'range', id: 'as-of', min: 0, max: days, step: 1, value: current, 'aria-label': 'As-of date' });
    slider.addEventListener('input', () => {
      const value = Number(slider.value);
      label.textContent = value >= days ? 'today (everything)' : toDay(min + value * DAY);
    });
    slider.addEventListener('change', () => {
      const value = Number(slider.value);
      asOf = value >= days ? null : toDay(min + value * DAY);
      emit();
    });
    asOfSection.append(slider, label);
  } else {
    asOfSection.append(h('p', { class: 'hint' }, 'No dated objects on the canvas.'));
  }

  const reset = h('button', { type: 'button' }, 'Reset filters');
  reset.addEventListener('click', () => props.onChange({ hiddenTypes: [], minConfidence: null, from: null, to: null, tlp: [] }, null));

  // Re-rendering must not lose the keyboard user's place.
  const focused = container.contains(document.activeElement) ? document.activeElement?.id : undefined;
  container.replaceChildren(
    h('h2', {}, 'Filters'),
    asOfSection,
    h('fieldset', {}, h('legend', {}, 'Types'), typeBoxes.length ? h('ul', { class: 'checks' }, typeBoxes) : h('p', { class: 'hint' }, '—')),
    h('fieldset', {}, h('legend', {}, 'Minimum confidence'), conf, confValue),
    h('fieldset', { class: 'dates' }, h('legend', {}, 'Created between'), h('label', { for: 'filter-from' }, 'from'), from, h('label', { for: 'filter-to' }, 'to'), to),
    h('fieldset', {}, h('legend', {}, 'Marking'), h('ul', { class: 'checks' }, tlpBoxes)),
    reset,
  );
  if (focused) document.getElementById(focused)?.focus();
}
