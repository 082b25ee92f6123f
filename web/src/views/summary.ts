/**
 * The decision-maker summary at the top of the Hypotheses view: the key judgement in ICD 203
 * words, ties said as ties, what would change the lead, and a posterior chart drawn over the
 * ICD 203 probability bands. The posteriors and their words come from the server; the only thing
 * decided here is whether the top of the ranking is a tie (the top posteriors within
 * `TIE_MARGIN` of each other), so no "leading" hypothesis is announced where there is none.
 */
import { ICD203_BANDS as SHARED_ICD203_BANDS, TIE_MARGIN } from '../../../schema/assessment/scales';
import { h, svgEl } from './dom';

export { TIE_MARGIN };

/** ICD 203 expressions of likelihood and their ranges, as the engine words them (schema/assessment/scales.ts). */
export const ICD203_BANDS: readonly { words: string; from: number; to: number }[] = SHARED_ICD203_BANDS.map((b) => ({ words: b.name, from: b.min, to: b.max }));

export interface SummaryHypothesis {
  id: string;
  name: string;
  posterior: number | null;
  label: string | null;
}

export type Lead =
  | { kind: 'none' }
  | { kind: 'lead'; leader: SummaryHypothesis; next: SummaryHypothesis | null }
  | { kind: 'tie'; tied: SummaryHypothesis[] };

/**
 * Who leads: the hypothesis with the highest posterior when the next one is more than `margin`
 * below it; otherwise every hypothesis within `margin` of the top is tied.
 */
export function leadOf(hypotheses: readonly SummaryHypothesis[], margin = TIE_MARGIN): Lead {
  const scored = hypotheses.filter((x) => typeof x.posterior === 'number').sort((a, b) => b.posterior! - a.posterior!);
  const top = scored[0];
  if (!top) return { kind: 'none' };
  const tied = scored.filter((x) => top.posterior! - x.posterior! <= margin + 1e-12);
  if (tied.length > 1) return { kind: 'tie', tied };
  return { kind: 'lead', leader: top, next: scored[1] ?? null };
}

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

export function bandOf(p: number): string {
  return (ICD203_BANDS.find((b) => p < b.to) ?? ICD203_BANDS[ICD203_BANDS.length - 1]!).words;
}

/** The key judgement, in words. */
export function keyJudgement(lead: Lead): (Node | string)[] {
  if (lead.kind === 'none') return ['No hypothesis has a posterior yet: add hypotheses and rate evidence against them.'];
  if (lead.kind === 'tie') {
    const names = lead.tied.map((x) => `“${x.name}” (${percent(x.posterior)})`);
    return [h('strong', {}, 'No hypothesis leads. '), `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are within ${Math.round(TIE_MARGIN * 100)} points of each other: on the present evidence this is a tie.`];
  }
  const { leader, next } = lead;
  const words = leader.label ?? bandOf(leader.posterior!);
  return [
    h('strong', {}, `We assess it is ${words} (${percent(leader.posterior)}) that “${leader.name}”.`),
    next ? ` Next: “${next.name}”, ${next.label ?? bandOf(next.posterior!)} (${percent(next.posterior)}).` : '',
  ];
}

const BAND_FILLS = ['#f8f9fa', '#e9ecef'];

/** Horizontal bars of the posteriors over the ICD 203 bands (labelled at the top). */
export function posteriorChart(hypotheses: readonly SummaryHypothesis[], lead: Lead): SVGElement {
  const rowH = 22, top = 30, left = 220, right = 16, W = 760;
  const H = top + rowH * Math.max(1, hypotheses.length) + 8;
  const x = (p: number) => left + p * (W - left - right);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'posterior-chart', role: 'img', 'aria-label': 'Posterior probability of each hypothesis, on the ICD 203 bands' });
  ICD203_BANDS.forEach((band, i) => {
    svg.append(svgEl('rect', { x: x(band.from), y: top - 4, width: x(band.to) - x(band.from), height: H - top, fill: BAND_FILLS[i % 2]! }));
    // Labels alternate between two lines; the outermost ones are anchored inside the chart.
    const first = i === 0, last = i === ICD203_BANDS.length - 1;
    const at = first ? x(band.from) : last ? x(band.to) : (x(band.from) + x(band.to)) / 2;
    svg.append(svgEl('text', { x: at, y: i % 2 ? 22 : 11, 'font-size': 9.5, 'text-anchor': first ? 'start' : last ? 'end' : 'middle', fill: '#343a40' }, band.words));
  });
  const leaders = new Set(lead.kind === 'lead' ? [lead.leader.id] : []);
  hypotheses.forEach((hyp, i) => {
    const y = top + i * rowH;
    const p = hyp.posterior ?? 0;
    svg.append(svgEl('text', { x: left - 6, y: y + 13, 'font-size': 11, 'text-anchor': 'end', fill: '#212529' }, hyp.name.length > 34 ? `${hyp.name.slice(0, 33)}…` : hyp.name));
    svg.append(svgEl('rect', { x: x(0), y: y + 3, width: Math.max(1, x(p) - x(0)), height: rowH - 8, fill: leaders.has(hyp.id) ? '#1f5fbf' : '#6c8ebf', class: 'posterior-bar', 'data-hypothesis': hyp.id }));
    svg.append(svgEl('text', { x: Math.min(x(p) + 4, W - right - 40), y: y + 13, 'font-size': 10.5, fill: '#212529' }, percent(hyp.posterior)));
  });
  return svg;
}
