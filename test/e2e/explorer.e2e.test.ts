/**
 * The web explorer in Debian's Chromium against the real app and Neo4j: sign in, import a bundle
 * by drag-and-drop, explore (expand, collapse, pin, hide, shortest path), the ACH matrix
 * (consensus and own ratings, a new hypothesis), export, import a fact sheet by drag-and-drop and
 * read an object's version history — each step asserted on the page, screenshots saved in
 * test-artifacts/screenshots/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { caseIds } from '../../importers/factsheet/index';
import { launchBrowser, type TestBrowser } from './support/browser';
import { SCREENSHOTS, startTestApp, type TestApp } from './support/app';

// A small bundle of our own in the shape of the OASIS example "indicator to campaign relationship":
// a campaign, an indicator and the relationship between them.
const BUNDLE_FILE = 'indicator-to-campaign-relationship.json';
const CAMPAIGN_ID = 'campaign--b549a58c-afd9-4847-85c3-5be13d56d3cc';
const BUNDLE_TEXT = JSON.stringify({
  type: 'bundle',
  id: 'bundle--44af6c39-c09b-49c5-9de2-394224b04982',
  objects: [
    { type: 'campaign', spec_version: '2.1', id: CAMPAIGN_ID, created: '2014-09-09T19:58:39.609Z', modified: '2014-09-09T19:58:39.609Z', name: 'Operation Omega' },
    {
      type: 'indicator', spec_version: '2.1', id: 'indicator--c43a0a05-e8d2-4f64-ae37-3f3fb153f8d9', created: '2014-09-09T19:58:39.609Z',
      modified: '2014-09-09T19:58:39.609Z', name: 'test_name', description: 'Test description.', indicator_types: ['malicious-activity'],
      pattern_type: 'stix', pattern: "[ ipv4-addr:value = '10.0.0.0' ]", valid_from: '2014-09-09T19:58:39.609Z',
    },
    {
      type: 'relationship', spec_version: '2.1', id: 'relationship--eca24e47-2259-4850-9705-fd1065c77236', relationship_type: 'indicates',
      created: '2014-09-09T19:58:39.609Z', modified: '2014-09-09T19:58:39.609Z',
      source_ref: 'indicator--c43a0a05-e8d2-4f64-ae37-3f3fb153f8d9', target_ref: CAMPAIGN_ID,
    },
  ],
});
const SEED_TEXT = readFileSync(join(import.meta.dirname, '..', '..', 'seed', 'reference-case.yaml'), 'utf8');
// A second case made from the reference one (new slug and title), and a revision of it.
const SECOND_SLUG = 'e2e-second-case-2026-01';
const SECOND_TITLE = 'Second case imported from the browser';
const SECOND = SEED_TEXT.replace(/^slug: .*$/m, `slug: ${SECOND_SLUG}`)
  .replace(/^title: .*$/m, `title: "${SECOND_TITLE}"`)
  .replace(/^  name: Intrusion on the mail servers.*$/m, `  name: ${SECOND_TITLE}`);
const SECOND_REVISED = SECOND.replace(/^created: (.*)$/m, 'created: $1\nmodified: 2026-01-05T10:00:00Z')
  .replace('no attribution\n    made.', 'no attribution\n    made (revised from the browser).');
const SECOND_INCIDENT = caseIds(SECOND_SLUG).incident;

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

const nodeCount = async () => Number(/^(\d+) nodes/.exec((await page.textContent('#status')) ?? '')?.[1] ?? Number.NaN);

/**
 * Where to click a node of this type, in page coordinates: the centre of one that no other node
 * covers (read from the page's Cytoscape instance, once the viewport stops moving).
 */
