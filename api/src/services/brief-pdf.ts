/**
 * Prints the brief's HTML to PDF with a headless Chromium driven by playwright-core (the same
 * Debian Chromium the browser tests use; never downloaded). The page runs no script and may load
 * nothing: JavaScript is off and every request is aborted, so the HTML is laid out from itself
 * alone. Each print gets a fresh browser context (an incognito profile: no cookie, cache or
 * storage of an earlier brief, of whichever viewer), closed after it.
 *
 * The browser process itself is kept between prints (launching it is most of a print's second)
 * and closed once no print has come for `idleMs`, on `close()` (app shutdown, end of a CLI
 * command), and after a failed print; a browser that crashed or disconnected is launched anew by
 * the next print. One print at a time; a print that takes longer than PRINT_TIMEOUT_MS is
 * abandoned.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { UnavailableError } from '../errors';

/** Where Debian's `chromium` package puts the browser; CHROMIUM_PATH (config.ts) names another. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
export const PRINT_TIMEOUT_MS = 30_000;

/** Prints waiting behind the running one before new requests are refused (each print is ~0.3-1 s of CPU). */
export const MAX_WAITING_PRINTS = 4;

/** How long the browser (~200 MB) is kept after the last print. */
export const BROWSER_IDLE_MS = 60_000;

export interface PrintedPdf {
  bytes: Buffer;
  /** Pages of the PDF. */
  pages: number;
}

export interface PrinterStats {
  /** Browsers launched so far. */
  launches: number;
  /** Whether a browser is kept now (connected). */
  browserOpen: boolean;
  /** Browser contexts open now (one while a print runs, none between prints). */
  contexts: number;
}

export interface PdfPrinter {
  /** UnavailableError without Chromium, or with MAX_WAITING_PRINTS prints already waiting. */
  print(html: string): Promise<PrintedPdf>;
  /** Closes the kept browser now (a running print fails); a later print launches another. */
  close(): Promise<void>;
  stats(): PrinterStats;
}

/** Pages of a PDF as Chromium (Skia) writes it: one `/Type /Page` dictionary per page. */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

export function createPdfPrinter(options: { chromiumPath: string; idleMs?: number }): PdfPrinter {
  const { chromiumPath } = options;
  const idleMs = options.idleMs ?? BROWSER_IDLE_MS;
  // Every print and every idle close runs on this chain, so a close never races a print.
  let queue: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let browser: Browser | null = null;
  let launches = 0;
  let idleTimer: NodeJS.Timeout | null = null;

  function enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  }

  /** One print after the other; beyond MAX_WAITING_PRINTS waiting, refused at once. */
  function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    if (pending > MAX_WAITING_PRINTS) throw new UnavailableError('The server is printing other briefs; try again in a few seconds (or ask for HTML)');
    pending++;
    return enqueue(work).finally(() => {
      pending--;
    });
  }

  async function closeBrowser(): Promise<void> {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    const closing = browser;
    browser = null;
    await closing?.close().catch(() => {});
  }

  async function openBrowser(): Promise<Browser> {
    if (browser?.isConnected()) return browser;
    await closeBrowser();
    // Loaded on the first print only: the app and the CLI start without it (~130 ms of CPU).
    const { chromium } = await import('playwright-core');
    const launched = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      timeout: PRINT_TIMEOUT_MS,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    launches++;
    launched.on('disconnected', () => {
      if (browser === launched) browser = null;
    });
    browser = launched;
    return launched;
  }

  async function printOnce(html: string): Promise<PrintedPdf> {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    let failed = true;
    try {
      const context = await (await openBrowser()).newContext({ javaScriptEnabled: false, offline: true });
      try {
        await context.route('**/*', (route) => route.abort());
        const page = await context.newPage();
        page.setDefaultTimeout(PRINT_TIMEOUT_MS);
        await page.setContent(html, { waitUntil: 'load' });
        const bytes = await page.pdf({ preferCSSPageSize: true, printBackground: true });
        failed = false;
        return { bytes, pages: pdfPageCount(bytes) };
      } finally {
        await context.close().catch(() => {});
      }
    } finally {
      // After a failure the next print starts from a new browser, whatever state this one is in.
      if (failed) await closeBrowser();
      else {
        idleTimer = setTimeout(() => void enqueue(closeBrowser), idleMs);
        // The kept browser does not keep the process alive on its own account.
        idleTimer.unref();
      }
    }
  }

  return {
    print(html) {
      if (!existsSync(chromiumPath)) {
        throw new UnavailableError(
          `The PDF brief needs Chromium at ${chromiumPath} (Debian package "chromium", or CHROMIUM_PATH); the HTML brief works without it`,
        );
      }
      return oneAtATime(() => printOnce(html));
    },
    close: closeBrowser,
    stats: () => ({ launches, browserOpen: browser?.isConnected() ?? false, contexts: browser?.contexts().length ?? 0 }),
  };
}
