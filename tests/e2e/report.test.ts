import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { runBrowserMode } from '../../src/main/browser-mode';
import type { BrowserHost } from '../../src/main/host/server';
import type { Studio } from '../../src/main/root';
import { pdfPageCount } from '../../src/main/review/report-pdf';
import { tmpDir } from '../helpers/tmp';
import { reviewProject } from '../review/review-project';
import { launchChromium, SCREENSHOTS } from './browser';

/**
 * Issue 16 end to end: a run made in one project is exported, imported into another and compared there with
 * intervals and p-values (in the studio, in browser mode); the report opens offline in Chromium (no console
 * error, no network request, every figure present) and its PDF has pages.
 */
describe('reviewer workflow: bundles, intervals, offline report', () => {
  let t: ReturnType<typeof tmpDir>;
  let browser: BrowserContext;
  let studio: Studio;
  let host: BrowserHost;
  let projB: string;
  let bundleA: string;
  let bundleC: string;
  let report: { file: string; pdf: string; pdfPages: number };
  const ids: { baseline: number; own: number; foreign: number } = { baseline: 0, own: 0, foreign: 0 };

  beforeAll(async () => {
    t = tmpDir('synood-e2e-report-');
    const a = await reviewProject(t.dir, 'lab-a', [{ name: 'ours-s1', seed: 1, separation: [1.8, 1.5] }]);
    bundleA = path.join(t.dir, 'ours-s1.synood-run');
    await a.call('bundle.export', { runId: a.runIds[0], out: bundleA });
    await a.close();
    const c = await reviewProject(t.dir, 'lab-c', [{ name: 'third lab', seed: 5, separation: [1.4, 1.2], config: { stage: 'labels', lr: 2e-3 } }]);
    bundleC = path.join(t.dir, 'third.synood-run');
    await c.call('bundle.export', { runId: c.runIds[0], out: bundleC });
    await c.close();
    const b = await reviewProject(t.dir, 'lab-b', [
      { name: 'NegLabel (zero-shot)', kind: 'zero-shot', separation: [1.1, 0.9], config: { method: 'neglabel' } },
      { name: 'ours-s2', seed: 2, separation: [1.75, 1.5] },
    ]);
    projB = b.dir;
    [ids.baseline, ids.own] = b.runIds as [number, number];
    ids.foreign = (await b.call<{ runId: number }>('bundle.import', { file: bundleA })).runId;
    report = await b.call('report.write', { runIds: [ids.baseline, ids.own, ids.foreign], pdf: true });
    await b.close();
    browser = await launchChromium(path.join(t.dir, 'chromium-profile'));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await studio?.close();
    t?.cleanup();
  });

  it('the HTML report opens offline: no network request, no console error, every figure present', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(report.file).href, { waitUntil: 'load' });
    const ids = (await page.locator('meta[name="synood-figures"]').getAttribute('content'))!.split(' ');
    expect(ids.length).toBeGreaterThanOrEqual(10);
    for (const id of ids) {
      const fig = page.locator(`[data-figure="${id}"]`);
      expect(await fig.count(), id).toBe(1);
      const box = await fig.boundingBox();
      expect(box && box.height > 20, `${id} is drawn`).toBe(true);
      expect(await fig.locator('svg, img, table').count(), `${id} has content`).toBeGreaterThan(0);
    }
    // Thumbnails decoded (data: URIs), charts drawn.
    const broken = await page.locator('img').evaluateAll((imgs) => (imgs as HTMLImageElement[]).filter((i) => !i.complete || i.naturalWidth === 0).length);
    expect(broken).toBe(0);
    expect(await page.locator('[data-figure^="roc-"] svg path').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('.sig').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-html.png'), fullPage: true });
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the PDF is a real multi-page document of the same report', () => {
    const pdf = fs.readFileSync(report.pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(report.pdfPages).toBeGreaterThanOrEqual(3);
    expect(pdfPageCount(pdf)).toBe(report.pdfPages);
    expect(pdf.subarray(-8).toString('latin1')).toContain('%%EOF');
    // The document title (from <title>) is in the PDF's info dictionary, as a literal or UTF-16 hex string.
    const text = pdf.toString('latin1');
    const hexTitle = Buffer.from('\ufeffSynOOD report', 'utf16le').swap16().toString('hex').toUpperCase();
    expect(text.includes('(SynOOD report') || text.toUpperCase().includes(hexTitle.slice(4))).toBe(true);
  });

  it('in the studio, Compare shows the foreign run with intervals and †, and imports a dropped bundle', async () => {
    const rendererDir = path.resolve('out/renderer');
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('renderer build missing: run npm run build:renderer (npm run test:e2e does)');
    ({ studio, host } = await runBrowserMode({ homeDir: path.join(t.dir, 'home-ui'), rendererDir, projectDir: projB }));
    const page: Page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(host.url);
    await page.getByTestId('app-title').waitFor();
    await page.getByTestId('nav-compare').click();
    const table = page.getByTestId('uncertainty-table');
    await table.waitFor({ timeout: 60_000 });
    await page.getByTestId(`foreign-${ids.foreign}`).waitFor();
    // Intervals under each value, a † where p < 0.05 against the reference (the zero-shot baseline).
    const cell = page.getByTestId(`u-${ids.foreign}-iNaturalist-auroc`);
    expect(await cell.textContent()).toMatch(/^\d+\.\d\d†\[\d+\.\d\d, \d+\.\d\d\]$/);
    expect(Number(await cell.getAttribute('data-p'))).toBeLessThan(0.05);
    expect(await table.locator('[data-testid="sig"]').count()).toBeGreaterThan(2);
    await page.locator('[data-testid^="seed-group-"]').first().waitFor();
    expect(await page.locator('[data-testid^="seed-group-"]').first().textContent()).toContain('ours (mean ± std, 2 seeds)');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-compare.png'), fullPage: true });

    // A bundle from a third project, through the drop target's file input (the same upload path as a drop).
    await page.getByTestId('import-bundle-input').setInputFiles(bundleC);
    await page.getByTestId('review-message').waitFor();
    expect(await page.getByTestId('review-message').textContent()).toMatch(/Imported 'third lab' as foreign run \d+, from lab-c/);
    await page.getByLabel('compare third lab').waitFor();
    // A tampered bundle is refused with the reason.
    const bad = path.join(t.dir, 'tampered.synood-run');
    const bytes = fs.readFileSync(bundleC);
    bytes[bytes.length - 100]! ^= 1;
    fs.writeFileSync(bad, bytes);
    await page.getByTestId('import-bundle-input').setInputFiles(bad);
    await page.waitForFunction(() => /tampered with/.test(document.querySelector('[data-testid="review-message"]')?.textContent ?? ''));
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