async function nodeCentre(stixType: string): Promise<{ x: number; y: number }> {
  await page.waitForFunction(() => {
    const cy = (document.querySelector('#canvas') as HTMLElement & { _cyreg?: { cy?: any } })._cyreg?.cy;
    return cy && !cy.animated();
  });
  const point = await page.evaluate((stixType) => {
    const host = document.querySelector('#canvas') as HTMLElement & { _cyreg?: { cy?: any } };
    const cy = host._cyreg!.cy;
    const visible = cy.nodes().filter((n: any) => n.visible());
    const free = visible.filter((n: any) => n.data('stixType') === stixType && visible.every((m: any) => {
      if (m.same(n)) return true;
      const p = n.renderedPosition();
      const b = m.renderedBoundingBox({ includeLabels: true });
      return p.x < b.x1 - 4 || p.x > b.x2 + 4 || p.y < b.y1 - 4 || p.y > b.y2 + 4;
    }));
    if (free.empty()) return null;
    const p = free.first().renderedPosition();
    const box = host.getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, stixType);
  expect(point, `an uncovered ${stixType} node`).not.toBeNull();
  return point!;
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
    await expect.poll(() => page.inputValue('#incident'), { timeout: 30_000 }).toBe(app.incidentId);
    await expect.poll(async () => Number(/^(\d+) nodes/.exec((await page.textContent('#status')) ?? '')?.[1] ?? 0), { timeout: 30_000 }).toBeGreaterThan(5);
    for (const type of ['incident', 'attribution-hypothesis', 'attribution-evidence']) {
      expect(await page.locator('.legend-list li', { hasText: type }).count(), type).toBeGreaterThan(0);
    }
    expect(page.url()).toContain(`incident=${encodeURIComponent(app.incidentId)}`);
    await shot('02-reference-case');
  });

  it('imports a STIX bundle dropped on the page and reports what it wrote', async () => {
    await dropFile(BUNDLE_FILE, BUNDLE_TEXT, 'application/json');
    const dialog = page.locator('.import-dialog');
    await dialog.waitFor();
    await expect.poll(() => page.locator('.import-step').textContent(), { timeout: 30_000 }).toBe('Imported.');
    expect(await page.locator('.import-counts').textContent()).toMatch(/created 3 · updated 0 · unchanged 0 · rejected 0/);
    expect(await page.locator('progress').getAttribute('value')).toBe('4');
    await shot('03-import-report');
    await dialog.locator('button', { hasText: 'Close' }).click();
  });

  it('checks a STIX bundle (what it would write, nothing written), then imports it on request', async () => {
    const actor = 'intrusion-set--0d6f5a4e-8c1b-4f7e-9a55-3c2b1d0e9f01';
    const checked = JSON.stringify({
      type: 'bundle',
      id: 'bundle--0d6f5a4e-8c1b-4f7e-9a55-3c2b1d0e9f02',
      objects: [{ type: 'intrusion-set', spec_version: '2.1', id: actor, created: '2025-12-12T00:00:00.000Z', modified: '2025-12-12T00:00:00.000Z', name: 'Checked before import' }],
    });
    const stored = async () => {
      const { cypher } = await import('../../api/src/graph/cypher');
      const [row] = await app.graph.read((tx) => tx.run(cypher('e2e-check-count', 'READ', 'MATCH (n:StixObject {id: $id}) RETURN count(n) AS n'), { id: actor }));
      return Number(row!.n);
    };
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#check-import')]);
    await chooser.setFiles({ name: 'checked.json', mimeType: 'application/json', buffer: Buffer.from(checked) });
    await expect.poll(() => page.locator('.import-step').textContent(), { timeout: 30_000 }).toMatch(/^Checked: it would import/);
    expect(await page.locator('.import-counts').textContent()).toBe('STIX bundle (if imported): created 1 · updated 0 · unchanged 0 · rejected 0');
    expect(await stored()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('import-confirm');
    await shot('03b-import-checked');
    await page.click('#import-confirm');
    await expect.poll(() => page.locator('.import-step').textContent(), { timeout: 30_000 }).toBe('Imported.');
    expect(await page.locator('.import-counts').textContent()).toMatch(/created 1 · updated 0 · unchanged 0 · rejected 0/);
    expect(await stored()).toBe(1);
    await page.locator('.import-dialog button', { hasText: 'Close' }).click();
  });

  it('sets an invalid object of a bundle aside (tolerant import) and says why', async () => {
    const bad = JSON.stringify({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: [{ type: 'indicator', id: 'indicator--not-a-uuid', spec_version: '2.1' }] });
    await dropFile('bad.json', bad, 'application/json');
    await expect.poll(() => page.locator('.import-counts').textContent(), { timeout: 30_000 }).toMatch(/quarantined 1/);
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
    expect(await page.locator('#detail .detail-meta .tlp-badge').textContent()).toMatch(/^TLP:/);
    const before = Number(/^(\d+) nodes/.exec((await page.textContent('#status')) ?? '')?.[1]);
    await page.focus('#canvas');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#status'), { timeout: 30_000 }).toMatch(/expanded: 1 new node/);
    expect(Number(/^(\d+) nodes/.exec((await page.textContent('#status')) ?? '')?.[1])).toBe(before + 1);
    await shot('05-expanded');
  });

  it('collapses what the expansion added (c), pins (p) and hides (h) by keyboard', async () => {
    const expanded = await nodeCount();
    await page.focus('#canvas');
    await page.keyboard.press('c');
    await expect.poll(() => page.textContent('#status')).toMatch(/collapsed: 1 node\(s\) removed/);
    expect(await nodeCount()).toBe(expanded - 1);
    await page.keyboard.press('p');
    await expect.poll(() => page.textContent('#status')).toMatch(/pinned: 1 node\(s\)/);
    await expect.poll(() => page.locator('#detail button', { hasText: 'Unpin' }).count()).toBe(1);
    await shot('06-pinned');
    // Pin from the side panel's button too: it toggles back.
    await page.locator('#detail button', { hasText: 'Unpin' }).click();
    await expect.poll(() => page.textContent('#status')).toMatch(/unpinned: 1 node/);
    await page.focus('#canvas');
    await page.keyboard.press('h');
    await expect.poll(() => page.textContent('#status')).toMatch(/hidden: 1 node\(s\)/);
    expect(await page.locator('#detail .detail-title').count()).toBe(0);
    await shot('07-hidden');
    await page.click('button:has-text("Unhide")');
    await expect.poll(() => page.textContent('#status')).toMatch(/all nodes shown/);
  });

  it('finds the shortest path between two selected nodes', async () => {
    await page.focus('#canvas');
    await page.keyboard.press('Escape');
    await page.keyboard.press('f');
    // Keyboard: ] selects a node, Shift+] adds the next one: two selected enable Path.
    await page.keyboard.press(']');
    await expect.poll(() => page.locator('#path').isDisabled()).toBe(true);
    await page.keyboard.press('Shift+BracketRight');
    await expect.poll(() => page.locator('#path').isDisabled()).toBe(false);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#path').isDisabled()).toBe(true);
    // The incident from a search result, then a click on a candidate actor of one of its
    // hypotheses (Shift+click adds to the selection).
    await page.fill('#search-text', 'Intrusion on the mail servers');
    await page.press('#search-text', 'Enter');
    await page.locator('.results button', { hasText: 'incident' }).first().click();
    await expect.poll(() => page.locator('#detail .detail-title').textContent()).toContain('Intrusion on the mail servers');
    const actor = await nodeCentre('threat-actor');
    // Shift+click adds to the selection (a plain click selects that node alone).
    await page.keyboard.down('Shift');
    await page.mouse.click(actor.x, actor.y);
    await page.keyboard.up('Shift');
    const selected = () => page.evaluate(() => (document.querySelector('#canvas') as HTMLElement & { _cyreg?: { cy?: any } })._cyreg?.cy.$('node:selected').map((n: any) => n.data('stixType')));
    await expect.poll(selected).toEqual(expect.arrayContaining(['incident', 'threat-actor']));
    await expect.poll(() => page.locator('#path').isDisabled()).toBe(false);
    await page.click('#path');
    await expect.poll(() => page.textContent('#status'), { timeout: 30_000 }).toMatch(/Shortest path: [1-9]\d* hop\(s\), highlighted/);
    // Both ends are the selection, kept in the URL.
    await expect.poll(() => decodeURIComponent(page.url())).toMatch(/sel=[^&]*incident--[^&]*,|sel=[^&]*,incident--/);
    await shot('08-shortest-path');
    await page.focus('#canvas');
    await page.keyboard.press('Escape');
  });

  it('shows the ACH matrix with the consensus ratings, labelled, read-only', async () => {
    await page.click('#tab-hypotheses');
    const matrix = page.locator('table.ach-matrix').first();
    await matrix.waitFor({ timeout: 30_000 });
    expect(await matrix.locator('thead th').count()).toBeGreaterThan(4);
    expect(await matrix.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#matrix-consensus').getAttribute('aria-pressed')).toBe('true');
    expect(await page.textContent('#matrix-shown')).toMatch(/^Showing the consensus/);
    expect(await matrix.getAttribute('aria-label')).toBe('ACH matrix: consensus ratings');
    // The reference case rates every cell of its three lines of inquiry twice (analyst-a and
    // analyst-b) and leaves the "Another actor" column blank (missing, not N). Each rated cell shows
    // the rating it counts as, then both analysts' own ratings when they differ (never "N ≈" hiding
    // an I), or ×2 when they agree; a blank cell says "blank".
    const cells = await matrix.locator('td.consensus .cell-label').allTextContents();
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((c) => /^((CC|C|N|I|II)( \((CC|C|N|I|II)·(CC|C|N|I|II)\)| ×2)|blank)$/.test(c))).toBe(true);
    expect(cells.some((c) => c.includes('·'))).toBe(true);
    expect(cells.some((c) => c === 'blank')).toBe(true);
    expect(await matrix.locator('select.rating-select').count()).toBe(0);
    expect(await page.locator('td.posterior').allTextContents()).toSatisfy((p: string[]) => p.every((x) => /%$/.test(x)));
    await shot('09-ach-consensus');
  });

  it('switches to my ratings by keyboard; changing one changes the posterior and the consensus', async () => {
    // Still in the consensus view: a cell both reference analysts rated (its consensus label ends with ×2 or names two ratings).
    const rated = await page.evaluate(() => {
      const twice = [...document.querySelectorAll('td.consensus')].find((td) => / ×2$|\(\w+·\w+\)$/.test(td.querySelector('.cell-label')?.textContent ?? ''));
      return twice ? { evidence: twice.getAttribute('data-evidence'), hypothesis: twice.getAttribute('data-hypothesis') } : null;
    });
    await page.focus('#matrix-consensus');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#matrix-mine').getAttribute('aria-pressed')).toBe('true');
    expect(await page.textContent('#matrix-shown')).toMatch(/^Showing your ratings \(e2e-analyst\)/);
    await expect.poll(() => page.url()).toMatch(/matrix=mine/);
    // Nothing rated by this analyst yet: every own cell is blank.
    expect(await page.locator('select.rating-select').evaluateAll((all) => all.every((e) => (e as HTMLSelectElement).value === ''))).toBe(true);
    expect(rated).not.toBeNull();
    const select = page.locator(`select.rating-select[data-evidence="${rated!.evidence}"][data-hypothesis="${rated!.hypothesis}"]`);
    const evidenceId = await select.getAttribute('data-evidence');
    const hypothesisId = await select.getAttribute('data-hypothesis');
    const posteriors = () => page.locator('td.posterior').allTextContents();
    const before = await posteriors();
    await select.selectOption('II');
    await expect.poll(posteriors, { timeout: 30_000 }).not.toEqual(before);
    await expect.poll(() => select.inputValue()).toBe('II');
    await shot('10-ach-my-ratings');
    await page.click('#matrix-consensus');
    await expect.poll(() => page.url()).not.toMatch(/matrix=/);
    const cell = page.locator(`td.consensus[data-evidence="${evidenceId}"][data-hypothesis="${hypothesisId}"]`);
    // A third rater: the cell lists three ratings (or ×3 when all agree).
    await expect.poll(() => cell.locator('.cell-label').textContent()).toMatch(/(×3|\((\w+·){2}\w+\))$/);
  });

  it('adds a hypothesis from the hypotheses view', async () => {
    const columns = () => page.locator('table.ach-matrix').first().locator('thead th').count();
    const before = await columns();
    await page.locator('summary', { hasText: 'New hypothesis' }).click();
    await page.fill('#new-hyp-name', 'Initial-access broker resold stolen credentials');
    await page.selectOption('#new-hyp-category', 'cybercrime');
    await page.press('#new-hyp-name', 'Enter');
    await expect.poll(columns, { timeout: 30_000 }).toBe(before + 1);
    expect(await page.locator('table.ach-matrix').first().locator('thead th', { hasText: 'Initial-access broker resold stolen credentials' }).count()).toBe(1);
    // Nobody rated its cells yet: the consensus counts them as N, shown as unrated.
    expect(await page.locator('td.consensus.unrated').count()).toBeGreaterThan(0);
    await shot('11-ach-new-hypothesis');
    await page.click('#tab-graph');
  });

  it('replays the graph as of an earlier day with the slider (keyboard), and puts the date in the URL', async () => {
    await page.focus('#as-of');
    await page.keyboard.press('Home');
    await expect.poll(() => page.textContent('#status')).toMatch(/\d+ filtered out/);
    await expect.poll(() => page.url()).toMatch(/asOf=\d{4}-\d{2}-\d{2}/);
    await shot('12-as-of');
    await page.keyboard.press('End');
    await expect.poll(() => page.url()).not.toMatch(/asOf=/);
  });

  it('saves the canvas on the server under a short URL and reopens it with the same nodes', async () => {
    const count = async () => /^(\d+) nodes · (\d+) edges/.exec((await page.textContent('#status')) ?? '')?.slice(1, 3).map(Number);
    const before = await count();
    expect(before?.[1]).toBeGreaterThan(0);
    await page.click('#save-view');
    await expect.poll(() => page.url()).toMatch(/\?view=[A-Za-z0-9_-]{12}$/);
    const url = page.url();
    expect(url.length).toBeLessThan(100);
    expect(await page.textContent('#status')).toMatch(/View saved on the server as \S+, \d+ objects/);
    await page.goto('about:blank');
    await page.goto(url);
    await expect.poll(() => page.textContent('#status'), { timeout: 30_000 }).toMatch(/^\d+ nodes .*saved view/);
    // Same objects; the edges are every edge among them (at least those the canvas had).
    const after = await count();
    expect(after?.[0]).toBe(before?.[0]);
    expect(after?.[1]).toBeGreaterThanOrEqual(before![1]!);
    await shot('13-saved-view');
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
    expect(bundle.objects.map((o) => o.id)).toContain(CAMPAIGN_ID);
    await shot('14-after-exports');
  });

  it('reports a bad fact sheet dropped on the page by line, column and field, writing nothing', async () => {
    const at = SECOND.indexOf('prior: 0.3', SECOND.indexOf('id: h-state-challenger'));
    const line = SECOND.slice(0, at).split('\n').length;
    const bad = `${SECOND.slice(0, at)}prior: 2${SECOND.slice(at + 'prior: 0.3'.length)}`;
    await dropFile('second-case.yaml', bad, 'application/yaml');
    await expect.poll(() => page.locator('.import-step').textContent(), { timeout: 30_000 }).toMatch(/refused/i);
    const row = page.locator('.import-errors tbody tr', { hasText: 'hypotheses[1].prior' });
    expect(await row.locator('td').first().textContent()).toBe(`${line}:12`);
    expect(await row.textContent()).toContain(`second-case.yaml:${line}:12`);
    expect(await page.locator('.import-errors thead th').first().textContent()).toBe('line:col');
    await shot('15-fact-sheet-errors');
    await page.locator('.import-dialog button', { hasText: 'Close' }).click();
    expect(await page.locator('#incident option', { hasText: SECOND_TITLE }).count()).toBe(0);
  });

  it('imports a fact sheet dropped on the page and opens its incident', async () => {
    await dropFile('second-case.yaml', SECOND, 'application/yaml');
    await expect.poll(() => page.locator('.import-step').textContent(), { timeout: 60_000 }).toBe('Imported.');
    expect(await page.locator('.import-counts').textContent()).toMatch(/^fact sheet: created [1-9]\d* · updated 0 · unchanged \d+ · rejected 0$/);
    await shot('16-fact-sheet-imported');
    // The dialog focuses its "Open the incident" button: Enter opens it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('import-open-incident');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.inputValue('#incident'), { timeout: 30_000 }).toBe(SECOND_INCIDENT);
    await expect.poll(() => page.evaluate((id) => {
      const host = document.querySelector('#canvas') as HTMLElement & { _cyreg?: { cy?: any } };
      return host._cyreg?.cy?.getElementById(id).nonempty() ?? false;
    }, SECOND_INCIDENT), { timeout: 30_000 }).toBe(true);
  });

  it('shows the version history of an object after a revised sheet is dropped', async () => {
    await dropFile('second-case-v2.json', JSON.stringify({ note: 'not STIX, not a fact sheet' }), 'application/json');
    await expect.poll(() => page.locator('.import-step').textContent()).toMatch(/neither a STIX bundle nor an incident fact sheet/);
    await page.locator('.import-dialog button', { hasText: 'Close' }).click();
    await dropFile('second-case-v2.yaml', SECOND_REVISED, 'application/yaml');
    await expect.poll(() => page.locator('.import-step').textContent(), { timeout: 60_000 }).toBe('Imported.');
    expect(await page.locator('.import-counts').textContent()).toMatch(/updated [1-9]/);
    await page.locator('.import-dialog button', { hasText: 'Close' }).click();
    await page.fill('#search-text', SECOND_TITLE);
    await page.press('#search-text', 'Enter');
    const result = page.locator('.results button', { hasText: SECOND_TITLE }).filter({ hasText: 'incident' }).first();
    await result.waitFor();
    await result.click();
    await expect.poll(() => page.locator('#detail .detail-title').textContent()).toContain(SECOND_TITLE);
    const versions = page.locator('#history ol.versions > li');
    await expect.poll(() => versions.count(), { timeout: 30_000 }).toBe(2);
    expect(await versions.nth(0).textContent()).toMatch(/^2026-01-05 10:00:00 UTC \(current\) TLP:CLEAR/);
    expect(await versions.nth(0).locator('.changed').textContent()).toBe('changed: description');
    expect(await versions.nth(1).textContent()).not.toContain('(current)');
    await versions.nth(1).locator('summary').click();
    expect(await versions.nth(1).locator('pre').textContent()).toContain('made.');
    expect(await versions.nth(0).locator('pre').textContent()).toContain('revised from the browser');
    await shot('17-version-history');
  });

  it('logged no console errors', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
