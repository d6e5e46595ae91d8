import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { runBrowserMode } from '../../src/main/browser-mode';
import type { Studio } from '../../src/main/root';
import type { BrowserHost } from '../../src/main/host/server';
import { seedProject } from '../../src/main/dev/seed';
import { tmpDir } from '../helpers/tmp';
import { launchChromium, SCREENSHOTS } from './browser';

/** Issue 14, generation quality pictures: the Curate page shows source · unguided · guided for a candidate. */
describe('Curate: source · unguided · guided comparison in Chromium (browser mode)', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let host: BrowserHost;
  let browser: BrowserContext;
  let page: Page;
  let projectDir: string;
  const db = () => studio.project!.db;

  beforeAll(async () => {
    t = tmpDir('synood-curate-comparison-');
    const rendererDir = path.resolve('out/renderer');
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('renderer build missing: run npm run build:renderer (npm run test:e2e does)');
    ({ studio, host } = await runBrowserMode({ homeDir: path.join(t.dir, 'home'), rendererDir }));
    projectDir = path.join(t.dir, 'project');
    const r = await studio.call('project.create', { dir: projectDir, name: 'Comparison' });
    if (!r.ok) throw new Error(r.error.message);
    await seedProject(studio.project!, { classes: 2, imagesPerClass: 2, candidates: 6, pictures: 3, runs: false });
    // Candidate 1 was made before unguided images were kept.
    db().prepare('UPDATE candidates SET unguided_path = NULL WHERE id = 1').run();
    browser = await launchChromium(path.join(t.dir, 'chromium-profile'));
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await studio?.close();
    t?.cleanup();
  });

  /** Mean absolute difference between the image as decoded in the page (read back through a canvas) and a file's pixels. */
  async function shownVersusFile(testId: string, rel: string): Promise<number> {
    await page.waitForFunction((id) => {
      const el = document.querySelector(`[data-testid="${id}"] img`) as HTMLImageElement | null;
      return !!el && el.complete && el.naturalWidth > 0;
    }, testId, { timeout: 15_000 });
    const shown = await page.getByTestId(testId).locator('img').evaluate((el: HTMLImageElement) => {
      const c = document.createElement('canvas');
      c.width = el.naturalWidth;
      c.height = el.naturalHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(el, 0, 0);
      return { width: c.width, height: c.height, data: Array.from(ctx.getImageData(0, 0, c.width, c.height).data) };
    });
    const file = await sharp(path.join(projectDir, rel)).removeAlpha().resize(shown.width, shown.height, { fit: 'fill' }).raw().toBuffer();
    let diff = 0;
    for (let i = 0, j = 0; i < file.length; i += 3, j += 4) for (let k = 0; k < 3; k++) diff += Math.abs(file[i + k]! - shown.data[j + k]!);
    return diff / file.length;
  }

  it('shows the three images of the selected candidate, each labelled, loaded from its own file', async () => {
    const row = db().prepare('SELECT c.id, c.file_path, c.unguided_path, i.path AS source FROM candidates c JOIN images i ON i.id = c.source_image_id WHERE c.id = 2').get() as {
      id: number;
      file_path: string;
      unguided_path: string;
      source: string;
    };
    expect(row.unguided_path).toMatch(/unguided/);
    await page.goto(host.url);
    await page.getByTestId('nav-curate').click();
    await page.getByTestId(`cand-${row.id}`).click();
    const group = page.getByRole('group', { name: `candidate ${row.id}: source, unguided and guided images` });
    await group.waitFor({ timeout: 15_000 });
    expect(await group.locator('figcaption').allTextContents()).toEqual([expect.stringMatching(/^Source: /), 'Unguided', 'Guided']);
    expect(await page.getByRole('img', { name: `candidate ${row.id} unguided: the same seed before any guidance update` }).count()).toBe(1);
    expect(await page.getByRole('img', { name: `candidate ${row.id} guided, full size` }).count()).toBe(1);
    // Each tile shows its own file (the seeded unguided picture is the guided one with more noise: not interchangeable).
    const unguided = await shownVersusFile('comparison-unguided', row.unguided_path);
    const guided = await shownVersusFile('comparison-guided', row.file_path);
    const source = await shownVersusFile('comparison-source', row.source);
    expect(Math.max(unguided, guided, source)).toBeLessThan(1);
    expect(await shownVersusFile('comparison-unguided', row.file_path)).toBeGreaterThan(10);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'curate-comparison.png') });
  });

  it('says so where a candidate has no unguided image, and writes a contact sheet under exports/', async () => {
    await page.getByTestId('cand-1').click();
    const group = page.getByRole('group', { name: 'candidate 1: source, unguided and guided images' });
    await group.waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('comparison-unguided').textContent()).toMatch(/Not recorded/);
    expect(await page.getByTestId('comparison-unguided').locator('img').count()).toBe(0);
    await page.getByTestId('contact-sheet').click();
    const result = page.getByTestId('contact-sheet-result');
    await result.waitFor({ timeout: 30_000 });
    // Three per class (the default); the first class has four candidates, and the one without an unguided image is left out.
    expect(await result.textContent()).toMatch(/^Contact sheet: 5 candidates of 2 classes, exports\/contact-sheet-[\w-]+\.png/);
    const sheets = fs.readdirSync(path.join(projectDir, 'exports')).filter((f) => /^contact-sheet-.*\.png$/.test(f));
    expect(sheets).toHaveLength(1);
    const meta = await sharp(path.join(projectDir, 'exports', sheets[0]!)).metadata();
    expect(meta.width).toBe(3 * 160 + 4 * 4);
  });
});
