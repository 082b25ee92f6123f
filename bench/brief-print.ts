/**
 * Brief printing benchmark (not a test): prints the brief of a reference-sized case to PDF N times
 * in a row, as consecutive Brief requests to one server would, and prints each print's wall time
 * (the first launches the browser, the next ones reuse it). No database: the model is made up
 * here, the HTML is brief-html.ts's, the PDF Chromium's (brief-pdf.ts).
 *
 *   npm run bench:brief [-- --runs 5]
 *
 * Run it alone (`flock /tmp/ag-bench.lock`): other work on the machine makes the figures noisy.
 */
import { performance } from 'node:perf_hooks';
import { briefHtml, type BriefModel } from '../api/src/services/brief-html';
import { createPdfPrinter, DEFAULT_CHROMIUM_PATH } from '../api/src/services/brief-pdf';

const args = process.argv.slice(2);
const i = args.indexOf('--runs');
const RUNS = i >= 0 && args[i + 1] ? Number(args[i + 1]) : 5;
const CHROMIUM = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;

function model(): BriefModel {
  const ids = ['h1', 'h2', 'h3', 'h4'];
  const ratings = ['C', 'I', 'N', 'CC'] as const;
  return {
    incidentId: 'incident--1', incidentName: 'Bench case', tlp: 'AMBER', asOf: null, generatedAt: '2026-01-01T00:00:00Z', generatedBy: 'bench',
    hypotheses: ids.map((id, k) => ({ id, name: `Hypothesis ${k + 1}`, status: 'OPEN', prior: null, posterior: [0.5, 0.3, 0.15, 0.05][k]!, label: 'unlikely' })),
    lead: { status: 'CLEAR', tied: ['h1'], restsOn: [] },
    confidence: { level: 'moderate', reasons: ['two analysts rated'] },
    changers: [],
    evidence: Array.from({ length: 15 }, (_, e) => ({
      id: `e${e}`, name: `Evidence item ${e + 1}`, kind: 'fact', knownAt: `2025-12-${String(10 + (e % 10)).padStart(2, '0')}T09:00:00Z`, grade: 'B2', discredited: false, effectiveWeight: 1,
      cells: Object.fromEntries(ids.map((h, k) => [h, { rating: ratings[(e + k) % 4]!, raters: 2, unanimous: true, analysts: [] }])),
      sources: [{ name: 'Report', url: `https://example.org/${e}`, archiveUrl: null, description: null }],
    })),
    laterEvidence: 0,
    history: Array.from({ length: 10 }, (_, d) => ({ asOf: `2025-12-${String(10 + d).padStart(2, '0')}T09:00:00Z`, posteriors: { h1: 0.3 + d * 0.02, h2: 0.3, h3: 0.25 - d * 0.01, h4: 0.15 - d * 0.01 } })),
  };
}

const html = briefHtml(model());
// As the app has it: one printer, its browser kept between prints (the first print launches it).
const printer = createPdfPrinter({ chromiumPath: CHROMIUM });
const times: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const pdf = await printer.print(html);
  times.push(performance.now() - started);
  if (pdf.pages < 1) throw new Error('no page printed');
}
await printer.close();
console.log(`prints (ms): ${times.map((t) => t.toFixed(0)).join(', ')}; total ${times.reduce((a, b) => a + b, 0).toFixed(0)} ms`);
