/**
 * The one-page brief for decision-makers, as self-contained HTML (no script, no external
 * resource; every value escaped): a TLP banner at the top and the bottom of every printed page,
 * the key judgement in ICD 203 words (a tie said as a tie), the analytic confidence apart from the
 * likelihood, what would change the lead, the posteriors on the ICD 203 bands, the matrix as the
 * consensus counts it, the evidence's sources with their archived copies, and the posteriors over
 * time. Pure: the brief service (brief.service.ts) builds the model and prints the PDF.
 */
import { ICD203_BANDS } from '../../../schema/assessment/scales';
import { bandOf, leadOf, percent, tieWords, type EngineLead } from '../../../schema/assessment/judgement';
import type { CellRater, FoldedSource } from '../../../schema/assessment/case-reading';
import { TLP_TEXT_COLOURS, type TlpLevel } from '../../../schema/graph/kinds';

export interface BriefHypothesis {
  id: string;
  name: string;
  status: string;
  /** The analysts' prior; null: an equal share of what the others leave. */
  prior: number | null;
  posterior: number | null;
  label: string | null;
}

export interface BriefCell {
  rating: string;
  /** Analysts whose rating counts (0: blank, nobody rated it). */
  raters: number;
  unanimous: boolean;
  analysts: CellRater[];
}

export interface BriefEvidence {
  id: string;
  name: string;
  kind: string;
  knownAt: string | null;
  /** Admiralty grade ("B2"); null: ungraded. */
  grade: string | null;
  discredited: boolean;
  /** The weight the engine counts (weight × reliability, shared within a dependency group). */
  effectiveWeight: number;
  /** Consensus cell per hypothesis id. */
  cells: Record<string, BriefCell>;
  sources: FoldedSource[];
}

