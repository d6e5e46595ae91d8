import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { runBrowserMode } from '../../src/main/browser-mode';
import type { Studio } from '../../src/main/root';
import type { BrowserHost } from '../../src/main/host/server';
import { seedProject } from '../../src/main/dev/seed';
import { tmpDir } from '../helpers/tmp';
import { writeImageFolder } from '../helpers/images';
import { launchChromium, SCREENSHOTS } from './browser';

/** The researcher's path through the studio: import → prompt edit → keyboard curation → train → compare runs. */
describe('studio workflow in Chromium (browser mode)', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let host: BrowserHost;
  let browser: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `flow-${name}.png`) });
  const status = (id: number) => studio.project!.db.prepare('SELECT status FROM candidates WHERE id = ?').pluck().get(id) as string;
  const cellStatus = (id: number) => page.getByTestId(`cand-${id}`).getAttribute('data-status');
  const waitStatus = (id: number, s: string) => page.waitForFunction(([i, v]) => document.querySelector(`[data-testid="cand-${i}"]`)?.getAttribute('data-status') === v, [id, s] as const, { timeout: 15_000 });

  beforeAll(async () => {
    t = tmpDir('synood-flow-');
    const rendererDir = path.resolve('out/renderer');
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('renderer build missing: run npm run build:renderer (npm run test:e2e does)');
    await writeImageFolder(path.join(t.dir, 'images'), ['kite', 'lamp'], 6, 1);
    ({ studio, host } = await runBrowserMode({ homeDir: path.join(t.dir, 'home'), rendererDir }));
    browser = await launchChromium(path.join(t.dir, 'chromium-profile'));
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  beforeEach((ctx) => {
    // A failing step leaves its screen behind, to look at.
    ctx.onTestFailed(async () => {
      await page?.screenshot({ path: path.join(SCREENSHOTS, `flow-failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}.png`) });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await studio?.close();
    t.cleanup();
  });

  it('creates a project and imports an ImageFolder through the form', async () => {
    await page.goto(host.url);
    await page.getByTestId('project-dir').fill(path.join(t.dir, 'project'));
    await page.getByTestId('project-name-input').fill('Flow');
    await page.getByTestId('project-create').click();
    await page.getByTestId('import-name').fill('kites-and-lamps');
    await page.getByTestId('import-path').fill(path.join(t.dir, 'images'));
    await page.getByTestId('import-start').click();
    await page.getByTestId('datasets-table').getByText('kites-and-lamps').click();
    await page.waitForFunction(() => /completed · 13\/13/.test(document.querySelector('[data-testid="jobs-strip"]')?.textContent ?? ''), null, { timeout: 60_000 });
    await page.getByTestId('image-strip').locator('img').first().waitFor();
    await page.getByText('kite: 6').waitFor();
    await shot('1-import');
    // The rest of the flow needs candidates, runs and evaluations, which the compute stages make from real models:
    // the demo seeder writes the same tables with realistic values instead.
    await seedProject(studio.project!, { classes: 3, imagesPerClass: 4, candidates: 60, pictures: 6 });
    await page.reload();
    await page.getByTestId('app-title').waitFor();
  });

  it('edits a prompt: a new element, saved as a human version', async () => {
    await page.getByTestId('nav-prompts').click();
    await page.getByTestId('prompt-class').click();
    await page.getByRole('option', { name: /giant panda/ }).click();
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid^="prompt-image-"]')?.textContent?.includes('giant panda'));
    await page.locator('[data-testid^="prompt-image-"]').filter({ hasText: 'giant panda' }).first().click();
    const editor = page.getByTestId('prompt-editor');
    await editor.getByTestId('raw-answer').waitFor();
    const history = editor.getByTestId('prompt-history');
    await history.getByTestId('prompt-version').first().waitFor();
    const versionsBefore = await history.getByTestId('prompt-version').count();
    await page.getByTestId('add-element').fill('paper lantern');
    await page.getByTestId('add-element').press('Enter');
    expect(await page.getByTestId('final-prompt').inputValue()).toContain('paper lantern');
    await page.getByTestId('prompt-save').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="prompt-version"]').length === n + 1, versionsBefore);
    expect(await history.getByTestId('prompt-version').first().textContent()).toMatch(/human.*paper lantern/);
    await shot('2-prompt');
  });

  it('curates by keyboard: accept, reject, undo, a bulk selection, and a filter', async () => {
    await page.getByTestId('nav-curate').click();
    await page.getByTestId('cand-60').click();
    await page.getByTestId('candidate-detail').getByText('#60').waitFor();
    await page.keyboard.press('a');
    await waitStatus(60, 'accepted');
    await page.keyboard.press('r');
    await waitStatus(59, 'rejected');
    await page.keyboard.press('u');
    await waitStatus(59, 'new');
    expect(status(59)).toBe('new');
    // Each decision moved the focus on; it now rests on #58. Select three with Space and Shift+→, reject them together.
    await page.keyboard.press(' ');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.getByText('3 selected').waitFor();
    await page.keyboard.press('r');
    await waitStatus(56, 'rejected');
    expect([58, 57, 56].map(status)).toEqual(['rejected', 'rejected', 'rejected']);
    await shot('3-curate');
    await page.keyboard.press('Control+z');
    await waitStatus(57, 'new');
    await page.keyboard.press('Shift+Control+z');
    await waitStatus(57, 'rejected');
    // Filter to what was rejected.
    await page.getByTestId('filter-status').click();
    await page.getByRole('option', { name: 'Rejected' }).click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="curate-counts"]')?.textContent ?? '').startsWith('3 in view'));
    expect((await cellStatus(58)) ?? '').toBe('rejected');
    await page.keyboard.press('?');
    await page.getByTestId('keys-help').waitFor();
    await page.keyboard.press('Escape');
    // Accept everything still new in one step, as the training data.
    await page.getByTestId('filter-status').click();
    await page.getByRole('option', { name: 'New' }).click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="curate-counts"]')?.textContent ?? '').startsWith('56 in view'));
    await page.getByTestId('accept-all').click();
    await page.getByTestId('bulk-confirm').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="curate-counts"]')?.textContent ?? '').includes(' 0 new · 57 accepted'));
    expect(studio.project!.db.prepare("SELECT count(*) FROM candidates WHERE status = 'accepted'").pluck().get()).toBe(57);
    await page.getByTestId('view-pairs').click();
    await page.getByTestId('cand-59').waitFor();
    await shot('4-curate-pairs');
  });

  it('starts a training run whose job shows on the Train page', async () => {
    await page.getByTestId('nav-train').click();
    await page.getByText('57 accepted candidates').waitFor();
    await page.getByTestId('train-name-projection').fill('E2E projection');
    await page.getByTestId('train-start-projection').click();
    const row = page.getByTestId('runs-table').locator('tr', { hasText: 'E2E projection' });
    await row.waitFor();
    // The seeded model rows have no files behind them, so the job cannot load CLIP: it must end failed with a reason on screen.
    await row.filter({ hasText: /failed/ }).waitFor({ timeout: 60_000 });
    await row.getByRole('button', { name: 'Resume' }).waitFor();
    await shot('5-train');
  });

  it('compares runs against the zero-shot baseline and exports the table', async () => {
    await page.getByTestId('nav-compare').click();
    const table = page.getByTestId('compare-table');
    await table.getByText('(baseline)').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(3);
    await page.getByTestId('chart-compare-loss').locator('.recharts-wrapper > svg.recharts-surface').waitFor();
    await shot('6-compare');
    await page.getByTestId('export-latex').click();
    const text = await page.getByTestId('export-text').textContent();
    expect(text).toContain('\\multirow{2}{*}{Method}');
    expect(text).toContain('NegLabel (zero-shot)');
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-evaluate').click();
    await page.getByTestId('metrics-average').waitFor();
    await shot('7-evaluate');
    await page.getByTestId('nav-models').click();
    await page.getByTestId('model-clip').waitFor();
    await page.getByLabel('toggle theme').click();
    await page.getByTestId('nav-curate').click();
    // Everything is decided now, so the first view is every candidate rather than an empty 'new' filter.
    await page.waitForFunction(() => (document.querySelector('[data-testid="curate-counts"]')?.textContent ?? '').startsWith('60 in view'));
    expect(await page.getByTestId('curate-none-match').count()).toBe(0);
    await page.getByTestId('filter-status').click();
    await page.getByRole('option', { name: 'Any' }).click();
    await page.getByTestId('cand-60').click();
    await shot('8-curate-dark');
    expect(pageErrors).toEqual([]);
  });
});
