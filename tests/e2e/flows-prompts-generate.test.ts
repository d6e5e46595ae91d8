import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { runBrowserMode } from '../../src/main/browser-mode';
import type { Studio } from '../../src/main/root';
import type { BrowserHost } from '../../src/main/host/server';
import { seedProject, type SeedSummary } from '../../src/main/dev/seed';
import { contextPrompt } from '../../src/main/pipeline/describe/context-prompt';
import { GenerateSettings } from '../../src/shared/api/routes/generate';
import { tmpDir } from '../helpers/tmp';
import { writeImage } from '../helpers/images';
import { launchChromium, SCREENSHOTS } from './browser';

/** An answer a small VLM gives: one run-on phrase, far over the API's 100-character element limit. */
const RUN_ON = 'wall only flower background background background background background background background window bush background objects bush window user';

/** Issue 13, items 2 and 3: saving a model-written prompt, and what the Generate page says before and after queueing. */
describe('prompt and generate flows in Chromium (browser mode)', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let host: BrowserHost;
  let browser: BrowserContext;
  let page: Page;
  let seed: SeedSummary;
  let longImage: number;
  let bare: number[];
  const pageErrors: string[] = [];
  const db = () => studio.project!.db;
  const call = async <T>(route: string, input: unknown): Promise<T> => {
    const r = await studio.call(route, input);
    if (!r.ok) throw new Error(`${route}: ${r.error.message}`);
    return r.value as T;
  };
  const classId = (name: string) => db().prepare('SELECT id FROM classes WHERE name = ? AND dataset_id = ?').pluck().get(name, seed.indDatasetId) as number;
  const waitText = (testId: string, re: RegExp) =>
    page.waitForFunction(([id, src, flags]) => new RegExp(src, flags).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''), [testId, re.source, re.flags] as const, { timeout: 15_000 });

  beforeAll(async () => {
    t = tmpDir('synood-flows-pg-');
    const rendererDir = path.resolve('out/renderer');
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('renderer build missing: run npm run build:renderer (npm run test:e2e does)');
    ({ studio, host } = await runBrowserMode({ homeDir: path.join(t.dir, 'home'), rendererDir }));
    await call('project.create', { dir: path.join(t.dir, 'project'), name: 'Prompt and generate flows' });
    seed = await seedProject(studio.project!, { classes: 3, imagesPerClass: 2, candidates: 12, pictures: 2, runs: false });
    const now = Date.now();
    // The newest version of one panda image is a describer answer as older versions stored it: one element over 100 characters.
    longImage = db().prepare('SELECT id FROM images WHERE class_id = ? ORDER BY id LIMIT 1').pluck().get(classId('giant panda')) as number;
    const next = (db().prepare('SELECT max(version) FROM prompt_versions WHERE image_id = ?').pluck().get(longImage) as number) + 1;
    db()
      .prepare("INSERT INTO prompt_versions (image_id, version, author, model, raw_answer, elements_json, prompt, created_at) VALUES (?, ?, 'model', 'vlm:tiny-llava', ?, ?, ?, ?)")
      .run(longImage, next, `${RUN_ON}, fence`, JSON.stringify([RUN_ON, 'fence']), contextPrompt(`${RUN_ON}, fence`), now);
    // Two goldfish images imported after the describer ran: no prompt yet.
    bare = [];
    for (let i = 0; i < 2; i++) {
      const rel = `datasets/late/goldfish_${i}.png`;
      await writeImage(path.join(studio.project!.paths.root, rel), 70 + i, 32);
      bare.push(
        Number(
          db()
            .prepare('INSERT INTO images (dataset_id, class_id, path, width, height, bytes, sha256, skip_reason, thumb_path, selected) VALUES (?, ?, ?, 32, 32, 100, NULL, NULL, NULL, 0)')
            .run(seed.indDatasetId, classId('goldfish'), rel).lastInsertRowid,
        ),
      );
    }
    // An earlier generate job in which some items failed, each with its reason.
    const jobId = Number(
      db()
        .prepare("INSERT INTO jobs (kind, title, params_json, status, created_at, status_at) VALUES ('generate.candidates', 'Generate 3 candidates (official)', ?, 'completed', ?, ?)")
        .run(JSON.stringify({ settings: GenerateSettings.parse({}) }), now, now).lastInsertRowid,
    );
    const item = db().prepare('INSERT INTO job_items (job_id, seq, key, payload_json, status, error, attempts, finished_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)');
    item.run(jobId, 0, `${bare[0]}:0`, JSON.stringify({ imageId: bare[0], seed: 0, promptVersionId: null }), 'failed', 'no context prompt; run Describe first', now);
    item.run(jobId, 1, `${bare[1]}:0`, JSON.stringify({ imageId: bare[1], seed: 0, promptVersionId: null }), 'failed', 'no context prompt; run Describe first', now);
    item.run(jobId, 2, `${longImage}:0`, JSON.stringify({ imageId: longImage, seed: 0, promptVersionId: null }), 'failed', 'unreadable source image datasets/x.png: ENOENT', now);
    browser = await launchChromium(path.join(t.dir, 'chromium-profile'));
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  beforeEach((ctx) => {
    ctx.onTestFailed(async () => {
      await page?.screenshot({ path: path.join(SCREENSHOTS, `pg-failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}.png`) });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await studio?.close();
    t?.cleanup();
  });

  it('a model-written prompt says so, notes what was trimmed, and saves after an edit', async () => {
    await page.goto(host.url);
    await page.getByTestId('nav-prompts').click();
    await page.getByTestId(`prompt-image-${longImage}`).click();
    const editor = page.getByTestId('prompt-editor');
    await editor.getByTestId('raw-answer').waitFor();
    await waitText('prompt-author', /model-written/i);
    await waitText('prompt-trim-note', /100-character/);
    expect(await editor.getByTestId('prompt-trim-note').textContent()).toMatch(/background objects bush window user/);
    const versions = await editor.getByTestId('prompt-version').count();
    await page.getByTestId('add-element').fill('harbor crane');
    await page.getByTestId('add-element').press('Enter');
    await page.getByTestId('prompt-save').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="prompt-version"]').length === n + 1, versions, { timeout: 15_000 });
    const saved = db().prepare('SELECT author, elements_json FROM prompt_versions WHERE image_id = ? ORDER BY version DESC LIMIT 1').get(longImage) as { author: string; elements_json: string };
    expect(saved.author).toBe('human');
    const elements = JSON.parse(saved.elements_json) as string[];
    expect(elements).toContain('harbor crane');
    expect(elements.every((e) => e.length <= 100)).toBe(true);
    await waitText('prompt-author', /edited by a person/i);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'pg-prompt-saved.png') });
  });

  it('shows why the latest generate job\'s items failed, with a way to describe the images that had no prompt', async () => {
    await page.getByTestId('nav-generate').click();
    const failures = page.getByTestId('generate-failures');
    await failures.waitFor({ timeout: 15_000 });
    await waitText('generate-failures', /2 × no context prompt; run Describe first/);
    expect(await failures.textContent()).toMatch(/1 × unreadable source image datasets\/x\.png: ENOENT/);
  });

  it('says why Queue is disabled, and a finished job shows no "now on"', async () => {
    expect(await page.getByTestId('generate-start').isDisabled()).toBe(true);
    await waitText('generate-start-hint', /Pick at least one class/);
    const live = (await page.getByTestId('live-view').textContent()) ?? '';
    expect(live).not.toMatch(/now on/);
  });

  it('warns before queueing when chosen images have no context prompt, and queues describe for them', async () => {
    await page.getByTestId('generate-classes').click();
    await page.getByRole('option', { name: /goldfish/ }).click();
    await page.keyboard.press('Escape');
    await waitText('generate-missing-prompts', /2 of 4 images have no context prompt/);
    await page.getByTestId('generate-start').click();
    await page.getByTestId('missing-prompts-dialog').waitFor();
    const jobsBefore = db().prepare("SELECT count(*) FROM jobs WHERE kind = 'generate.candidates'").pluck().get() as number;
    await page.getByTestId('missing-prompts-dialog').getByTestId('describe-missing').click();
    await waitText('generate-message', /Describer queued as job \d+/);
    const job = db().prepare("SELECT id FROM jobs WHERE kind = 'describe.images' ORDER BY id DESC LIMIT 1").pluck().get() as number;
    const keys = db().prepare('SELECT key FROM job_items WHERE job_id = ? ORDER BY seq').pluck().all(job) as string[];
    expect(keys).toEqual(bare.map(String));
    // Describing first queued no generation.
    expect(db().prepare("SELECT count(*) FROM jobs WHERE kind = 'generate.candidates'").pluck().get()).toBe(jobsBefore);
  });

  it('skips an item that would repeat an existing candidate (same source image, seed and settings) and says so', async () => {
    const settings = GenerateSettings.parse({});
    const panda = db().prepare('SELECT id FROM images WHERE class_id = ? AND id != ? ORDER BY id LIMIT 1').pluck().get(classId('giant panda'), longImage) as number;
    const prompt = db().prepare('SELECT id, prompt FROM prompt_versions WHERE image_id = ? ORDER BY version DESC LIMIT 1').get(panda) as { id: number; prompt: string };
    const dup = Number(
      db()
        .prepare(
          "INSERT INTO candidates (source_image_id, class_id, prompt_version_id, seed, objective, config_json, file_path, created_at) VALUES (?, ?, ?, ?, ?, ?, 'candidates/dup.png', ?)",
        )
        .run(panda, classId('giant panda'), prompt.id, settings.seed, settings.objective, JSON.stringify({ ...settings, width: 64, height: 64, prompt: prompt.prompt }), Date.now()).lastInsertRowid,
    );
    await page.reload();
    await page.getByTestId('nav-generate').click();
    await page.getByTestId('generate-classes').click();
    await page.getByRole('option', { name: /giant panda/ }).click();
    await page.keyboard.press('Escape');
    await waitText('generate-duplicates', new RegExp(`1 of 2 items would repeat candidate #${dup}`));
    const before = db().prepare("SELECT max(id) FROM jobs WHERE kind = 'generate.candidates'").pluck().get() as number;
    await page.getByTestId('generate-start').click();
    await waitText('generate-message', /Queued 1 item as job \d+; skipped 1 that would repeat an existing candidate/);
    const job = db().prepare("SELECT max(id) FROM jobs WHERE kind = 'generate.candidates'").pluck().get() as number;
    expect(job).toBeGreaterThan(before);
    expect(db().prepare('SELECT key FROM job_items WHERE job_id = ?').pluck().all(job)).toEqual([`${longImage}:${settings.seed}`]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'pg-generate.png') });
    expect(pageErrors).toEqual([]);
  });
});
