import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { runBrowserMode } from '../../src/main/browser-mode';
import { runDemo, type DemoResult } from '../../src/main/demo/run-demo';
import type { Studio } from '../../src/main/root';
import type { BrowserHost } from '../../src/main/host/server';
import { tmpDir } from '../helpers/tmp';
import { launchChromium, SCREENSHOTS } from './browser';

/**
 * Issue 13, items 5–7, on the demo project (real tiny models, so evaluation and the describer really run):
 * views that refresh when a job finishes, charts and tables, and the small things seen along the way.
 */
describe('studio views in Chromium (browser mode, demo project)', () => {
  let t: ReturnType<typeof tmpDir>;
  let demo: DemoResult;
  let studio: Studio;
  let host: BrowserHost;
  let browser: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `views-${name}.png`) });
  const db = () => studio.project!.db;
  const newestJob = (kind: string) => db().prepare('SELECT id FROM jobs WHERE kind = ? ORDER BY id DESC LIMIT 1').pluck().get(kind) as number | undefined;
  const jobStatus = (id: number) => db().prepare('SELECT status FROM jobs WHERE id = ?').pluck().get(id) as string;
  /** Waits until the job queued after `before` has finished, as the database (not the page) sees it. */
  const jobFinished = async (kind: string, before: number | undefined) => {
    let id: number | undefined;
    await expect.poll(() => ((id = newestJob(kind)) !== undefined && id !== before ? jobStatus(id) : 'none'), { timeout: 60_000, interval: 50 }).toBe('completed');
    return id!;
  };
  const nav = async (id: string) => {
    await page.getByTestId(`nav-${id}`).click();
  };

  beforeAll(async () => {
    t = tmpDir('synood-views-');
    const rendererDir = path.resolve('out/renderer');
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('renderer build missing: run npm run build:renderer (npm run test:e2e does)');
    demo = await runDemo({ dir: path.join(t.dir, 'demo'), log: () => undefined, data: 'factory' });
    // The recent-projects list as earlier sessions left it: the same project under other spellings, and one gone.
    const home = path.join(t.dir, 'home');
    fs.mkdirSync(home, { recursive: true });
    fs.symlinkSync(path.dirname(demo.projectDir), path.join(t.dir, 'demo-link'));
    const recent = [
      { dir: `${demo.projectDir}/`, name: 'SynOOD demo', openedAt: 3 },
      { dir: path.join(t.dir, 'demo-link', 'project'), name: 'SynOOD demo', openedAt: 2 },
      { dir: path.join(t.dir, 'gone', 'project'), name: 'SynOOD demo', openedAt: 1 },
    ];
    fs.writeFileSync(path.join(home, 'recent-projects.json'), JSON.stringify(recent));
    ({ studio, host } = await runBrowserMode({ homeDir: home, rendererDir, projectDir: demo.projectDir }));
    browser = await launchChromium(path.join(t.dir, 'chromium-profile'));
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${m.text()} ${m.location().url}`));
  });
  beforeEach((ctx) => {
    ctx.onTestFailed(async () => {
      if (pageErrors.length) console.error('page errors:', pageErrors);
      await page?.screenshot({ path: path.join(SCREENSHOTS, `views-failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}.png`) });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await studio?.close();
    t?.cleanup();
  });

  it('loads without a console error (favicon) and lists the open project once under Recent, with its path', async () => {
    await page.goto(host.url);
    await page.getByTestId('app-title').waitFor();
    await page.waitForLoadState('networkidle');
    await page.getByTestId('project-name').waitFor();
    expect(consoleErrors).toEqual([]);
    const entries = page.getByRole('button', { name: /SynOOD demo/ });
    await entries.first().waitFor();
    expect(await entries.count()).toBe(1);
    expect(await entries.first().textContent()).toContain(demo.projectDir);
    await shot('1-project');
  });

  it('keeps the current page across a reload', async () => {
    await nav('evaluate');
    await page.getByTestId('evaluate-page').waitFor();
    await page.reload();
    await page.getByTestId('app-title').waitFor();
    await page.getByTestId('evaluate-page').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('nav-evaluate').getAttribute('class')).toContain('Mui-selected');
    expect(consoleErrors).toEqual([]);
  });

  it('names each run once, without a doubled kind suffix', async () => {
    await nav('evaluate');
    await page.getByTestId('evaluate-run').click();
    const options = await page.getByRole('option').allTextContents();
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    expect(options.some((o) => o.startsWith('NegLabel (zero-shot)'))).toBe(true);
    for (const o of options) expect(o).not.toMatch(/\(zero-shot\).*\(zero-shot\)/);
  });

  it('Evaluate shows every OOD set and the right Average once its evaluation job finishes', async () => {
    const baseline = demo.runIds.baseline;
    db().prepare('DELETE FROM evaluations WHERE run_id = ?').run(baseline);
    await nav('project');
    await nav('evaluate');
    await page.getByTestId('evaluate-run').click();
    await page.getByRole('option', { name: /^NegLabel/ }).click();
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    await page.getByText('This run has no evaluation yet').waitFor();
    const before = newestJob('evaluate.run');
    await page.getByTestId('evaluate-start').click();
    await jobFinished('evaluate.run', before);
    const rows = page.getByTestId('metrics-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(3);
    const evals = db().prepare('SELECT auroc FROM evaluations WHERE run_id = ?').pluck().all(baseline) as number[];
    expect(evals).toHaveLength(2);
    const average = ((100 * (evals[0]! + evals[1]!)) / 2).toFixed(2);
    expect(await page.getByTestId('metrics-average').locator('td').nth(1).textContent()).toBe(average);
    await shot('2-evaluate');
  });

  it('Prompts shows the describer’s prompts once its job finishes, without a reload', async () => {
    await nav('prompts');
    const waiting = page.locator('[data-testid^="prompt-image-"]').filter({ hasText: 'no prompt yet' });
    await waiting.first().waitFor();
    const ids: string[] = [];
    // Several items, a fraction of a second apart: the job's own refresh hints (at most one a second) miss the last.
    for (let i = 0; i < 4; i++) ids.push((await waiting.nth(i).getAttribute('data-testid'))!);
    for (const id of ids) await page.getByTestId(id).getByRole('checkbox').check();
    const before = newestJob('describe.images');
    await page.getByTestId('describe-selection').click();
    await jobFinished('describe.images', before);
    for (const id of ids) await expect.poll(() => page.getByTestId(id).textContent(), { timeout: 5_000 }).not.toContain('no prompt yet');
  });

  const strokes = (chart: Locator) => chart.locator('path.recharts-line-curve').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')).filter((s) => s !== '#999').sort());
  const intersects = (a: DOMRect | { x: number; y: number; width: number; height: number }, b: typeof a) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  it('Compare: a run keeps its colour when the selection changes', async () => {
    await nav('compare');
    const loss = page.getByTestId('chart-compare-loss');
    await loss.locator('path.recharts-line-curve').first().waitFor();
    const before = await strokes(loss);
    expect(before).toHaveLength(2);
    await page.getByLabel('compare NegLabel (zero-shot)').uncheck();
    await expect.poll(() => page.getByTestId('compare-table').locator('tbody tr').count()).toBe(2);
    expect(await strokes(loss)).toEqual(before);
    await page.getByLabel('compare NegLabel (zero-shot)').check();
    await expect.poll(() => page.getByTestId('compare-table').locator('tbody tr').count()).toBe(3);
    expect(await strokes(loss)).toEqual(before);
  });

  it('Compare: legends sit clear of the lines, and exported SVG and PNG carry them', async () => {
    const roc = page.locator('[data-testid^="chart-compare-roc-"]');
    await roc.locator('path.recharts-line-curve').first().waitFor();
    const grid = await roc.locator('.recharts-cartesian-grid').boundingBox();
    const items = roc.locator('.recharts-legend-item, .chart-legend-item');
    await expect.poll(() => items.count()).toBe(3);
    for (const box of await items.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) expect(intersects(box, grid!)).toBe(false);
    await shot('3-compare');

    const [svgDl] = await Promise.all([page.waitForEvent('download'), roc.getByRole('button', { name: 'SVG' }).click()]);
    const svg = fs.readFileSync((await svgDl.path())!, 'utf8');
    fs.writeFileSync(path.join(SCREENSHOTS, 'views-export-roc.svg'), svg);
    for (const name of ['NegLabel (zero-shot)', 'SynOOD stage 2 only (tuned label features)', 'SynOOD (projection + tuned label features)']) expect(svg).toContain(name);
    const [pngDl] = await Promise.all([page.waitForEvent('download'), roc.getByRole('button', { name: 'PNG' }).click()]);
    const png = fs.readFileSync((await pngDl.path())!);
    fs.writeFileSync(path.join(SCREENSHOTS, 'views-export-roc.png'), png);
    const surface = await roc.locator('svg.recharts-surface').first().boundingBox();
    // Drawn at 2×: the picture is taller than the plot by the legend's rows.
    expect(png.readUInt32BE(16)).toBe(Math.round(2 * surface!.width));
    expect(png.readUInt32BE(20)).toBeGreaterThan(Math.round(2 * surface!.height) + 20);
  });

  it('Compare: the config diff names settings and run kinds for people, and the LaTeX says what it needs', async () => {
    await page.getByTestId('only-diff').click();
    const diff = page.getByTestId('config-diff');
    await diff.getByText('Guidance loss reduction').waitFor({ timeout: 5_000 });
    const text = (await diff.textContent())!;
    expect(text).toContain('Projection at test time');
    expect(text).toContain('Run kind');
    expect(text).toContain('Zero-shot baseline');
    expect(text).not.toContain('generation.reduction');
    expect(text).not.toContain('scoring.projection');
    await page.getByTestId('only-diff').click();
    await page.getByTestId('export-latex').click();
    const latex = (await page.getByTestId('export-text').textContent())!;
    const head = latex.split('\n').filter((l) => l.startsWith('%'));
    expect(latex.startsWith('%')).toBe(true);
    expect(head.join(' ')).toMatch(/booktabs/);
    expect(head.join(' ')).toMatch(/multirow/);
    await page.keyboard.press('Escape');
  });

  it('Jobs lists a job’s items readably, with start and finish times and durations', async () => {
    const gen = newestJob('generate.candidates')!;
    const first = db().prepare("SELECT json_extract(payload_json, '$.imageId') FROM job_items WHERE job_id = ? ORDER BY seq LIMIT 1").pluck().get(gen) as number;
    const file = path.basename(db().prepare('SELECT path FROM images WHERE id = ?').pluck().get(first) as string);
    await nav('jobs');
    await page.getByTestId(`job-${gen}`).click();
    const table = page.getByTestId(`job-items-${gen}`);
    await table.waitFor({ timeout: 5_000 });
    const head = (await table.locator('thead').textContent())!;
    for (const h of ['Started', 'Finished', 'Duration']) expect(head).toContain(h);
    const row = table.locator('tbody tr').first();
    expect(await row.textContent()).toContain(`${file} · seed 0`);
    expect(await row.textContent()).toMatch(/\d+(\.\d+)? (ms|s)\b/);
    expect(await table.textContent()).not.toMatch(/\b\d+:0\b/);
    await shot('4-jobs');
  });

  it('Datasets pages through a dataset’s thumbnails', async () => {
    await nav('datasets');
    await page.getByTestId('datasets-table').getByText('ind-train', { exact: true }).first().click();
    const pager = page.getByTestId('image-pager');
    await pager.getByText('1–24 of 48').waitFor({ timeout: 5_000 });
    const alts = () => page.getByTestId('image-strip').locator('img').evaluateAll((is) => is.map((i) => i.getAttribute('alt')));
    const first = await alts();
    expect(first).toHaveLength(24);
    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText('25–48 of 48').waitFor();
    await expect.poll(async () => (await alts())[0]).not.toBe(first[0]);
    const second = await alts();
    expect(second).toHaveLength(24);
    expect(second.filter((a) => first.includes(a))).toEqual([]);
    expect(await pager.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await pager.getByRole('button', { name: 'Previous' }).click();
    await pager.getByText('1–24 of 48').waitFor();
    await expect.poll(() => pager.getByRole('button', { name: 'Next' }).isEnabled()).toBe(true);
    expect(await pager.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    expect(await alts()).toEqual(first);
    await shot('5-datasets');
    expect(pageErrors).toEqual([]);
  });
});
