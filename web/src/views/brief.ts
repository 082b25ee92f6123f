/**
 * The one-page brief for decision-makers, built in the browser from what the Hypotheses view
 * shows: a TLP banner at the top and bottom of every printed page, the key judgement in ICD 203
 * words (a tie said as a tie), the posteriors, the matrix as the consensus counts it, the evidence
 * with its sources and archived copies, and the posteriors over time. A self-contained HTML file
 * (no script), printed to PDF by the browser (Ctrl+P). Every value is escaped.
 */
import type { HypothesesData } from './hypotheses-view';
import { bandOf, leadOf, tieWords } from './summary';
import { TLP_TEXT_COLOURS, highestTlp } from '../graph/export-marking';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function pct(p: number | null): string {
  return p === null ? '—' : `${(p * 100).toFixed(1)} %`;
}

function link(url: string | null, text: string): string {
  if (!url || !/^https?:\/\//.test(url)) return esc(text);
  return `<a href="${esc(url)}">${esc(text)}</a>`;
}

export interface BriefInput {
  data: HypothesesData;
  /** TLP of the incident (the brief is marked at least that). */
  incidentTlp: string | null;
  /** The posteriors-over-time chart and its legend as markup serialised from the view (DOM-built, so escaped), if any. */
  historySvg: string | null;
  generatedAt: Date;
}

export function briefHtml({ data, incidentTlp, historySvg, generatedAt }: BriefInput): string {
  const tlp = highestTlp([incidentTlp ?? 'CLEAR']);
  const lead = leadOf(data.hypotheses, data.lead);
  const judgement = lead.kind === 'none'
    ? 'No hypothesis has a posterior yet.'
    : lead.kind === 'tie'
      ? `No hypothesis leads: ${tieWords(lead, (x) => `“${esc(x.name)}” (${pct(x.posterior)})`)}`
      : `We assess it is <strong>${esc(lead.leader.label ?? bandOf(lead.leader.posterior!))}</strong> (${pct(lead.leader.posterior)}) that “${esc(lead.leader.name)}”.`
        + (lead.next ? ` Next: “${esc(lead.next.name)}” (${pct(lead.next.posterior)}).` : '');
  const changers = (data.sensitivity ?? []).map((s) => esc(s.text)).slice(0, 3);
  const hyps = data.hypotheses;
  const matrix = `<table class="matrix"><thead><tr><th>Evidence</th><th>Grade</th>${hyps.map((x) => `<th>${esc(x.name)}</th>`).join('')}</tr></thead><tbody>${
    data.evidence.map((e) => `<tr><th>${esc(e.name)}</th><td>${e.reliability || e.credibility ? esc(`${e.reliability ?? '?'}${e.credibility ?? '?'}`) : 'ungraded'}</td>${
      hyps.map((x) => {
        const c = e.consensus[x.id];
        if (!c || c.raters === 0) return '<td class="blank">blank</td>';
        return `<td class="r-${c.rating}">${c.rating}${c.unanimous ? '' : ` (${c.analysts.map((a) => a.rating).join('·')})`}</td>`;
      }).join('')}</tr>`).join('')
  }</tbody><tfoot><tr><th colspan="2">Posterior</th>${hyps.map((x) => `<td>${pct(x.posterior)}</td>`).join('')}</tr>`
    + `<tr><th colspan="2">ICD 203</th>${hyps.map((x) => `<td>${esc(x.label ?? '—')}</td>`).join('')}</tr></tfoot></table>`;
  const sources = data.evidence.map((e) => `<li><strong>${esc(e.name)}</strong> — ${esc(e.kind.toLowerCase())}${e.knownAt ? `, known ${esc(e.knownAt.slice(0, 10))}` : ''}${
    e.sources.length ? `: ${e.sources.map((s) => `${link(s.url, s.name)}${s.archiveUrl ? ` (${link(s.archiveUrl, 'archived copy')})` : ''}`).join('; ')}` : ': no source (analyst judgement or context)'}</li>`).join('');
  const banner = `<div class="tlp">TLP:${esc(tlp)}</div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Brief — ${esc(data.incidentName)} — TLP:${esc(tlp)}</title>
<style>
@page { size: A4; margin: 16mm 12mm; }
body { font: 10.5pt/1.35 system-ui, sans-serif; color: #212529; margin: 0 auto; max-width: 190mm; padding: 10mm 0; }
.tlp { position: fixed; left: 0; right: 0; text-align: center; background: #000; color: ${TLP_TEXT_COLOURS[tlp]}; font-weight: 700; padding: 2px 0; }
.tlp.top { top: 0; } .tlp.bottom { bottom: 0; }
h1 { font-size: 15pt; margin: 6px 0 2px; } h2 { font-size: 11pt; margin: 10px 0 3px; }
.meta { color: #495057; font-size: 9pt; }
.judgement { font-size: 12pt; border-left: 4px solid #0b5ed7; padding: 4px 8px; background: #f1f6fe; }
table.matrix { border-collapse: collapse; font-size: 8.5pt; width: 100%; }
.matrix th, .matrix td { border: 1px solid #ced4da; padding: 2px 4px; text-align: left; vertical-align: top; }
.matrix td.blank { color: #6c757d; font-style: italic; }
.r-CC { background: #1a7f37; color: #fff; } .r-C { background: #6cc070; } .r-I { background: #f08c8c; } .r-II { background: #c1121f; color: #fff; }
ul { padding-left: 1.2em; margin: 3px 0; } li { margin-bottom: 2px; }
svg { max-width: 100%; height: auto; }
.legend-list { list-style: none; display: flex; flex-wrap: wrap; gap: 10px; padding: 0; font-size: 9pt; }
.legend-list li { display: flex; align-items: center; gap: 4px; }
.edge-line { display: inline-block; width: 22px; border-top: 3px solid; }
a { color: #0a58ca; }
</style></head><body>
${banner.replace('class="tlp"', 'class="tlp top"')}
<h1>${esc(data.incidentName)}</h1>
<p class="meta">Attribution brief${data.asOf ? `, as of ${esc(data.asOf)}` : ''} — generated ${esc(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC — ${hyps.length} hypotheses, ${data.evidence.length} evidence items</p>
<h2>Key judgement</h2>
<p class="judgement">${judgement}</p>
${changers.length ? `<p>What would change it: ${changers.join('; ')}.</p>` : ''}
<p class="meta">Likelihood words: ICD 203. The posterior is the likelihood given the rated evidence, not the analytic confidence.</p>
<h2>Hypotheses and evidence (consensus of the analysts’ ratings)</h2>
${matrix}
<h2>Sources</h2>
<ul>${sources}</ul>
${historySvg ? `<h2>Posteriors over time</h2>${historySvg}` : ''}
${banner.replace('class="tlp"', 'class="tlp bottom"')}
</body></html>`;
}
