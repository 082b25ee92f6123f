/**
 * Debian's Chromium through playwright-core: headless, no sandbox (containers), background
 * networking off, a fresh profile per run. Never downloads a browser.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(
  options: { viewport?: { width: number; height: number }; extraArgs?: string[]; /** Keep the GPU process (benchmarks of the WebGL renderer). */ gpu?: boolean } = {},
): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'ag-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    args: [
      '--no-sandbox', ...(options.gpu ? [] : ['--disable-gpu']), '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...(options.extraArgs ?? []),
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // AG_E2E_CPU_THROTTLE=4 runs the page four times slower (Chrome DevTools' CPU throttling): how a
  // loaded CI machine is reproduced here when hunting a test that only fails there;
  // AG_E2E_LATENCY=300 adds 300 ms to each request (a server slowed by other work).
  const throttle = Number(process.env.AG_E2E_CPU_THROTTLE ?? 1);
  const latency = Number(process.env.AG_E2E_LATENCY ?? 0);
  if (throttle > 1 || latency > 0) {
    const cdp = await context.newCDPSession(page);
    if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    if (latency > 0) await cdp.send('Network.emulateNetworkConditions', { offline: false, latency, downloadThroughput: -1, uploadThroughput: -1 });
  }
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  return {
    context,
    page,
    consoleErrors,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
