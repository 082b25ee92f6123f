/**
 * The analyst's workbench in Chromium: a case built from an empty incident entirely in the web —
 * hypotheses with priors (a refused prior shown next to its field, rebalanced on request,
 * "other/unknown" in one click), evidence with sources and an archived copy, Admiralty grades and
 * a link to an ATT&CK technique (a fact without a source refused next to the field), ratings with
 * rationales (auditable in the consensus matrix), a probability judgement, a rejected hypothesis,
 * an edited evidence item; the summary saying a tie is a tie; then the canvas conventions (click
 * selects, Shift+click adds, no duplicate edges after expanding twice, Clear), the as-of slider
 * on event dates, and a reader offered no editing. Screenshots in test-artifacts/screenshots/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { launchBrowser, type TestBrowser } from './support/browser';
import { SCREENSHOTS, startTestApp, type TestApp } from './support/app';
import { expectBannersOnEveryPage, readPdf } from '../support/pdf';

const INCIDENT = 'incident--7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const TECHNIQUE = 'attack-pattern--b17a1a56-e99c-403c-8948-561df0cffe81';
const EMPTY_CASE = JSON.stringify({
  type: 'bundle',
  id: 'bundle--7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e60',
  objects: [
    {
      type: 'incident', spec_version: '2.1', id: INCIDENT, created: '2026-02-02T08:00:00.000Z', modified: '2026-02-02T08:00:00.000Z',
      name: 'Workbench case: town hall mail intrusion', description: 'An empty case opened for the e2e test.',
    },
    {
      type: 'attack-pattern', spec_version: '2.1', id: TECHNIQUE, created: '2017-05-31T21:31:35.000Z', modified: '2025-04-15T19:58:12.000Z',
      name: 'Valid Accounts',
      description: 'Adversaries may obtain and abuse credentials of **existing accounts**.(Citation: TechNet Credential Theft)\n\n* Default accounts\n* Domain accounts\n\n<script>window.__owned = true</script>',
      kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'initial-access' }, { kill_chain_name: 'mitre-attack', phase_name: 'persistence' }],
      x_mitre_platforms: ['Windows', 'Linux'],
      external_references: [
        { source_name: 'mitre-attack', external_id: 'T1078', url: 'https://attack.mitre.org/techniques/T1078' },
        { source_name: 'TechNet Credential Theft', description: 'Microsoft. (2016).', url: 'https://technet.microsoft.com/en-us/library/dn535501.aspx' },
      ],
    },
  ],
});

/** Waits for a page to show something; this machine is shared, so answers may take a while. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 60_000 });

let app: TestApp;
let browser: TestBrowser;
let page: Page;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function dropFile(fileName: string, text: string, mime: string): Promise<void> {
  await page.evaluate(({ fileName, text, mime }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], fileName, { type: mime }));
    const target = document.querySelector('#canvas') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, { fileName, text, mime });
}

const card = (name: string) => page.locator('li.hyp-card', { has: page.locator('.hyp-name', { hasText: name }) });
const status = async () => (await page.textContent('#status')) ?? '';
const counts = async () => {
  const m = /^(\d+) nodes · (\d+) edges/.exec(await status());
  return m ? { nodes: Number(m[1]), edges: Number(m[2]) } : null;
};
// Nothing loading: the canvas is not opening an incident and the hypotheses view has drawn its
// latest load (both say so with aria-busy, as a screen reader hears it).
const settled = () => poll(() => page.locator('#canvas[aria-busy], #hypotheses[aria-busy]').count()).toBe(0);
const cy = <T>(fn: string): Promise<T> => page.evaluate(`(() => { const cy = document.querySelector('#canvas')._cyreg.cy; return (${fn})(cy); })()`) as Promise<T>;

async function addHypothesis(name: string, category: string, prior: string): Promise<void> {
  const details = page.locator('details.new-item');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  await page.fill('#new-hyp-name', name);
  await page.selectOption('#new-hyp-category', category);
  await page.fill('#new-hyp-prior', prior);
  await page.click('#new-hypothesis-form button[type=submit]');
}

describe('analyst workbench in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startTestApp();
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('opens an empty incident imported from the browser, on a canvas of its own', async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.fill('#token', app.token);
    await page.click('form.sign-in button[type=submit]');
    await expect.poll(() => page.inputValue('#incident'), { timeout: 60_000 }).toBe(app.incidentId);
    // The reference case opens first (a slow machine may take a while to lay it out).
    await expect.poll(async () => (await counts())?.nodes ?? 0, { timeout: 60_000 }).toBeGreaterThan(5);
    await dropFile('empty-case.json', EMPTY_CASE, 'application/json');
    await expect.poll(() => page.locator('.import-step').textContent(), { timeout: 60_000 }).toBe('Imported.');
    await page.locator('.import-dialog button', { hasText: 'Close' }).click();
    await poll(() => page.locator('#incident option', { hasText: 'Workbench case' }).count()).toBe(1);
    await page.selectOption('#incident', INCIDENT);
    // One workspace per incident: the reference case left the canvas.
    await expect.poll(async () => (await counts())?.nodes, { timeout: 60_000 }).toBe(1);
    await settled();
  });

  it('adds hypotheses with priors; a bad prior is refused next to its field; a tie is said as a tie', async () => {
    await page.click('#tab-hypotheses');
    await expect.poll(() => page.textContent('#key-judgement'), { timeout: 60_000 }).toMatch(/No hypothesis has a posterior yet/);
    await settled();
    await addHypothesis('Foreign intelligence service', 'foreign-interference', '150');
    const error = page.locator('#new-hypothesis-form .field-error');
    await poll(() => error.textContent()).toMatch(/percentage from 0 to 100/);
    expect(await page.getAttribute('#new-hyp-prior', 'aria-invalid')).toBe('true');
    // The message sits right under the prior's field, and the field has the focus.
    // (Read in one go: a redraw between two reads would give the message a new id.)
    expect(await page.evaluate(() => {
      const input = document.querySelector('#new-hyp-prior')!;
      return input.closest('.field')!.querySelector('.field-error')?.id === input.getAttribute('aria-describedby');
    })).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-hyp-prior');
    // A redraw of the view (here: the tab opened again; in use: another analyst's save) keeps
    // what was typed and the message next to the field.
    await page.evaluate(() => document.querySelector('#new-hypothesis-form')!.setAttribute('data-before-redraw', ''));
    await page.click('#tab-hypotheses');
    await poll(() => page.locator('#new-hypothesis-form[data-before-redraw]').count()).toBe(0);
    expect(await error.textContent()).toMatch(/percentage from 0 to 100/);
    expect(await page.inputValue('#new-hyp-prior')).toBe('150');
    expect(await page.inputValue('#new-hyp-name')).toBe('Foreign intelligence service');
    expect(await page.getAttribute('#new-hyp-prior', 'aria-invalid')).toBe('true');
    // The message is back without taking the focus from where the analyst put it (the tab).
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-hypotheses');
    await shot('w01-prior-refused');
    await page.fill('#new-hyp-prior', '40');
    await page.click('#new-hypothesis-form button[type=submit]');
    await expect.poll(() => card('Foreign intelligence service').count(), { timeout: 60_000 }).toBe(1);
    await addHypothesis('Hacktivists challenging the state', 'state-challenger', '40');
    await expect.poll(() => card('Hacktivists challenging the state').count(), { timeout: 60_000 }).toBe(1);
    await addHypothesis('Criminal access broker', 'cybercrime', '');
    await expect.poll(() => card('Criminal access broker').count(), { timeout: 60_000 }).toBe(1);
    expect(await page.textContent('#priors-sum')).toMatch(/80\.0 % set; hypotheses without one share the remaining 20\.0 %\. They do not sum to 100 %/);
    expect(await card('Criminal access broker').locator('.hyp-prior').textContent()).toBe('prior equal share');

    await page.click('#rebalance-priors');
    await expect.poll(() => page.textContent('#priors-sum'), { timeout: 60_000 }).toMatch(/^Priors: 100\.0 % set\.$/);
    // 100 / 3: one of them gets the rounding remainder.
    expect(await card('Criminal access broker').locator('.hyp-prior').textContent()).toMatch(/^prior 33\.3[34] %$/);
    await page.click('#add-other');
    await expect.poll(() => card('Other / unknown actor').count(), { timeout: 60_000 }).toBe(1);
    expect(await card('Other / unknown actor').locator('.hyp-prior').textContent()).toBe('prior 10 %');
    expect(await card('Foreign intelligence service').locator('.hyp-prior').textContent()).toBe('prior 30 %');
    expect(await page.textContent('#priors-sum')).toBe('Priors: 100.0 % set.');
    expect(await page.locator('#add-other').count()).toBe(0);
    // Three hypotheses at 30 %: no leader is announced or highlighted.
    const judgement = (await page.textContent('#key-judgement')) ?? '';
    expect(judgement).toMatch(/^No hypothesis leads\. .* are within 5 points of each other/);
    for (const name of ['Foreign intelligence service', 'Hacktivists challenging the state', 'Criminal access broker']) expect(judgement).toContain(`“${name}” (30.0 %)`);
    expect(judgement).not.toContain('Other / unknown');
    expect(await page.locator('table.ach-matrix thead th.leader').count()).toBe(0);
    expect(await page.locator('.posterior-chart rect.posterior-bar').count()).toBe(4);
    await shot('w02-priors-tie');
  });

  it('refuses a fact without a source, and a bad source URL, next to the field', async () => {
    const form = page.locator('#new-evidence-form');
    await form.locator('[data-field=name]').fill('Credentials of a mayor’s aide sold on a criminal forum');
    await form.locator('[data-field=collectedAt]').fill('2026-01-30T09:00');
    await form.locator('button[type=submit]').click();
    await poll(() => form.locator('fieldset[data-field=sources] + .field-error').textContent()).toMatch(/a fact must cite at least one source/);
    await form.locator('[data-field="sources[0].name"]').fill('Le Parisien');
    await form.locator('[data-field="sources[0].url"]').fill('ftp://example.org/article');
    await form.locator('button[type=submit]').click();
    // The server's issue (path sources[0].url) lands under that input.
    await expect.poll(() => form.locator('[data-field="sources[0].url"]').getAttribute('aria-invalid'), { timeout: 60_000 }).toBe('true');
    expect(await form.locator('.field-error').allTextContents()).toEqual(['must be an http(s) URL']);
    await shot('w03-evidence-refused');
  });

  it('adds evidence with a graded source, its archived copy and a link to an ATT&CK technique', async () => {
    const form = page.locator('#new-evidence-form');
    await form.locator('[data-field="sources[0].url"]').fill('https://www.leparisien.fr/faits-divers/mairie-piratage');
    await form.locator('[data-field="sources[0].archiveUrl"]').fill('https://web.archive.org/web/2026/https://www.leparisien.fr/faits-divers/mairie-piratage');
    await form.locator('[data-field=reliability]').selectOption('B');
    await form.locator('[data-field=credibility]').selectOption('2');
    await form.locator('input[type=search]').fill('T1078');
    await form.locator('button', { hasText: 'Find' }).click();
    await form.locator('.ref-results button', { hasText: 'T1078 Valid Accounts' }).click();
    expect(await form.locator('.chip').textContent()).toContain('T1078 Valid Accounts');
    await form.locator('button[type=submit]').click();
    const row = page.locator('table.ach-matrix tbody tr', { hasText: 'Credentials of a mayor’s aide' });
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(1);
    expect(await row.locator('th .hint').textContent()).toMatch(/fact, 2026-01-30, 1 source$/);
    expect(await row.locator('td').nth(1).textContent()).toBe('B2');
    // Stored with both links and the technique (checked in the database, as the API serves it).
    const stored = await app.services.cases.incident(INCIDENT, SYSTEM_VIEWER);
    const item = stored.evidence.find((e) => e.name.startsWith('Credentials of a mayor'));
    expect(item?.objectRefs).toEqual([TECHNIQUE]);
    expect(item?.externalReferences.map((s) => s.url)).toEqual([
      'https://www.leparisien.fr/faits-divers/mairie-piratage',
      'https://web.archive.org/web/2026/https://www.leparisien.fr/faits-divers/mairie-piratage',
    ]);

    // An analyst judgement needs no source; left ungraded, it is flagged in the matrix.
    const again = page.locator('#new-evidence-form');
    await again.locator('[data-field=name]').fill('Ransom note style matches a known hacktivist group');
    await again.locator('[data-field=kind]').selectOption('JUDGEMENT');
    await again.locator('[data-field=collectedAt]').fill('2026-01-31T18:30');
    await again.locator('button[type=submit]').click();
    const second = page.locator('table.ach-matrix tbody tr', { hasText: 'Ransom note style' });
    await expect.poll(() => second.count(), { timeout: 60_000 }).toBe(1);
    expect(await second.locator('td.ungraded').textContent()).toBe('ungraded');
    // Nobody rated it: its cells say "blank", not N.
    expect(await second.locator('td.consensus .cell-label').allTextContents()).toEqual(['blank', 'blank', 'blank', 'blank']);
    await shot('w04-evidence-added');
  });

  it('rates with a rationale (focus kept), and the consensus cell shows who rated what and why', async () => {
    await page.click('#matrix-mine');
    const row = page.locator('table.ach-matrix tbody tr', { hasText: 'Credentials of a mayor’s aide' });
    // Cells found by the hypothesis they rate (columns keep the incident's order).
    const cellOf = (name: string) => row.locator('td.mine', { has: page.locator(`select[aria-label$="against “${name}”"]`) });
    const rate = async (name: string, rating: string, why: string) => {
      const cell = cellOf(name);
      await cell.locator('.rating-why').fill(why);
      // As an analyst does: into the select, then choose.
      await cell.locator('select').focus();
      await cell.locator('select').selectOption(rating);
      // Saved and redrawn: no cell is busy, and the new cell shows the rating.
      await poll(() => row.locator('td.saving').count()).toBe(0);
      await poll(() => cellOf(name).locator('select').inputValue()).toBe(rating);
    };
    await rate('Foreign intelligence service', 'I', 'A state service would not buy access on a forum');
    // Focus stays on the control just used, across the re-render.
    const foreign = await cellOf('Foreign intelligence service').locator('select').getAttribute('data-hypothesis');
    await poll(() => page.evaluate(() => document.activeElement?.classList.contains('rating-select') ? document.activeElement.getAttribute('data-hypothesis') : null)).toBe(foreign);
    await rate('Hacktivists challenging the state', 'N', 'Says nothing about hacktivists');
    await rate('Criminal access broker', 'CC', 'Brokers sell exactly this');
    await rate('Other / unknown actor', 'C', 'Consistent with an unknown buyer');
    await page.click('#matrix-consensus');
    const brokerId = await card('Criminal access broker').getAttribute('data-hypothesis');
    const broker = row.locator(`td.consensus[data-hypothesis="${brokerId}"]`);
    expect(await broker.locator('.cell-label').textContent()).toBe('CC');
    await broker.focus();
    await poll(() => broker.locator('.cell-pop').isVisible()).toBe(true);
    expect(await broker.locator('.cell-pop').textContent()).toMatch(/e2e-analyst: CC very consistent.*“Brokers sell exactly this”/);
    // The summary now names a leader: its column is highlighted.
    await poll(() => page.textContent('#key-judgement')).toMatch(/^We assess it is .* that “Criminal access broker”\./);
    expect(await page.locator('table.ach-matrix thead th.leader').textContent()).toContain('Criminal access broker');
    await shot('w05-consensus-popover');
  });

  it('records a probability judgement, rejects a hypothesis, and edits an evidence item', async () => {
    const broker = card('Criminal access broker');
    await broker.locator('[data-field=probability]').fill('55');
    await broker.locator('.judgement-form [data-field=rationale]').fill('Forum sale plus timing');
    await broker.locator('.judgement-form button[type=submit]').click();
    await expect.poll(() => card('Criminal access broker').locator('.hyp-judgement').textContent(), { timeout: 60_000 }).toBe('your judgement 55 %');
    expect(await page.locator('table.analysts tr.pooled').count()).toBe(1);

    const hacktivists = card('Hacktivists challenging the state');
    await hacktivists.locator('.status-form [data-field=rationale]').fill('No claim, no defacement');
    await hacktivists.locator('button', { hasText: 'Reject' }).click();
    await expect.poll(() => card('Hacktivists challenging the state').locator('.status-badge').textContent(), { timeout: 60_000 }).toBe('rejected');
    expect(await card('Hacktivists challenging the state').locator('.rationale').textContent()).toBe('No claim, no defacement');

    await page.locator('button.edit-evidence[aria-label="Edit “Ransom note style matches a known hacktivist group”"]').click();
    const form = page.locator('#edit-evidence-form');
    expect(await form.locator('[data-field=name]').inputValue()).toBe('Ransom note style matches a known hacktivist group');
    await form.locator('[data-field=reliability]').selectOption('C');
    await form.locator('[data-field=credibility]').selectOption('3');
    await form.locator('button.primary[type=submit]').click();
    const row = page.locator('table.ach-matrix tbody tr', { hasText: 'Ransom note style' });
    await expect.poll(() => row.locator('td').nth(1).textContent(), { timeout: 60_000 }).toBe('C3');
    await shot('w06-judgement-status-edit');
  });

  it('deletes a hypothesis and an evidence item in two steps; both leave the matrix, the history keeps them', async () => {
    await addHypothesis('Insider with a grudge', 'insider', '');
    await poll(() => card('Insider with a grudge').count()).toBe(1);
    expect(await page.locator('.posterior-chart rect.posterior-bar').count()).toBe(5);
    const insider = card('Insider with a grudge');
    const insiderId = await insider.getAttribute('data-hypothesis');
    // One click does not delete: it asks first, and "Keep it" backs out.
    await insider.locator('button.delete-start').click();
    await poll(() => insider.locator('button.delete-confirm').isVisible()).toBe(true);
    await insider.locator('button.delete-cancel').click();
    expect(await insider.locator('button.delete-confirm').isVisible()).toBe(false);
    expect(await card('Insider with a grudge').count()).toBe(1);
    await insider.locator('.status-form [data-field=rationale]').fill('Added by mistake');
    await insider.locator('button.delete-start').click();
    await insider.locator('button.delete-confirm').click();
    await poll(() => card('Insider with a grudge').count()).toBe(0);
    expect(await page.locator('.posterior-chart rect.posterior-bar').count()).toBe(4);
    expect(await status()).toMatch(/Hypothesis deleted: Insider with a grudge/);
    // Stored as a revoked version with the reason; the older version is kept.
    const revoked = await app.services.cases.hypothesis(insiderId!, SYSTEM_VIEWER);
    expect(revoked).toMatchObject({ deleted: true, rationale: 'Added by mistake' });

    const form = page.locator('#new-evidence-form');
    await form.locator('[data-field=name]').fill('Anonymous tip about a disgruntled employee');
    await form.locator('[data-field=kind]').selectOption('JUDGEMENT');
    await form.locator('[data-field=collectedAt]').fill('2026-01-31T20:00');
    await form.locator('button[type=submit]').click();
    const row = page.locator('table.ach-matrix tbody tr', { hasText: 'Anonymous tip' });
    await poll(() => row.count()).toBe(1);
    await page.locator('button.edit-evidence[aria-label="Edit “Anonymous tip about a disgruntled employee”"]').click();
    const edit = page.locator('#edit-evidence-form');
    await edit.locator('button.delete-start').click();
    await edit.locator('[data-field=rationale]').fill('Tip retracted by its source');
    await edit.locator('button.delete-confirm').click();
    await poll(() => row.count()).toBe(0);
    expect(await page.locator('table.ach-matrix tbody tr', { hasText: 'Ransom note style' }).count()).toBe(1);
    await shot('w06c-deleted');
  });

  it('exports the server’s one-page brief as PDF (TLP banner on every page, judgement, matrix, archived sources) and as HTML', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#brief')]);
    expect(download.suggestedFilename()).toMatch(/^brief-Workbench-case.*\.pdf$/);
    await poll(() => page.textContent('.brief-status')).toMatch(/Brief saved: brief-Workbench-case.*\.pdf \(TLP:CLEAR, 1 page\)/);
    const pages = await readPdf(readFileSync((await download.path())!), 1.5);
    expect(pages).toHaveLength(1);
    expectBannersOnEveryPage(pages, 'CLEAR');
    const text = pages[0]!.lines.map((l) => l.text).join(' ');
    expect(text).toMatch(/We assess it is [a-z ]+ \(\d+\.\d %\) that “Criminal access broker”/);
    expect(text).toMatch(/Ransom note style/);
    expect(text).toMatch(/archived copy/);
    writeFileSync(join(SCREENSHOTS, 'w06b-brief-page-1.png'), pages[0]!.png);
    // The same brief as HTML: links to the source and to its archived copy, no script.
    const [htmlDownload] = await Promise.all([page.waitForEvent('download'), page.click('#brief-html')]);
    expect(htmlDownload.suggestedFilename()).toMatch(/^brief-Workbench-case.*\.html$/);
    const html = readFileSync((await htmlDownload.path())!, 'utf8');
    expect(html.match(/class="tlp (top|bottom)">TLP:CLEAR</g)).toHaveLength(2);
    expect(html).toContain('href="https://web.archive.org/web/2026/https://www.leparisien.fr/faits-divers/mairie-piratage"');
    expect(html).toMatch(/<td class="r-CC">CC/);
    expect(html).not.toContain('<script');
  });

  it('draws the case on the canvas at its event dates, with the slider spanning the case', async () => {
    await page.click('#tab-graph');
    await page.selectOption('#incident', app.incidentId);
    await page.selectOption('#incident', INCIDENT);
    await expect.poll(async () => (await counts())?.nodes, { timeout: 60_000 }).toBeGreaterThanOrEqual(8);
    // Deleted hypotheses and evidence are stored (revoked) but not drawn as part of the case.
    expect(await cy<string[]>(`(cy) => cy.nodes().map((n) => n.data('name'))`)).not.toEqual(expect.arrayContaining([expect.stringMatching(/Insider with a grudge|Anonymous tip/)]));
    // Evidence known on 30 and 31 January: the slider runs from the day before to the day after.
    await expect.poll(async () => Number(await page.getAttribute('#as-of', 'max')), { timeout: 60_000 }).toBe(3);
    await page.focus('#as-of');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await poll(() => page.url()).toMatch(/asOf=2026-01-30/);
    // As of 30 January, the item known on the 30th is drawn, the one known on the 31st is not.
    const visible = (name: string) => cy<boolean>(`(cy) => cy.nodes().filter((n) => n.data('name').startsWith(${JSON.stringify(name)}) && !n.hasClass('filtered')).length === 1`);
    await poll(() => visible('Credentials of a mayor')).toBe(true);
    expect(await visible('Ransom note style')).toBe(false);
    await page.keyboard.press('End');
    await poll(() => page.url()).not.toMatch(/asOf=/);
    // One evidence→hypothesis edge per rated pair, labelled and coloured by the rating.
    expect(await cy<string[]>(`(cy) => cy.edges().filter((e) => e.source().data('stixType') === 'attribution-evidence' && e.target().data('stixType') === 'attribution-hypothesis').map((e) => e.data('rating') + ':' + e.data('label')).sort()`))
      .toEqual(['C:C', 'CC:CC', 'I:I', 'N:N']);
  });

  it('selects on click, adds on Shift+click, never duplicates an edge, and clears the canvas', async () => {
    const centre = async (id: string) => {
      const p = await cy<{ x: number; y: number }>(`(cy) => cy.getElementById(${JSON.stringify(id)}).renderedPosition()`);
      const box = (await page.locator('#canvas').boundingBox())!;
      return { x: box.x + p.x, y: box.y + p.y };
    };
    await page.click('button:has-text("Fit")');
    await page.waitForFunction(() => !(document.querySelector('#canvas') as any)._cyreg.cy.animated());
    const [a, b] = await cy<string[]>(`(cy) => cy.nodes('[stixType = "attribution-hypothesis"]').map((n) => n.id()).slice(0, 2)`);
    const selected = () => cy<string[]>(`(cy) => cy.$('node:selected').map((n) => n.id()).sort()`);
    const pa = await centre(a!);
    await page.mouse.click(pa.x, pa.y);
    await poll(selected).toEqual([a]);
    const pb = await centre(b!);
    await page.mouse.click(pb.x, pb.y);
    await poll(selected).toEqual([b]);
    await page.keyboard.down('Shift');
    await page.mouse.click(pa.x, pa.y);
    await page.keyboard.up('Shift');
    await poll(selected).toEqual([a, b].sort());
    // Both selected: expanded together, two hops deep, from the toolbar.
    const nodesNow = () => cy<number>('(cy) => cy.nodes().length');
    const beforeBoth = await nodesNow();
    expect(await page.locator('#expand-selection').isDisabled()).toBe(false);
    await page.selectOption('#expand-depth', '2');
    await page.click('#expand-selection');
    await expect.poll(status, { timeout: 60_000 }).toMatch(/expanded 2 nodes, 2 hops: \d+ new node/);
    expect(await nodesNow()).toBeGreaterThanOrEqual(beforeBoth);

    // Expand a hypothesis twice (its RATED edges, one per analyst and rating, and its incident):
    // the second expansion adds no node and no edge.
    await page.locator('#canvas').focus();
    await cy<void>(`(cy) => { cy.$(':selected').unselect(); cy.getElementById(${JSON.stringify(a)}).select(); }`);
    const clearStatus = () => page.evaluate(() => { document.querySelector('#status')!.textContent = ''; });
    await clearStatus();
    await page.keyboard.press('Enter');
    await expect.poll(status, { timeout: 60_000 }).toMatch(/expanded:/);
    const once = await counts();
    await clearStatus();
    await page.keyboard.press('Enter');
    await expect.poll(status, { timeout: 60_000 }).toMatch(/expanded: 0 new node/);
    expect(await counts()).toEqual(once);
    const duplicates = await cy<number>(`(cy) => { const seen = new Set(); let d = 0; cy.edges().forEach((e) => { const k = e.data('edgeType') + e.source().id() + '>' + e.target().id() + (e.id().startsWith('relationship--') ? e.id() : ''); if (seen.has(k)) d++; seen.add(k); }); return d; }`);
    expect(duplicates).toBe(0);
    await shot('w07-canvas');
    await page.click('#clear-canvas');
    await poll(status).toMatch(/^0 nodes · 0 edges.*canvas cleared/);
  });

  it('ranks the exact ATT&CK id first and reads the technique as badges and rendered Markdown', async () => {
    await page.fill('#search-text', 'T1078');
    await page.press('#search-text', 'Enter');
    const first = page.locator('.results button').first();
    await expect.poll(() => first.textContent(), { timeout: 60_000 }).toMatch(/^T1078Valid Accounts/);
    expect(await first.locator('.result-type').textContent()).toMatch(/^attack-pattern · mitre-attack · b17a1a56$/);
    expect(await page.locator('.results .result-type', { hasText: /^relationship/ }).count()).toBe(0);
    await first.click();
    const detail = page.locator('#detail');
    await expect.poll(() => detail.locator('.detail-title').textContent(), { timeout: 60_000 }).toContain('Valid Accounts');
    expect(await detail.locator('.badge.attack-id').textContent()).toBe('T1078');
    expect(await detail.locator('.badge.tactic').allTextContents()).toEqual(['initial-access', 'persistence']);
    expect(await detail.locator('.badge.platform').allTextContents()).toEqual(['Windows', 'Linux']);
    const markdown = detail.locator('.markdown');
    expect(await markdown.locator('strong').textContent()).toBe('existing accounts');
    expect(await markdown.locator('li').allTextContents()).toEqual(['Default accounts', 'Domain accounts']);
    expect(await markdown.locator('sup.citation a').getAttribute('href')).toBe('https://technet.microsoft.com/en-us/library/dn535501.aspx');
    expect(await markdown.textContent()).not.toContain('(Citation:');
    // Markup in a description is text, never HTML.
    expect(await markdown.textContent()).toContain('<script>');
    expect(await page.evaluate(() => (window as unknown as { __owned?: boolean }).__owned)).toBeUndefined();
    await shot('w08-technique');

    // Filled buttons keep ≥ 4.5:1 under the mouse (they used to turn white on light grey).
    const contrastOnHover = async (selector: string) => {
      await page.hover(selector);
      return page.evaluate((selector) => {
        const el = document.querySelector(selector)!;
        const style = getComputedStyle(el);
        const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
        const lum = (c: string) => {
          const [r, g, b] = rgb(c).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
        return (a! + 0.05) / (b! + 0.05);
      }, selector);
    };
    expect(await contrastOnHover('#action-expand')).toBeGreaterThanOrEqual(4.5);
    expect(await contrastOnHover('#tab-graph')).toBeGreaterThanOrEqual(4.5);
  });

  it('offers a reader no import and no editing', async () => {
    const issued = await app.services.auth.createToken({ name: 'e2e-reader', role: 'reader', clearance: 'RED' }, { viewer: SYSTEM_VIEWER });
    // Another browser: a tab of this one would share the analyst's sign-in.
    const other = await launchBrowser();
    const reader = other.page;
    await reader.goto(`${app.baseUrl}/?incident=${encodeURIComponent(INCIDENT)}&tab=hypotheses`);
    await reader.fill('#token', issued.token);
    await reader.click('form.sign-in button[type=submit]');
    await reader.locator('table.ach-matrix').first().waitFor({ timeout: 60_000 });
    expect(await reader.locator('#import').count()).toBe(0);
    expect(await reader.locator('#check-import').count()).toBe(0);
    expect(await reader.locator('#new-evidence-form, #new-hypothesis-form, .hyp-actions, #matrix-mine').count()).toBe(0);
    expect(await reader.textContent('.hypotheses-view')).toContain('Your role is read-only');
    expect(other.consoleErrors).toEqual([]);
    await other.close();
  });

  it('shares the sign-in with a new tab, and signing out in one tab signs out both; signing in again signs in both', async () => {
    const second = await browser.context.newPage();
    await second.goto(`${app.baseUrl}/?incident=${encodeURIComponent(INCIDENT)}`);
    // No token asked: the new tab took the signed-in tab's.
    await second.locator('#incident').waitFor({ timeout: 60_000 });
    expect(await second.locator('#token').count()).toBe(0);
    expect(await second.evaluate(() => sessionStorage.getItem('attribution-graph.token'))).toBe(app.token);
    await second.click('#sign-out');
    await second.locator('#token').waitFor();
    await poll(() => page.locator('#sign-in-error').textContent()).toBe('You signed out in another tab.');
    expect(await page.evaluate(() => sessionStorage.getItem('attribution-graph.token'))).toBeNull();
    await page.fill('#token', app.token);
    await page.click('form.sign-in button[type=submit]');
    await page.locator('#incident').waitFor({ timeout: 60_000 });
    await second.locator('#incident').waitFor({ timeout: 60_000 });
    expect(await second.locator('#token').count()).toBe(0);
    await second.close();
  });

  it('logged no console errors', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
