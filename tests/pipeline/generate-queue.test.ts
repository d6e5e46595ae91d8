import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, type SeedSummary } from '../../src/main/dev/seed';
import { candidatePrompt } from '../../src/main/pipeline/generate/job-prompt';
import { Studio } from '../../src/main/root';
import { GenerateSettings } from '../../src/shared/api/routes/generate';
import type { PromptVersion } from '../../src/shared/api/routes/prompts';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { registerGenerationModels, writeTinyGenerationModels } from './generation-models';
import { imagesOf, jobDone, openProbe, projectWithImages, value } from './stage-project';

/**
 * Issue 13 item 3, on the main side: what generate.preview / generate.start say about missing prompts and repeats,
 * and that an item queued before its image had a prompt uses the prompt the image has when it runs.
 */
describe('queueing generation on a seeded project', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let seed: SeedSummary;
  const db = () => studio.project!.db;
  const call = async <T>(route: string, input: unknown): Promise<T> => value<T>(await studio.call(route, input));
  const settings = GenerateSettings.parse({ seed: 5 });
  let panda: number[];
  let bare: number;

  beforeAll(async () => {
    t = tmpDir('synood-generate-queue-');
    studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home') });
    await call('project.create', { dir: path.join(t.dir, 'project'), name: 'queue' });
    seed = await seedProject(studio.project!, { classes: 2, imagesPerClass: 3, candidates: 4, pictures: 1, runs: false });
    const pandaClass = db().prepare("SELECT id FROM classes WHERE name = 'giant panda' AND dataset_id = ?").pluck().get(seed.indDatasetId) as number;
    panda = db().prepare('SELECT id FROM images WHERE class_id = ? AND skip_reason IS NULL ORDER BY id').pluck().all(pandaClass) as number[];
    bare = Number(
      db()
        .prepare("INSERT INTO images (dataset_id, class_id, path, width, height, bytes, skip_reason, selected) VALUES (?, ?, 'datasets/late/panda.png', 32, 32, 10, NULL, 0)")
        .run(seed.indDatasetId, pandaClass).lastInsertRowid,
    );
    // Jobs queued here would run against the seeder's model rows, which have no files: keep them from starting.
    db().prepare("UPDATE models SET path = path || '.absent'").run();
  });
  afterAll(async () => {
    await studio?.close();
    t?.cleanup();
  });

  const current = (imageId: number) => db().prepare('SELECT id, prompt FROM prompt_versions WHERE image_id = ? ORDER BY version DESC LIMIT 1').get(imageId) as { id: number; prompt: string } | undefined;
  const addCandidate = (imageId: number, seedValue: number, config: Record<string, unknown>) =>
    Number(
      db()
        .prepare("INSERT INTO candidates (source_image_id, class_id, prompt_version_id, seed, objective, config_json, file_path, created_at) VALUES (?, NULL, ?, ?, ?, ?, 'candidates/x.png', ?)")
        .run(imageId, current(imageId)?.id ?? null, seedValue, config.objective, JSON.stringify(config), Date.now()).lastInsertRowid,
    );

  it('an item queued without a prompt uses the prompt its image has when the item runs', () => {
    expect(() => candidatePrompt(db(), 'official', { imageId: bare, seed: 0, promptVersionId: null })).toThrow(/no context prompt/);
    const v = db()
      .prepare("INSERT INTO prompt_versions (image_id, version, author, elements_json, prompt, created_at) VALUES (?, 1, 'human', '[\"reeds\"]', 'A photo only remain reeds.', ?)")
      .run(bare, Date.now());
    expect(candidatePrompt(db(), 'official', { imageId: bare, seed: 0, promptVersionId: null })).toEqual({ text: 'A photo only remain reeds.', promptVersionId: Number(v.lastInsertRowid) });
    // A pinned version stays what the item was queued with.
    const pinned = current(panda[0]!)!;
    expect(candidatePrompt(db(), 'official', { imageId: panda[0]!, seed: 0, promptVersionId: pinned.id })).toEqual({ text: pinned.prompt, promptVersionId: pinned.id });
    db().prepare('DELETE FROM prompt_versions WHERE image_id = ?').run(bare);
  });

  it('preview names the images without a context prompt (none are needed for neg-text2img)', async () => {
    const p = await call<{ images: number; items: number; withoutPrompt: number[]; duplicates: unknown[] }>('generate.preview', { source: { type: 'images', imageIds: [...panda, bare] }, settings });
    expect(p).toMatchObject({ images: 4, items: 4, withoutPrompt: [bare], duplicates: [] });
    const neg = await call<{ withoutPrompt: number[] }>('generate.preview', { source: { type: 'images', imageIds: [...panda, bare] }, settings: { ...settings, objective: 'neg-text2img' } });
    expect(neg.withoutPrompt).toEqual([]);
  });

  it('an item that would repeat a candidate (same source image, seed, settings and prompt) is skipped at queue time, with the reason', async () => {
    const dup = addCandidate(panda[0]!, 5, { ...settings, width: 64, height: 64, prompt: current(panda[0]!)!.prompt, semantics: {} });
    // Not repeats: another seed, another setting, a prompt edited since, an older candidate that did not record its settings.
    addCandidate(panda[1]!, 7, { ...settings, prompt: current(panda[1]!)!.prompt });
    addCandidate(panda[1]!, 5, { ...settings, steps: settings.steps + 1, prompt: current(panda[1]!)!.prompt });
    addCandidate(panda[2]!, 5, { ...settings, prompt: 'A photo only remain an older prompt.' });
    addCandidate(panda[2]!, 5, { objective: settings.objective, strength: settings.strength, steps: settings.steps });
    const p = await call<{ items: number; duplicates: { imageId: number; seed: number; candidateId: number | null; jobId: number | null }[] }>('generate.preview', {
      source: { type: 'images', imageIds: panda },
      settings: { ...settings, perImage: 2 },
    });
    expect(p.items).toBe(6);
    expect(p.duplicates).toEqual([{ imageId: panda[0], seed: 5, candidateId: dup, jobId: null }]);

    const started = await call<{ jobId: number; items: number; skipped: number }>('generate.start', { source: { type: 'images', imageIds: panda }, settings: { ...settings, perImage: 2 } });
    expect(started).toMatchObject({ items: 5, skipped: 1 });
    const keys = db().prepare('SELECT key FROM job_items WHERE job_id = ? ORDER BY seq').pluck().all(started.jobId) as string[];
    expect(keys).not.toContain(`${panda[0]}:5`);
    expect(keys).toHaveLength(5);
  });

  it('items still pending in an unfinished job with the same settings are repeats too; all repeats → refused', async () => {
    // The job above cannot start (no model files) and ends failed; a paused one keeps its pending items.
    const jobId = Number(
      db()
        .prepare("INSERT INTO jobs (kind, title, params_json, status, created_at, status_at) VALUES ('generate.candidates', 'paused', ?, 'paused', ?, ?)")
        .run(JSON.stringify({ settings: { ...settings, seed: 40 } }), Date.now(), Date.now()).lastInsertRowid,
    );
    db().prepare('INSERT INTO job_items (job_id, seq, key, payload_json) VALUES (?, 0, ?, ?)').run(jobId, `${panda[1]}:40`, JSON.stringify({ imageId: panda[1], seed: 40, promptVersionId: current(panda[1]!)!.id }));
    const p = await call<{ duplicates: { imageId: number; seed: number; candidateId: number | null; jobId: number | null }[] }>('generate.preview', {
      source: { type: 'images', imageIds: [panda[1]!] },
      settings: { ...settings, seed: 40 },
    });
    expect(p.duplicates).toEqual([{ imageId: panda[1], seed: 40, candidateId: null, jobId }]);
    const r = await studio.call('generate.start', { source: { type: 'images', imageIds: [panda[1]!] }, settings: { ...settings, seed: 40 } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/would repeat/) });
  });
});

