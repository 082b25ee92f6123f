/**
 * The decision-maker summary at the top of the Hypotheses view: the key judgement in ICD 203
 * words, ties said as ties, what would change the lead, and a posterior chart drawn over the
 * ICD 203 probability bands. The posteriors, their words and whether anything leads come from the
 * engine (`leadStatus`, `tiedForLead`, `leadRestsOn`): a tie within `TIE_MARGIN`, or a lead that
 * rests on one analyst's ratings alone, is said as a tie, exactly where the engine says so.
 */
import { ICD203_BANDS as SHARED_ICD203_BANDS, TIE_MARGIN } from '../../../schema/assessment/scales';
import { bandOf, leadOf, percent, tieWords, type EngineLead, type Lead, type SummaryHypothesis } from '../../../schema/assessment/judgement';
import { h, svgEl } from './dom';

export { TIE_MARGIN, bandOf, leadOf, tieWords, type EngineLead, type Lead, type SummaryHypothesis };

/** ICD 203 expressions of likelihood and their ranges, as the engine words them (schema/assessment/scales.ts). */
export const ICD203_BANDS: readonly { words: string; from: number; to: number }[] = SHARED_ICD203_BANDS.map((b) => ({ words: b.name, from: b.min, to: b.max }));

/** The key judgement, in words. */
export function keyJudgement(lead: Lead): (Node | string)[] {
  if (lead.kind === 'none') return ['No hypothesis has a posterior yet: add hypotheses and rate evidence against them.'];
  if (lead.kind === 'tie') return [h('strong', {}, 'No hypothesis leads. '), tieWords(lead, (x) => `“${x.name}” (${percent(x.posterior)})`)];
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
