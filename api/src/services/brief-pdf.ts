/**
 * Prints the brief's HTML to PDF with a headless Chromium driven by playwright-core (the same
 * Debian Chromium the browser tests use; never downloaded). The page runs no script and may load
 * nothing: JavaScript is off and every request is aborted, so the HTML is laid out from itself
 * alone. One Chromium at a time, started for the print and closed after it (~1 s); a print that
 * takes longer than PRINT_TIMEOUT_MS is abandoned.
 */
import { existsSync } from 'node:fs';
import { UnavailableError } from '../errors';

/** Where Debian's `chromium` package puts the browser; CHROMIUM_PATH (config.ts) names another. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
export const PRINT_TIMEOUT_MS = 30_000;

/** Prints waiting behind the running one before new requests are refused (each print is ~1 s of CPU). */
export const MAX_WAITING_PRINTS = 4;

let queue: Promise<unknown> = Promise.resolve();
let pending = 0;

/** One print after the other (each Chromium takes ~200 MB); beyond MAX_WAITING_PRINTS waiting, refused at once. */
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  if (pending > MAX_WAITING_PRINTS) throw new UnavailableError('The server is printing other briefs; try again in a few seconds (or ask for HTML)');
  pending++;
  const run = queue.then(work, work).finally(() => {
    pending--;
  });
  queue = run.catch(() => undefined);
  return run;
}

export interface PrintedPdf {
  bytes: Buffer;
  /** Pages of the PDF. */
  pages: number;
}

/** Pages of a PDF as Chromium (Skia) writes it: one `/Type /Page` dictionary per page. */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

export function printPdf(html: string, chromiumPath: string): Promise<PrintedPdf> {
  if (!existsSync(chromiumPath)) {
    throw new UnavailableError(
      `The PDF brief needs Chromium at ${chromiumPath} (Debian package "chromium", or CHROMIUM_PATH); the HTML brief works without it`,
    );
  }
  return oneAtATime(async () => {
    // Loaded on the first print only: the app and the CLI start without it (~130 ms of CPU).
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      timeout: PRINT_TIMEOUT_MS,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      page.setDefaultTimeout(PRINT_TIMEOUT_MS);
      await page.setContent(html, { waitUntil: 'load' });
      const bytes = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      return { bytes, pages: pdfPageCount(bytes) };
    } finally {
      await browser.close().catch(() => {});
    }
  });
}
