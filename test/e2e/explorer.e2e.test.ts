/**
 * The web explorer in Debian's Chromium against the real app and Neo4j: sign in, import a bundle
 * by drag-and-drop, explore, and export — each step asserted on the page, screenshots saved in
 * test-artifacts/screenshots/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './support/browser';
import { SCREENSHOTS, startTestApp, type TestApp } from './support/app';

const OASIS = '/work/shared/corpus/oasis-examples';
const BUNDLE_FILE = 'indicator-to-campaign-relationship.json';

let app: TestApp;
let browser: TestBrowser;
let page: Page;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** A synthetic drop of one file on the page, as a user dragging it from the desktop would. */
async function dropFile(fileName: string, text: string, mime: string): Promise<void> {
  await page.evaluate(({ fileName, text, mime }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], fileName, { type: mime }));
    const target = document.querySelector('#canvas') ?? document.body;
    target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, { fileName, text, mime });
}

describe('web explorer in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startTestApp();
    browser = await launchBrowser();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('refuses a wrong token and signs in with a good one (kept in sessionStorage)', async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.locator('#token').waitFor();
    await shot('01-sign-in');
    await page.fill('#token', 'ag_wrong');
    await page.click('form.sign-in button[type=submit]');
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toMatch(/refused/i);
    // Chromium logs the deliberate 401 as a failed resource load: that one message, and only it, is expected.
    const refused = browser.consoleErrors.filter((m) => /status of 401/.test(m));
    expect(refused).toHaveLength(1);
    browser.consoleErrors.splice(0, browser.consoleErrors.length, ...browser.consoleErrors.filter((m) => !refused.includes(m)));
    await page.fill('#token', app.token);
    await page.click('form.sign-in button[type=submit]');
    await page.locator('#canvas').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('attribution-graph.token'))).toBe(app.token);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it('opens the reference case on first visit, with TLP on every object', async () => {
    await expect.poll(() => page.inputValue('#incident')).toBe(app.incidentId);
    await expect.poll(async () => Number(/^(\d+) nodes/.exec((await page.textContent('#status')) ?? '')?.[1] ?? 0), { timeout: 30_000 }).toBeGreaterThan(5);
    for (const type of ['incident', 'attribution-hypothesis', 'attribution-evidence']) {
      expect(await page.locator('.legend-list li', { hasText: type }).count(), type).toBeGreaterThan(0);
    }
    expect(page.url()).toContain(`incident=${encodeURIComponent(app.incidentId)}`);
    await shot('02-reference-case');
  });

  it('imports a STIX bundle dropped on the page and reports what it wrote', async () => {
    const text = readFileSync(join(OASIS, BUNDLE_FILE), 'utf8');
    await dropFile(BUNDLE_FILE, text, 'application/json');
    const dialog = page.locator('.import-dialog');
    await dialog.waitFor();
    await expect.poll(() => page.locator('.import-step').textContent(), { timeout: 30_000 }).toBe('Imported.');
    expect(await page.locator('.import-counts').textContent()).toMatch(/created 3 · updated 0 · unchanged 0 · rejected 0/);
    expect(await page.locator('progress').getAttribute('value')).toBe('4');
    await shot('03-import-report');
    await dialog.locator('button', { hasText: 'Close' }).click();
  });

  it('reports the errors of a refused bundle without writing anything', async () => {
    const bad = JSON.stringify({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: [{ type: 'indicator', id: 'indicator--not-a-uuid', spec_version: '2.1' }] });
    await dropFile('bad.json', bad, 'application/json');
    await expect.poll(() => page.locator('.import-step').textContent(), { timeout: 30_000 }).toMatch(/refused/i);
    expect(await page.locator('.import-errors tbody tr').count()).toBeGreaterThan(0);
    await shot('04-import-errors');
    await page.locator('.import-dialog button', { hasText: 'Close' }).click();
  });

  it('finds the imported campaign by search, reads it, and expands it by keyboard', async () => {
    await page.fill('#search-text', 'Operation Omega');
    await page.press('#search-text', 'Enter');
    const result = page.locator('.results button', { hasText: 'Operation Omega' });
    await result.waitFor();
    await result.click();
    await expect.poll(() => page.locator('#detail .detail-title').textContent()).toContain('Operation Omega');
    expect(await page.locator('#detail .tlp-badge').textContent()).toMatch(/^TLP:/);
    const before = Number(/^(\d+) nodes/.exec((await page.textContent('#status')) ?? '')?.[1]);
    await page.focus('#canvas');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#status'), { timeout: 30_000 }).toMatch(/expanded: 1 new node/);
    expect(Number(/^(\d+) nodes/.exec((await page.textContent('#status')) ?? '')?.[1])).toBe(before + 1);
    await shot('05-expanded');
  });

  it('shows the ACH matrix; changing a rating changes the posterior', async () => {
    await page.click('#tab-hypotheses');
    const matrix = page.locator('table.ach-matrix').first();
    await matrix.waitFor({ timeout: 30_000 });
    expect(await matrix.locator('thead th').count()).toBeGreaterThan(4);
    expect(await matrix.locator('tbody tr').count()).toBeGreaterThan(0);
    const posteriors = () => page.locator('td.posterior').allTextContents();
    const before = await posteriors();
    expect(before.every((p) => /%$/.test(p))).toBe(true);
    await shot('06-ach-matrix');
    const select = page.locator('select.rating-select').first();
    const current = await select.inputValue();
    await select.selectOption(current === 'II' ? 'CC' : 'II');
    await expect.poll(posteriors, { timeout: 30_000 }).not.toEqual(before);
    await shot('07-ach-after-rating');
    await page.click('#tab-graph');
  });

  it('replays the graph as of an earlier day with the slider (keyboard), and puts the date in the URL', async () => {
    await page.focus('#as-of');
    await page.keyboard.press('Home');
    await expect.poll(() => page.textContent('#status')).toMatch(/\d+ filtered out/);
    await expect.poll(() => page.url()).toMatch(/asOf=\d{4}-\d{2}-\d{2}/);
    await shot('08-as-of');
    await page.keyboard.press('End');
    await expect.poll(() => page.url()).not.toMatch(/asOf=/);
  });

  it('saves the canvas in the URL and reopens it with the same nodes', async () => {
    const count = async () => /^(\d+) nodes · (\d+) edges/.exec((await page.textContent('#status')) ?? '')?.slice(1, 3).map(Number);
    const before = await count();
    expect(before?.[1]).toBeGreaterThan(0);
    await page.click('#save-view');
    await expect.poll(() => page.url()).toMatch(/canvas=/);
    const url = page.url();
    expect(url).toMatch(/layout=preset/);
    await page.goto('about:blank');
    await page.goto(url);
    await expect.poll(() => page.textContent('#status'), { timeout: 30_000 }).toMatch(/^\d+ nodes .*saved view/);
    // Same objects; the edges are every edge among them (at least those the canvas had).
    const after = await count();
    expect(after?.[0]).toBe(before?.[0]);
    expect(after?.[1]).toBeGreaterThanOrEqual(before![1]!);
    await shot('09-saved-view');
  });

  it('exports the view as PNG', async () => {
    const downloading = page.waitForEvent('download');
    await page.selectOption('#export', 'png');
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('exports the view as SVG, Cytoscape JSON and a STIX bundle', async () => {
    const save = async (format: string) => {
      const downloading = page.waitForEvent('download');
      await page.selectOption('#export', format);
      const download = await downloading;
      return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
    };
    const svg = await save('svg');
    expect(svg.name).toMatch(/\.svg$/);
    expect(svg.text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.text).toContain('Operation Omega');
    const json = await save('json');
    expect((JSON.parse(json.text) as { elements: { nodes: unknown[] } }).elements.nodes.length).toBeGreaterThan(5);
    const stix = await save('stix');
    const bundle = JSON.parse(stix.text) as { type: string; objects: { id: string }[] };
    expect(bundle.type).toBe('bundle');
    expect(bundle.objects.map((o) => o.id)).toContain('campaign--b549a58c-afd9-4847-85c3-5be13d56d3cc');
    await shot('10-after-exports');
  });

  it('logged no console errors', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