/** The real stage: an item that failed for want of a prompt succeeds on retry once the image has one. */
describe('generate.candidates retry after describing', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let projectDir: string;

  beforeAll(async () => {
    t = tmpDir('synood-generate-retry-');
    const src = path.join(t.dir, 'src');
    await writeImage(path.join(src, 'cat', '0.png'), 1, 40);
    projectDir = path.join(t.dir, 'proj');
    ({ studio } = await projectWithImages(path.join(t.dir, 'home'), projectDir, src));
    await registerGenerationModels(projectDir, writeTinyGenerationModels(path.join(t.dir, 'models')));
  }, 120_000);
  afterAll(async () => {
    await studio?.close();
    t?.cleanup();
  });

  it('uses the prompt written after the job was queued', async () => {
    const [img] = imagesOf(projectDir);
    const { jobId } = value<{ jobId: number }>(await studio.call('generate.start', { source: { type: 'images', imageIds: [img!.id] }, settings: { steps: 4, iterations: 1, seed: 2 } }));
    const first = await jobDone(studio, jobId, 120_000);
    expect(first.progress).toMatchObject({ done: 0, failed: 1 });
    const v = value<PromptVersion>(await studio.call('prompt.save', { imageId: img!.id, elements: ['grass'], prompt: 'A photo only remain grass.' }));
    value(await studio.call('job.retry', { id: jobId }));
    const again = await jobDone(studio, jobId, 120_000);
    expect(again.progress).toMatchObject({ done: 1, failed: 0 });
    const probe = openProbe(projectDir);
    try {
      const row = probe.prepare('SELECT prompt_version_id, config_json FROM candidates WHERE job_id = ?').get(jobId) as { prompt_version_id: number; config_json: string };
      expect(row.prompt_version_id).toBe(v.id);
      expect((JSON.parse(row.config_json) as { prompt: string }).prompt).toBe('A photo only remain grass.');
    } finally {
      probe.close();
    }
  });
});