export interface BriefModel {
  incidentId: string;
  incidentName: string;
  /** The most restrictive TLP of the incident and the case objects the brief shows. */
  tlp: TlpLevel;
  asOf: string | null;
  generatedAt: string;
  /** Who asked for it (token name). */
  generatedBy: string;
  /** In the incident's order. */
  hypotheses: BriefHypothesis[];
  lead: EngineLead;
  confidence: { level: string; reasons: string[] };
  /** What would change the lead, in words (sensitivity runs that change it). */
  changers: string[];
  evidence: BriefEvidence[];
  /** Evidence of the case not yet known as of `asOf`. */
  laterEvidence: number;
  /** Posteriors over time, by hypothesis id. */
  history: { asOf: string; posteriors: Record<string, number | null> }[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A link only for http(s) URLs; anything else is shown as text. */
function link(url: string | null, text: string): string {
  if (!url || !/^https?:\/\//i.test(url)) return esc(text);
  return `<a href="${esc(url)}">${esc(text)}</a>`;
}

/** Distinct colours for up to eight hypotheses' lines (then they repeat). */
const LINE_COLOURS = ['#1f5fbf', '#c1121f', '#1a7f37', '#9a6700', '#6f42c1', '#0a7e8c', '#d63384', '#495057'];

function judgementHtml(model: BriefModel): string {
  const lead = leadOf(model.hypotheses, model.lead);
  if (lead.kind === 'none') return 'No hypothesis has a posterior yet.';
  if (lead.kind === 'tie') return `<strong>No hypothesis leads.</strong> ${tieWords(lead, (x) => `“${esc(x.name)}” (${percent(x.posterior)})`)}`;
  const { leader, next } = lead;
  return `We assess it is <strong>${esc(leader.label ?? bandOf(leader.posterior!))}</strong> (${percent(leader.posterior)}) that “${esc(leader.name)}”.`
    + (next ? ` Next: “${esc(next.name)}”, ${esc(next.label ?? bandOf(next.posterior!))} (${percent(next.posterior)}).` : '');
}

/** Horizontal bars of the posteriors over the ICD 203 bands. */
export function posteriorBarsSvg(model: BriefModel): string {
  const rowH = 16, top = 24, left = 190, right = 10, W = 700;
  const H = top + rowH * Math.max(1, model.hypotheses.length) + 4;
  const x = (p: number) => left + p * (W - left - right);
  const lead = leadOf(model.hypotheses, model.lead);
  const leaders = new Set(lead.kind === 'lead' ? [lead.leader.id] : lead.kind === 'tie' ? lead.tied.map((t) => t.id) : []);
  const parts: string[] = [];
  ICD203_BANDS.forEach((band, i) => {
    const first = i === 0, last = i === ICD203_BANDS.length - 1;
    const at = first ? x(band.min) : last ? x(band.max) : (x(band.min) + x(band.max)) / 2;
    parts.push(`<rect x="${x(band.min).toFixed(1)}" y="${top - 3}" width="${(x(band.max) - x(band.min)).toFixed(1)}" height="${H - top}" fill="${i % 2 ? '#e9ecef' : '#f8f9fa'}"/>`);
    parts.push(`<text x="${at.toFixed(1)}" y="${i % 2 ? 19 : 9}" font-size="8" text-anchor="${first ? 'start' : last ? 'end' : 'middle'}" fill="#343a40">${esc(band.name)}</text>`);
  });
  model.hypotheses.forEach((hyp, i) => {
    const y = top + i * rowH;
    const p = hyp.posterior ?? 0;
    const name = hyp.name.length > 36 ? `${hyp.name.slice(0, 35)}…` : hyp.name;
    parts.push(`<text x="${left - 5}" y="${y + 10}" font-size="9" text-anchor="end" fill="#212529">${esc(name)}</text>`);
    parts.push(`<rect x="${x(0)}" y="${y + 2}" width="${Math.max(1, x(p) - x(0)).toFixed(1)}" height="${rowH - 5}" fill="${leaders.has(hyp.id) ? '#1f5fbf' : '#8da9d4'}"/>`);
    parts.push(`<text x="${Math.min(x(p) + 3, W - right - 34).toFixed(1)}" y="${y + 10}" font-size="8.5" fill="#212529">${percent(hyp.posterior)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="posteriors" viewBox="0 0 ${W} ${H}" role="img" aria-label="Posterior of each hypothesis on the ICD 203 bands">${parts.join('')}</svg>`;
}

/**
 * The posteriors over time: one step per instant the assessment changed (evidence became known, a
 * rating was given), evenly spaced so a case whose ratings came months after its events stays
 * readable; the steps are dated below the axis (day, and time when the whole history fits in a
 * day and a half).
 */
export function historySvg(model: BriefModel): string | null {
  const points = model.history.filter((p) => !Number.isNaN(Date.parse(p.asOf)));
  if (points.length < 2) return null;
  const W = 700, H = 130, left = 34, right = 10, top = 6, bottom = 18;
  const x = (i: number) => left + (i / (points.length - 1)) * (W - left - right);
  const y = (p: number) => top + (1 - p) * (H - top - bottom);
  const parts: string[] = [];
  for (const p of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${y(p).toFixed(1)}" y2="${y(p).toFixed(1)}" stroke="#dee2e6"/>`);
    parts.push(`<text x="${left - 4}" y="${(y(p) + 3).toFixed(1)}" font-size="8" text-anchor="end" fill="#495057">${p * 100}%</text>`);
  }
  const t0 = Date.parse(points[0]!.asOf), t1 = Date.parse(points[points.length - 1]!.asOf);
  const short = t1 - t0 <= 36 * 3_600_000;
  const when = (iso: string) => (short ? iso.slice(0, 16).replace('T', ' ') : iso.slice(0, 10));
  // Dated ticks: every step when they fit, else as many as fit, always the first and the last.
  const room = Math.max(2, Math.floor((W - left - right) / (short ? 80 : 62)));
  const every = Math.ceil((points.length - 1) / (room - 1));
  let lastLabel = '';
  points.forEach((p, i) => {
    parts.push(`<line x1="${x(i).toFixed(1)}" x2="${x(i).toFixed(1)}" y1="${H - bottom}" y2="${H - bottom + 3}" stroke="#adb5bd"/>`);
    const label = when(p.asOf);
    const isEnd = i === 0 || i === points.length - 1;
    if ((isEnd || (i % every === 0 && points.length - 1 - i >= every / 2)) && (label !== lastLabel || i === points.length - 1)) {
      const anchor = i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle';
      parts.push(`<text x="${x(i).toFixed(1)}" y="${H - 4}" font-size="8" text-anchor="${anchor}" fill="#495057">${esc(label)}</text>`);
      lastLabel = label;
    }
  });
  model.hypotheses.forEach((hyp, n) => {
    const coords = points.flatMap((p, i) => {
      const v = p.posteriors[hyp.id];
      return typeof v === 'number' ? [`${x(i).toFixed(1)},${y(v).toFixed(1)}`] : [];
    });
    const colour = LINE_COLOURS[n % LINE_COLOURS.length];
    if (coords.length > 1) parts.push(`<polyline fill="none" stroke-width="1.8" stroke="${colour}" points="${coords.join(' ')}"/>`);
    for (const c of coords) parts.push(`<circle cx="${c.split(',')[0]}" cy="${c.split(',')[1]}" r="1.8" fill="${colour}"/>`);
  });
  const legend = model.hypotheses.map((hyp, i) => `<li><span class="swatch" style="border-color:${LINE_COLOURS[i % LINE_COLOURS.length]}"></span>${esc(hyp.name)}</li>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" class="history" viewBox="0 0 ${W} ${H}" role="img" aria-label="Posteriors over time, one step per new evidence item or rating">${parts.join('')}</svg>`
    + `<ul class="legend">${legend}<li class="meta">one step per new evidence item or rating, dated</li></ul>`;
}

function matrixHtml(model: BriefModel): string {
  const hyps = model.hypotheses;
  const head = `<tr><th>Evidence</th><th title="Admiralty grade: source reliability A–F, information credibility 1–6">Grade</th><th title="Effective weight the engine counts">Wt</th>${hyps.map((x) => `<th>${esc(x.name)}</th>`).join('')}</tr>`;
  const rows = model.evidence.map((e) => {
    const cells = hyps.map((x) => {
      const c = e.cells[x.id];
      if (!c || c.raters === 0) return '<td class="blank">blank</td>';
      const split = c.unanimous ? '' : ` <span class="split">(${c.analysts.map((a) => esc(a.rating)).join('·')})</span>`;
      return `<td class="r-${esc(c.rating)}">${esc(c.rating)}${split}</td>`;
    }).join('');
    const name = `${esc(e.name)}${e.discredited ? ' <em>(discredited)</em>' : ''}`;
    return `<tr><th>${name}</th><td>${e.grade ? esc(e.grade) : '<em>ungraded</em>'}</td><td>${e.effectiveWeight.toFixed(2)}</td>${cells}</tr>`;
  }).join('');
  const foot = `<tr><th colspan="3">Prior</th>${hyps.map((x) => `<td>${x.prior === null ? 'equal share' : percent(x.prior)}</td>`).join('')}</tr>`
    + `<tr><th colspan="3">Posterior</th>${hyps.map((x) => `<td><strong>${percent(x.posterior)}</strong></td>`).join('')}</tr>`
    + `<tr><th colspan="3">ICD 203</th>${hyps.map((x) => `<td>${esc(x.label ?? '—')}</td>`).join('')}</tr>`;
  return `<table class="matrix"><thead>${head}</thead><tbody>${rows}</tbody><tfoot>${foot}</tfoot></table>`;
}

function sourcesHtml(model: BriefModel): string {
  return model.evidence.map((e) => {
    const sources = e.sources.length
      ? e.sources.map((s) => `${link(s.url, s.name)}${s.archiveUrl ? ` (${link(s.archiveUrl, 'archived copy')})` : ''}`).join('; ')
      : 'no source (analyst judgement or context)';
    return `<li><strong>${esc(e.name)}</strong> — ${esc(e.kind.toLowerCase())}${e.knownAt ? `, known ${esc(e.knownAt.slice(0, 10))}` : ''}: ${sources}</li>`;
  }).join('');
}

export function briefHtml(model: BriefModel): string {
  const tlp = model.tlp;
  const banner = (where: 'top' | 'bottom') => `<div class="tlp ${where}">TLP:${esc(tlp)}</div>`;
  const history = historySvg(model);
  const later = model.laterEvidence > 0 ? `; ${model.laterEvidence} later evidence item${model.laterEvidence === 1 ? '' : 's'} not counted` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Brief — ${esc(model.incidentName)} — TLP:${esc(tlp)}</title>
<style>
@page { size: A4; margin: 14mm 11mm; }
body { font: 9.5pt/1.3 "DejaVu Sans", system-ui, sans-serif; color: #212529; margin: 0 auto; max-width: 190mm; }
.tlp { position: fixed; left: 0; right: 0; text-align: center; background: #000; color: ${TLP_TEXT_COLOURS[tlp]}; font-weight: 700; padding: 1px 0; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.tlp.top { top: 0; } .tlp.bottom { bottom: 0; }
/* The frame's header and footer repeat on every printed page and keep content clear of the fixed banners. */
table.frame { border-collapse: collapse; width: 100%; } table.frame > * > tr > td { padding: 0; }
.tlp-space { height: 8mm; }
h1 { font-size: 14pt; margin: 4px 0 1px; } h2 { font-size: 10.5pt; margin: 8px 0 2px; }
.meta { color: #495057; font-size: 8.5pt; margin: 2px 0; }
.judgement { font-size: 11pt; border-left: 4px solid #0b5ed7; padding: 3px 8px; background: #f1f6fe; margin: 3px 0; }
table.matrix { border-collapse: collapse; font-size: 8pt; width: 100%; }
.matrix th, .matrix td { border: 1px solid #ced4da; padding: 1px 3px; text-align: left; vertical-align: top; }
.matrix td.blank { color: #6c757d; font-style: italic; }
.split { font-size: 7pt; }
.r-CC { background: #1a7f37; color: #fff; } .r-C { background: #a6dba9; } .r-I { background: #f5b5b5; } .r-II { background: #c1121f; color: #fff; }
.r-CC, .r-C, .r-I, .r-II { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
ul { padding-left: 1.2em; margin: 2px 0; } li { margin-bottom: 1px; }
ul.sources { font-size: 8.5pt; }
svg { display: block; width: 100%; height: auto; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 10px; padding: 0; font-size: 8pt; }
.swatch { display: inline-block; width: 18px; border-top: 3px solid; margin-right: 4px; vertical-align: middle; }
a { color: #0a58ca; }
</style></head><body>
${banner('top')}
${banner('bottom')}
<table class="frame"><thead><tr><td><div class="tlp-space"></div></td></tr></thead><tfoot><tr><td><div class="tlp-space"></div></td></tr></tfoot><tbody><tr><td>
<h1>${esc(model.incidentName)}</h1>
<p class="meta">Attribution brief${model.asOf ? `, as of ${esc(model.asOf)}` : ''} — generated ${esc(model.generatedAt.slice(0, 16).replace('T', ' '))} UTC for ${esc(model.generatedBy)} — ${model.hypotheses.length} hypotheses, ${model.evidence.length} evidence items${later}</p>
<h2>Key judgement</h2>
<p class="judgement">${judgementHtml(model)}</p>
<p class="meta">Analytic confidence: <strong>${esc(model.confidence.level)}</strong>${model.confidence.reasons.length ? ` — ${esc(model.confidence.reasons.join('; '))}` : ''}. Likelihood words: ICD 203; the posterior is the likelihood given the rated evidence, the confidence is how far that evidence can be trusted.</p>
${model.changers.length
    ? `<p>What would change the lead: ${model.changers.map(esc).join('; ')}.</p>`
    : `<p>No single evidence item, removed or restored, ${model.lead.status === 'CLEAR' ? 'changes the lead' : 'gives a clear leader'}.</p>`}
${posteriorBarsSvg(model)}
<h2>Hypotheses and evidence (consensus of the analysts’ ratings)</h2>
${matrixHtml(model)}
<h2>Sources</h2>
<ul class="sources">${sourcesHtml(model)}</ul>
${history ? `<h2>Posteriors over time</h2>${history}` : ''}
</td></tr></tbody></table>
</body></html>`;
}
