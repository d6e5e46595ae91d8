import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { runBrowserMode } from '../../src/main/browser-mode';
import type { Studio } from '../../src/main/root';
import type { BrowserHost } from '../../src/main/host/server';
import { seedProject } from '../../src/main/dev/seed';
import { NEGLABEL_NOUN_TEMPLATE } from '../../src/main/ood/prompts';
import { tmpDir } from '../helpers/tmp';
import { launchChromium, SCREENSHOTS } from './browser';

/**
 * Issue 13, items 1 and 4: the curation page on a project another tool has already curated (the demo's
 * auto-curation, `synood accept`), and relabelling from the detail panel.
 */
describe('curation flows in Chromium (browser mode)', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let host: BrowserHost;
  let browser: BrowserContext;
  let page: Page;
  let zeppelin: number;
  const pageErrors: string[] = [];
  const db = () => studio.project!.db;
  const call = async <T>(route: string, input: unknown): Promise<T> => {
    const r = await studio.call(route, input);
    if (!r.ok) throw new Error(`${route}: ${r.error.message}`);
    return r.value as T;
  };
  const status = (id: number) => db().prepare('SELECT status FROM candidates WHERE id = ?').pluck().get(id) as string;
  const statuses = () => db().prepare('SELECT id, status, label_id FROM candidates ORDER BY id').all();
  const text = (testId: string) => page.getByTestId(testId).textContent().then((s) => s ?? '');
  const waitText = (testId: string, re: RegExp) =>
    page.waitForFunction(([id, src, flags]) => new RegExp(src, flags).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''), [testId, re.source, re.flags] as const, { timeout: 15_000 });
  /** Leaves whatever text box has the focus, so the gallery keys act again. */
  const blur = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  beforeAll(async () => {
    t = tmpDir('synood-flows-curation-');
    const rendererDir = path.resolve('out/renderer');
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('renderer build missing: run npm run build:renderer (npm run test:e2e does)');
    ({ studio, host } = await runBrowserMode({ homeDir: path.join(t.dir, 'home'), rendererDir }));
    await call('project.create', { dir: path.join(t.dir, 'project'), name: 'Curation flows' });
    await seedProject(studio.project!, { classes: 3, imagesPerClass: 2, candidates: 40, pictures: 4, runs: false });
    // A mined word that is not in the selected vocabulary: a curator may still pick it.
    zeppelin = Number(db().prepare("INSERT INTO neg_labels (word, pos, template, mining_score, selected) VALUES ('zeppelin', 'noun', ?, 0.1, 0)").run(NEGLABEL_NOUN_TEMPLATE).lastInsertRowid);
    // What the demo's auto-curation does, through the API but not from this browser session.
    await call('curation.decide', { target: { type: 'filter', filter: { status: 'new', sourceClassProb: { min: 0.9 } } }, decision: { status: 'rejected' } });
    await call('curation.decide', { target: { type: 'filter', filter: { status: 'new' } }, decision: { status: 'accepted' } });
    browser = await launchChromium(path.join(t.dir, 'chromium-profile'));
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  beforeEach((ctx) => {
    ctx.onTestFailed(async () => {
      await page?.screenshot({ path: path.join(SCREENSHOTS, `curation-failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}.png`) });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await studio?.close();
    t?.cleanup();
  });

  it('first view of an auto-curated project shows its candidates, and Undo does not reach into the other tool\'s bulk action', async () => {
    expect(db().prepare("SELECT count(*) FROM candidates WHERE status = 'new'").pluck().get()).toBe(0);
    const before = statuses();
    await page.goto(host.url);
    await page.getByTestId('nav-curate').click();
    // Nothing is new, so the first view is every candidate rather than an empty 'new' filter.
    await page.getByTestId('cand-40').waitFor({ timeout: 15_000 });
    await waitText('curate-counts', /^40 in view · of this slice 0 new/);
    expect(await page.getByTestId('curate-none-match').count()).toBe(0);
    expect(await text('filter-status')).toMatch(/Any/);
    // Every suggested reject is already decided: none to suggest.
    expect(await page.getByTestId('suggested-rejects').count()).toBe(0);
    // This session made no decision: Undo has nothing to do, and U says so instead of undoing the auto-curation.
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);
    await page.getByTestId('cand-40').click();
    await page.keyboard.press('u');
    await waitText('curate-toast', /Nothing to undo in this session/);
    expect(await text('curate-toast')).toMatch(/not undone here/);
    expect(statuses()).toEqual(before);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'curation-first-view.png') });
  });

  it('with undecided candidates the first view is the new ones, the chip counts only undecided suggested rejects, and undo stays in this session', async () => {
    const suggestedAll = db().prepare('SELECT count(*) FROM candidates WHERE source_class_prob >= 0.5').pluck().get() as number;
    const back = db().prepare("SELECT id FROM candidates WHERE status = 'accepted' AND source_class_prob >= 0.5 ORDER BY id LIMIT 2").pluck().all() as number[];
    const low = db().prepare("SELECT id FROM candidates WHERE status = 'accepted' AND source_class_prob < 0.5 ORDER BY id DESC LIMIT 1").pluck().all() as number[];
    expect(back).toHaveLength(2);
    expect(suggestedAll).toBeGreaterThan(2);
    db().prepare("UPDATE candidates SET status = 'new' WHERE id IN (SELECT value FROM json_each(?))").run(JSON.stringify([...back, ...low]));
    const otherBefore = db().prepare("SELECT count(*) FROM candidates WHERE status = 'accepted'").pluck().get() as number;
    await page.reload();
    await page.getByTestId('nav-curate').click();
    await waitText('curate-counts', /^3 in view · of this slice 3 new/);
    expect(await text('filter-status')).toMatch(/New/);
    await waitText('suggested-rejects', /⚠ 2 suggested rejects/);
    // One decision in this session: undo names it and reverts only it.
    const first = low[0]!;
    await page.getByTestId(`cand-${first}`).click();
    await page.getByTestId('candidate-detail').getByText(`#${first}`).waitFor();
    await page.keyboard.press('r');
    await page.waitForFunction((id) => document.querySelector(`[data-testid="cand-${id}"]`)?.getAttribute('data-status') === 'rejected', first, { timeout: 15_000 });
    await waitText('undo', new RegExp(`Undo reject #${first}`));
    await page.keyboard.press('u');
    await page.waitForFunction((id) => document.querySelector(`[data-testid="cand-${id}"]`)?.getAttribute('data-status') === 'new', first, { timeout: 15_000 });
    expect(status(first)).toBe('new');
    await waitText('curate-toast', new RegExp(`Undid reject #${first}`));
    await page.keyboard.press('u');
    await waitText('curate-toast', /Nothing to undo in this session/);
    expect(db().prepare("SELECT count(*) FROM candidates WHERE status = 'accepted'").pluck().get()).toBe(otherBefore);
    expect(status(first)).toBe('new');
  });

  it('relabels from the detail panel: searches every negative label as one types, saves a human label and names the candidate', async () => {
    const id = (db().prepare("SELECT id FROM candidates WHERE status = 'new' ORDER BY id DESC LIMIT 1").pluck().get() as number);
    const modelLabel = db().prepare('SELECT label_id FROM candidates WHERE id = ?').pluck().get(id) as number;
    await page.getByTestId(`cand-${id}`).click();
    const detail = page.getByTestId('candidate-detail');
    await detail.getByText(`#${id}`).waitFor();
    const input = page.getByTestId('relabel-input');
    await input.click();
    await input.press('Control+a');
    await input.pressSequentially('zepp', { delay: 40 });
    // The typed text stays; the list offers the unselected word it matches.
    await page.getByRole('option', { name: /zeppelin/ }).waitFor({ timeout: 10_000 });
    expect(await input.inputValue()).toBe('zepp');
    await page.getByRole('option', { name: /zeppelin/ }).click();
    await waitText('curate-toast', new RegExp(`Relabelled #${id} as 'zeppelin'`));
    expect(db().prepare('SELECT label_id, label_source FROM candidates WHERE id = ?').get(id)).toEqual({ label_id: zeppelin, label_source: 'human' });
    await waitText('detail-label-source', /person/);
    // A second edit right away: another word, typed from scratch.
    await input.click();
    await input.press('Control+a');
    await input.pressSequentially('cathe', { delay: 40 });
    await page.getByRole('option', { name: /cathedral/ }).waitFor({ timeout: 10_000 });
    expect(await input.inputValue()).toBe('cathe');
    await page.getByRole('option', { name: /cathedral/ }).click();
    await waitText('curate-toast', new RegExp(`Relabelled #${id} as 'cathedral'`));
    const cathedral = db().prepare("SELECT id FROM neg_labels WHERE word = 'cathedral'").pluck().get() as number;
    expect(db().prepare('SELECT label_id FROM candidates WHERE id = ?').pluck().get(id)).toBe(cathedral);
    // An InD class is offered only as a hint, not as a label.
    await input.click();
    await input.press('Control+a');
    await input.pressSequentially('goldf', { delay: 40 });
    const ind = page.getByRole('option', { name: /goldfish.*InD class/ });
    await ind.waitFor({ timeout: 10_000 });
    expect(await ind.getAttribute('aria-disabled')).toBe('true');
    await page.keyboard.press('Escape');
    await blur();
    // Undo walks back this session's relabels, newest first, to the model's label.
    await page.keyboard.press('u');
    await page.waitForFunction(([cid, l]) => document.querySelector(`[data-testid="cand-${cid}"]`)?.getAttribute('title')?.includes(`→ ${l} ·`) ?? false, [id, 'zeppelin'] as const, { timeout: 15_000 });
    await page.keyboard.press('u');
    await page.waitForFunction(
      ([cid]) => !(document.querySelector(`[data-testid="cand-${cid}"]`)?.getAttribute('title')?.includes('→ zeppelin ·') ?? true),
      [id] as const,
      { timeout: 15_000 },
    );
    expect(db().prepare('SELECT label_id, label_source FROM candidates WHERE id = ?').get(id)).toEqual({ label_id: modelLabel, label_source: 'model' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'curation-relabel.png') });
  });

  it('a candidate generated after the last assignment shows as awaiting its label, and one click queues assignment for it', async () => {
    const src = db().prepare('SELECT source_image_id, class_id, file_path, thumb_path FROM candidates WHERE id = 1').get() as Record<string, unknown>;
    const fresh = Number(
      db()
        .prepare("INSERT INTO candidates (source_image_id, class_id, seed, objective, file_path, thumb_path, created_at) VALUES (?, ?, 99, 'official', ?, ?, ?)")
        .run(src.source_image_id, src.class_id, src.file_path, src.thumb_path, Date.now()).lastInsertRowid,
    );
    await page.reload();
    await page.getByTestId('nav-curate').click();
    await waitText('awaiting-labels', /1 candidate awaiting label assignment/);
    await waitText(`cand-${fresh}`, /awaiting label/);
    await page.getByTestId(`cand-${fresh}`).click();
    await waitText('detail-label-source', /awaiting label assignment/);
    await page.getByTestId('assign-unlabelled').click();
    await waitText('curate-toast', /Label assignment queued as job \d+ for 1 candidate\b/);
    const job = db().prepare("SELECT params_json FROM jobs WHERE kind = 'labels.assign' ORDER BY id DESC LIMIT 1").pluck().get() as string;
    expect(JSON.parse(job)).toEqual({ scope: 'unlabelled' });
    expect(pageErrors).toEqual([]);
  });
});
