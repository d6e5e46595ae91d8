import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { runBrowserMode } from '../../src/main/browser-mode';
import type { Studio } from '../../src/main/root';
import type { BrowserHost } from '../../src/main/host/server';
import { tmpDir } from '../helpers/tmp';
import { writeImageFolder } from '../helpers/images';
import { launchChromium, SCREENSHOTS } from './browser';

describe('studio shell in Chromium (browser mode)', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let host: BrowserHost;
  let browser: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = tmpDir('synood-e2e-');
    const rendererDir = path.resolve('out/renderer');
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('renderer build missing: run npm run build:renderer (npm run test:e2e does)');
    await writeImageFolder(path.join(t.dir, 'images'), ['bird', 'boat'], 30, 1);
    ({ studio, host } = await runBrowserMode({ homeDir: path.join(t.dir, 'home'), rendererDir }));
    browser = await launchChromium(path.join(t.dir, 'chromium-profile'));
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await studio?.close();
    t.cleanup();
  });

  it('loads the shell and shows the empty state', async () => {
    await page.goto(host.url);
    await page.getByTestId('app-title').waitFor();
    expect(await page.getByTestId('app-title').textContent()).toContain('SynOOD Studio');
    await page.getByTestId('empty-project').waitFor();
    // The token left the address bar once read.
    expect(page.url()).not.toContain('token=');
  });

  it('creates a project, navigates, and shows a running job\'s progress', async () => {
    await page.getByTestId('project-dir').fill(path.join(t.dir, 'project'));
    await page.getByTestId('project-name-input').fill('E2E birds');
    await page.getByTestId('project-create').click();
    await page.getByText('No datasets yet').waitFor();
    expect(await page.getByTestId('app-title').textContent()).toContain('E2E birds');
    // Start a deliberately paced import through the API so its progress is on screen long enough to see.
    const r = await studio.call('dataset.import', { name: 'birds-and-boats', kind: 'ind-train', source: { type: 'folder', path: path.join(t.dir, 'images'), layout: 'imagefolder' }, paceMs: 40 });
    expect(r.ok).toBe(true);
    const jobId = (r as { ok: true; value: { jobId: number } }).value.jobId;
    const progress = page.getByTestId(`job-${jobId}-progress`);
    await progress.waitFor({ timeout: 30_000 });
    await page.waitForFunction((id) => /running · [1-9]\d*\/61/.test(document.querySelector(`[data-testid="job-${id}-progress"]`)?.textContent ?? ''), jobId, { timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'shell-job-running.png') });
    await page.waitForFunction((id) => (document.querySelector(`[data-testid="job-${id}-progress"]`)?.textContent ?? '').startsWith('completed'), jobId, { timeout: 60_000 });
    await page.getByTestId('datasets-table').getByText('birds-and-boats').click();
    await page.getByTestId('image-strip').locator('img').first().waitFor();
    // Thumbnails come through the token-checked file route and really decode.
    // (They decode asynchronously: wait for them rather than count the first instant.)
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="image-strip"] img')].filter((i) => (i as HTMLImageElement).naturalWidth > 0).length > 10, undefined, { timeout: 15_000 });
    await page.getByTestId('show-skipped').click();
    await page.getByTestId('skipped-table').getByText('corrupt image').waitFor();
    await page.getByTestId('nav-jobs').click();
    await page.getByTestId('jobs-page').getByTestId(`job-${jobId}`).waitFor();
    await page.getByTestId('nav-datasets').click();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'shell-datasets.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
