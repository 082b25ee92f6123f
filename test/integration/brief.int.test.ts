/**
 * The incident brief (GraphQL `incidentBrief`, CLI `attribution-graph brief`): the document a
 * decision-maker gets. Read back as a person would: the HTML's words, and the PDF's pages rendered
 * by pdf.js (text per page, page size, pixels of the banners).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIds } from '../../importers/factsheet/index';
import { REFERENCE_CASE_FILE } from '../../api/src/services/seed.service';
import { createLogger } from '../../api/src/logger';
import { createServices } from '../../api/src/services';
import { createPdfPrinter, DEFAULT_CHROMIUM_PATH, MAX_WAITING_PRINTS, type PdfPrinter } from '../../api/src/services/brief-pdf';
import { SYSTEM_VIEWER, makeViewer } from '../../api/src/services/viewer';
import type { Graph } from '../../api/src/graph/driver';
import { LOAD_CASE } from '../../api/src/graph/case.queries';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph, testNeo4j } from '../support/graph';
import { expectBannersOnEveryPage, readPdf, type PdfPage } from '../support/pdf';

const IDS = caseIds('fr-interior-mail-intrusion-2025-12');
const INCIDENT = IDS.incident;
const CHROMIUM = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && process.env.CI === 'true') throw new Error(`Chromium missing at ${CHROMIUM}: npm test's prerequisites install it`);
const pdfIt = HAVE_CHROMIUM ? it : it.skip;
if (!HAVE_CHROMIUM) console.warn(`brief.int: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH): the PDF tests are skipped`);

const BRIEF = `query Brief($id: ID!, $format: BriefFormat, $asOf: DateTime) {
  incidentBrief(incidentId: $id, format: $format, asOf: $asOf) { fileName mediaType tlp pages encoding content }
}`;

let graph: Graph;
let api: TestApi;
let clearReader: string;
let amberReader: string;

async function brief(token: string, format: 'HTML' | 'PDF', id = INCIDENT, asOf?: string) {
  const r = await api.gql(token, BRIEF, { id, format, asOf: asOf ?? null });
  return r;
}

async function pdfPages(token: string, id = INCIDENT): Promise<{ pages: PdfPage[]; reported: number; tlp: string }> {
  const r = await brief(token, 'PDF', id);
  expect(r.errors).toBeUndefined();
  const b = r.data!.incidentBrief;
  expect(b).toMatchObject({ mediaType: 'application/pdf', encoding: 'base64' });
  const bytes = Buffer.from(b.content, 'base64');
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  return { pages: await readPdf(bytes), reported: b.pages, tlp: b.tlp };
}

beforeAll(async () => {
  graph = connectTestGraph();
  api = await freshTestApi(graph);
  await api.services.seed.loadReferenceCase();
  clearReader = await api.token('reader', 'CLEAR', 'reader-clear');
  amberReader = await api.token('reader', 'AMBER', 'reader-amber');
  // An AMBER evidence item: the brief of an AMBER reader is AMBER, a CLEAR reader's does not show it.
  const analyst = makeViewer('t-analyst', 'analyst-amber', 'analyst', 'AMBER');
  const amber = await api.services.cases.createEvidence({
    incidentId: INCIDENT, name: 'Partner note on the intrusion set', kind: 'fact', collectedAt: '2025-12-14T09:00:00Z', tlp: 'AMBER',
    reliability: 'B', credibility: 2, sources: [{ name: 'Partner CERT', url: 'https://cert.example/notes/42', archiveUrl: 'https://archive.example/cert-42' }],
  }, analyst);
  await api.services.cases.rateEvidence({ evidenceId: amber.id, hypothesisId: IDS.hypothesis('h-foreign-interference'), rating: 'C', rationale: 'same tooling' }, analyst);
});
afterAll(async () => {
  await api.services.close();
  await graph.close();
});

describe('incident brief, HTML', () => {
  it('says what the engine says: the lead (or the tie), each hypothesis with its posterior, the sources with archived copies, marked CLEAR for a CLEAR reader', async () => {
    const r = await brief(clearReader, 'HTML');
    expect(r.errors).toBeUndefined();
    const b = r.data!.incidentBrief;
    expect(b).toMatchObject({ tlp: 'CLEAR', mediaType: 'text/html; charset=utf-8', encoding: 'utf-8', pages: null });
    expect(b.fileName).toMatch(/^brief-.+\.html$/);
    const html: string = b.content;
    expect(html.match(/class="tlp (top|bottom)">TLP:CLEAR</g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|<link|<img|src=/i);
    const clear = makeViewer('x', 'reader-clear', 'reader', 'CLEAR');
    const { result, case: c } = await api.services.assessment.assess(INCIDENT, { viewer: clear });
    if (result.leadStatus === 'clear') {
      const leader = result.hypotheses.find((x) => x.hypothesisId === result.leader)!;
      expect(html).toContain(`We assess it is <strong>${leader.label}</strong> (${(leader.posterior! * 100).toFixed(1)} %)`);
    } else {
      expect(html).toContain('<strong>No hypothesis leads.</strong>');
      // Already no leader: a run that only turns the top into a tie is not named as a change.
      expect(html).not.toContain('the lead becomes a tie');
      for (const id of result.tiedForLead) expect(html).toContain(`“${result.hypotheses.find((x) => x.hypothesisId === id)!.name.replace(/'/g, '&#39;')}”`);
    }
    for (const x of result.hypotheses) expect(html).toContain(`<th>${x.name.replace(/'/g, '&#39;')}</th>`);
    expect(html).toContain('https://web.archive.org/web/20251213155549/https://www.lemagit.fr/');
    // What the reader may not see is not in their brief.
    expect(html).not.toContain('Partner note on the intrusion set');
    expect(html).toContain(`${c.evidence.length} evidence items`);
  });

  it('is marked with the most restrictive TLP of what it shows: AMBER for an AMBER reader, with the AMBER item', async () => {
    const b = (await brief(amberReader, 'HTML')).data!.incidentBrief;
    expect(b.tlp).toBe('AMBER');
    expect(b.content.match(/class="tlp (top|bottom)">TLP:AMBER</g)).toHaveLength(2);
    expect(b.content).toContain('Partner note on the intrusion set');
    expect(b.content).toContain('<a href="https://archive.example/cert-42">archived copy</a>');
  });

  it('as of an instant: later evidence is left out and said to be', async () => {
    const b = (await brief(amberReader, 'HTML', INCIDENT, '2025-12-13T23:59:59Z')).data!.incidentBrief;
    expect(b.content).not.toContain('Partner note on the intrusion set');
    expect(b.content).toMatch(/1 later evidence item not counted/);
    expect(b.content).toContain(', as of 2025-12-13T23:59:59Z');
  });

  it('answers a hidden incident exactly as an absent one', async () => {
    const sheet = readFileSync(REFERENCE_CASE_FILE, 'utf8').replace(/^slug: .*$/m, 'slug: red-twin-case').replace(/^tlp: CLEAR$/m, 'tlp: RED');
    const { incidentId: red } = await api.services.seed.importFactSheet(sheet, { viewer: SYSTEM_VIEWER });
    const absent = 'incident--6f0f5a8e-6a3e-4f55-9c1e-1f7d0b7c0d11';
    const hidden = await brief(amberReader, 'HTML', red);
    const missing = await brief(amberReader, 'HTML', absent);
    expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(hidden.errors![0]!.message.replace(red, 'ID')).toBe(missing.errors![0]!.message.replace(absent, 'ID'));
    expect((await brief(clearReader, 'HTML', red)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reads the case once per brief, now or as of an instant, and the shared read answers as assess and history do apart', async () => {
    // The real graph, with the name of every query it runs noted.
    const ran: string[] = [];
    const noting: Graph = {
      ...graph,
      read: (work, options) => graph.read((tx) => work({ run: (query, params) => (ran.push(query.name), tx.run(query, params)) }), options),
    };
    const services = createServices({ graph: noting, logger: createLogger('silent') });
    const viewer = makeViewer('x', 'reader-amber', 'reader', 'AMBER');
    for (const asOf of [null, '2025-12-13T23:59:59Z']) {
      ran.length = 0;
      await services.brief.model(INCIDENT, { viewer, asOf });
      expect(ran.filter((name) => name === LOAD_CASE.name)).toHaveLength(1);
      const both = await services.assessment.assessWithHistory(INCIDENT, { viewer, asOf, method: 'BOTH' });
      const apart = await services.assessment.assess(INCIDENT, { viewer, asOf, method: 'BOTH' });
      const history = await services.assessment.history(INCIDENT, { viewer, asOf, method: 'BOTH' });
      expect(both).toEqual({ ...apart, points: history.points });
    }
  });

  it('without a Chromium, the PDF is refused with what is missing and the HTML still works', async () => {
    const services = createServices({ graph, logger: createLogger('silent'), chromiumPath: '/nonexistent/chromium' });
    const viewer = makeViewer('x', 'reader-amber', 'reader', 'AMBER');
    await expect(services.brief.render(INCIDENT, { viewer, format: 'PDF' })).rejects.toThrow(/needs Chromium at \/nonexistent\/chromium .*CHROMIUM_PATH/);
    expect((await services.brief.render(INCIDENT, { viewer, format: 'HTML' })).bytes.toString()).toContain('TLP:AMBER');
  });
});

describe('incident brief, PDF', () => {
  pdfIt('prints the reference case on one A4 page with the TLP banner at its top and bottom', async () => {
    const { pages, reported, tlp } = await pdfPages(amberReader);
    expect(tlp).toBe('AMBER');
    expect(pages).toHaveLength(1);
    expect(reported).toBe(1);
    expectBannersOnEveryPage(pages, 'AMBER');
    const text = pages[0]!.lines.map((l) => l.text).join(' ');
    expect(text).toMatch(/Key judgement/);
    expect(text).toMatch(/Posteriors over time/);
    expect(text).toContain('Partner note on the intrusion set');
  });

  pdfIt('a case that needs several pages has the banners on every page, with no content under them', async () => {
    const analyst = makeViewer('t-analyst', 'analyst-amber', 'analyst', 'AMBER');
    for (let i = 0; i < 45; i++) {
      await api.services.cases.createEvidence({
        incidentId: INCIDENT, name: `Log extract ${i + 1} from the mail gateway`, kind: 'judgement', collectedAt: `2025-12-15T${String(i % 24).padStart(2, '0')}:00:00Z`, tlp: 'AMBER',
      }, analyst);
    }
    const { pages, reported } = await pdfPages(amberReader);
    expect(pages.length).toBeGreaterThan(1);
    expect(reported).toBe(pages.length);
    expectBannersOnEveryPage(pages, 'AMBER');
    const all = pages.flatMap((p) => p.lines.map((l) => l.text)).join(' ');
    for (let i = 1; i <= 45; i++) expect(all).toContain(`Log extract ${i} from the mail gateway`);
  });

  pdfIt('attribution-graph brief writes the same brief to a file, as the AG_TOKEN holder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ag-brief-'));
    const target = testNeo4j();
    const env = { ...process.env, NEO4J_URI: target.uri, NEO4J_USER: target.user, NEO4J_PASSWORD: target.password, NEO4J_DATABASE: target.database, AG_TOKEN: clearReader, LOG_LEVEL: 'silent' };
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'api/src/cli/main.ts', 'brief', ...args], { env, encoding: 'utf8', timeout: 120_000 });
    const pdfFile = join(dir, 'brief.pdf');
    const run = cli(INCIDENT, '-o', pdfFile);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ file: pdfFile, mediaType: 'application/pdf', tlp: 'CLEAR', pages: 1 });
    const pages = await readPdf(readFileSync(pdfFile));
    expectBannersOnEveryPage(pages, 'CLEAR');
    // The CLEAR token holder's brief: the AMBER items are not in it.
    expect(pages.flatMap((p) => p.lines.map((l) => l.text)).join(' ')).not.toMatch(/Partner note|Log extract/);
    const html = cli(INCIDENT, '--format', 'html', '-o', join(dir, 'brief.htm'));
    expect(html.status).toBe(0);
    expect(readFileSync(join(dir, 'brief.htm'), 'utf8')).toContain('TLP:CLEAR');
    const mismatch = cli(INCIDENT, '--format', 'html', '-o', join(dir, 'x.pdf'));
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toMatch(/--format html does not match the file name/);
    const hidden = cli('incident--6f0f5a8e-6a3e-4f55-9c1e-1f7d0b7c0d11');
    expect(hidden.status).toBe(1);
    expect(hidden.stderr).toMatch(/No incident incident--6f0f5a8e-6a3e-4f55-9c1e-1f7d0b7c0d11 that you may see/);
  });
});

describe('PDF printer (brief-pdf.ts)', () => {
  const printed = async (printer: PdfPrinter, html: string) => (await readPdf((await printer.print(html)).bytes)).flatMap((p) => p.lines.map((l) => l.text)).join(' ');
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(done()).toBe(true);
  };

  pdfIt('keeps one browser between prints, opens a fresh context per print that runs no script and loads nothing, and closes the browser when idle', async () => {
    let requests = 0;
    const server = createServer((_, res) => {
      requests++;
      res.end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const printer = createPdfPrinter({ chromiumPath: CHROMIUM, idleMs: 500 });
    try {
      const html = `<html><head><link rel="stylesheet" href="http://127.0.0.1:${port}/s.css"></head><body><p>Static words</p>`
        + `<img src="http://127.0.0.1:${port}/i.png"><script>document.body.textContent = 'Script ran'</script></body></html>`;
      for (let i = 0; i < 3; i++) {
        const text = await printed(printer, html);
        expect(text).toContain('Static words');
        expect(text).not.toContain('Script ran');
        // Nothing of this print is left for the next viewer's: its context is closed.
        expect(printer.stats()).toEqual({ launches: 1, browserOpen: true, contexts: 0 });
      }
      expect(requests).toBe(0);
      await until(() => !printer.stats().browserOpen);
      expect(await printed(printer, html)).toContain('Static words');
      expect(printer.stats()).toMatchObject({ launches: 2, browserOpen: true });
      await printer.close();
      expect(printer.stats().browserOpen).toBe(false);
    } finally {
      await printer.close();
      server.close();
    }
  });

  pdfIt('a browser that crashed is launched anew by the next print', async () => {
    const chromiumChildren = () => execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n').filter((l) => /chrom/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
    const printer = createPdfPrinter({ chromiumPath: CHROMIUM });
    try {
      const before = new Set(chromiumChildren());
      expect(await printed(printer, '<p>Before the crash</p>')).toContain('Before the crash');
      // The browser this printer launched: the Chromium child of this test process that is new.
      const launched = chromiumChildren().filter((pid) => !before.has(pid));
      expect(launched).toHaveLength(1);
      process.kill(launched[0]!, 'SIGKILL');
      await until(() => !printer.stats().browserOpen);
      expect(await printed(printer, '<p>After the crash</p>')).toContain('After the crash');
      expect(printer.stats()).toMatchObject({ launches: 2, browserOpen: true });
    } finally {
      await printer.close();
    }
  });

  pdfIt(`prints one at a time; with ${MAX_WAITING_PRINTS} waiting, the next is refused as UNAVAILABLE`, async () => {
    const printer = createPdfPrinter({ chromiumPath: CHROMIUM });
    try {
      let running = 0;
      let most = 0;
      const tasks = Array.from({ length: MAX_WAITING_PRINTS + 2 }, (_, i) => Promise.resolve().then(() => printer.print(`<p>Print ${i}</p>`)));
      const watch = setInterval(() => {
        running = printer.stats().contexts;
        most = Math.max(most, running);
      }, 5);
      const settled = await Promise.allSettled(tasks);
      clearInterval(watch);
      expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(MAX_WAITING_PRINTS + 1);
      const refused = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(refused.map((r) => (r.reason as { code?: string }).code)).toEqual(['UNAVAILABLE']);
      expect(most).toBe(1);
      expect(printer.stats().launches).toBe(1);
    } finally {
      await printer.close();
    }
  });
});
