import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClip } from '../../src/main/onnx/factory';
import { VlmDescriber, WordNetNouns } from '../../src/main/pipeline/describe';
import { writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import type { Studio } from '../../src/main/root';
import type { PromptVersion } from '../../src/shared/api/routes/prompts';
import { TextFeatureCacheDb, textFeatureCachePath } from '../../src/main/store/text-feature-cache';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { imagesOf, jobDone, openProbe, projectWithImages, registerModel, value, type ImageInfo } from './stage-project';

/** The official diffusion prompt, written out: 'A photo only remain ' + answer[:73] + '.' (code points). */
const officialPrompt = (answer: string) => `A photo only remain ${Array.from(answer).slice(0, 73).join('')}.`;

interface VersionRow {
  image_id: number;
  version: number;
  author: string;
  model: string | null;
  raw_answer: string | null;
  elements_json: string;
  prompt: string;
}

describe('describe.images job', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let projectDir: string;
  let images: ImageInfo[];
  const vlmDir = () => path.join(t.dir, 'tiny-vlm');

  beforeAll(async () => {
    t = tmpDir('synood-describe-job-');
    const src = path.join(t.dir, 'src');
    for (const [ci, cls] of ['giant panda', 'tiger'].entries()) for (let i = 0; i < 2; i++) await writeImage(path.join(src, cls, `${i}.png`), ci * 10 + i, 32);
    projectDir = path.join(t.dir, 'proj');
    ({ studio } = await projectWithImages(path.join(t.dir, 'home'), projectDir, src));
    images = imagesOf(projectDir);
    writeTinyVlm(vlmDir(), { seed: 3 });
    await registerModel(projectDir, 'vlm', vlmDir());
  }, 60_000);

  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  const versions = (): VersionRow[] => {
    const db = openProbe(projectDir);
    try {
      return db.prepare('SELECT image_id, version, author, model, raw_answer, elements_json, prompt FROM prompt_versions ORDER BY image_id, version').all() as VersionRow[];
    } finally {
      db.close();
    }
  };

  const describeJob = async (imageIds: number[]) => {
    const { jobId } = value<{ jobId: number }>(await studio.call('prompt.describe', { imageIds }));
    return jobDone(studio, jobId);
  };

  it('writes version 1 per image with the VLM answer, its elements and the official 73-character prompt', async () => {
    const job = await describeJob(images.map((i) => i.id));
    expect(job.state.status).toBe('completed');
    expect(job.progress).toMatchObject({ total: 4, done: 4, failed: 0 });
    const rows = versions();
    expect(rows.map((r) => [r.image_id, r.version, r.author])).toEqual(images.map((i) => [i.id, 1, 'model']));

    // What the describer says about each image, asked here directly from the same folder.
    const vlm = await VlmDescriber.load(vlmDir());
    try {
      for (const [k, img] of images.entries()) {
        const direct = await vlm.describe(path.join(projectDir, img.path), img.className!);
        const row = rows[k]!;
        expect(row.model).toBe('vlm:tiny-vlm');
        expect(row.raw_answer).toBe(direct.rawAnswer);
        expect(JSON.parse(row.elements_json)).toEqual(direct.elements);
        expect(row.prompt).toBe(officialPrompt(direct.rawAnswer));
      }
    } finally {
      await vlm.release();
    }
    // The tiny VLM answers long enough for the 73-character cut to matter at least once.
    expect(rows.some((r) => Array.from(r.raw_answer!).length > 73)).toBe(true);
  });

  it('a second run appends a new version; a human edit made in between stays in the history', async () => {
    const [a, b] = images;
    const edited = value<PromptVersion>(await studio.call('prompt.save', { imageId: a!.id, elements: ['bamboo', 'railing'], prompt: 'A photo only remain bamboo, railing.' }));
    expect(edited).toMatchObject({ version: 2, author: 'human' });
    const job = await describeJob([a!.id, b!.id]);
    expect(job.state.status).toBe('completed');

    const rows = versions();
    const ofA = rows.filter((r) => r.image_id === a!.id);
    expect(ofA.map((r) => [r.version, r.author])).toEqual([
      [1, 'model'],
      [2, 'human'],
      [3, 'model'],
    ]);
    expect(ofA[1]!.prompt).toBe('A photo only remain bamboo, railing.');
    expect(rows.filter((r) => r.image_id === b!.id).map((r) => [r.version, r.author])).toEqual([
      [1, 'model'],
      [2, 'model'],
    ]);
    // The newest version is the current one the prompts page and the generate stage read.
    const current = value<{ image: { current: PromptVersion } }>(await studio.call('prompt.get', { imageId: a!.id }));
    expect(current.image.current).toMatchObject({ version: 3, author: 'model' });
  });

  it('an image whose file is gone fails alone, with the reason', async () => {
    const [, , c, d] = images;
    fs.rmSync(path.join(projectDir, c!.path));
    const job = await describeJob([c!.id, d!.id]);
    expect(job.state.status).toBe('completed');
    expect(job.progress).toMatchObject({ done: 1, failed: 1 });
    const failed = value<{ key: string; error: string | null }[]>(await studio.call('job.items', { id: job.id, status: 'failed' }));
    expect(failed).toEqual([expect.objectContaining({ key: String(c!.id), error: expect.stringMatching(/file is missing/) })]);
  });
});

describe('describe.images without a VLM: the CLIP-noun describer', () => {
  let t: ReturnType<typeof tmpDir>;

  beforeAll(() => {
    t = tmpDir('synood-describe-clip-');
  });
  afterAll(() => t.cleanup());

  it('uses the registered CLIP model, records it, and never names the class', async () => {
    const src = path.join(t.dir, 'src');
    await writeImage(path.join(src, 'giant panda', '0.png'), 5, 32);
    const projectDir = path.join(t.dir, 'proj');
    const { studio } = await projectWithImages(path.join(t.dir, 'home'), projectDir, src);
    try {
      // No model at all: the job fails before any item, saying what to import.
      const [img] = imagesOf(projectDir);
      const none = value<{ jobId: number }>(await studio.call('prompt.describe', { imageIds: [img!.id] }));
      const noneJob = await jobDone(studio, none.jobId);
      expect(noneJob.state).toMatchObject({ status: 'failed', error: expect.stringMatching(/no vlm or clip model/) });
      expect(noneJob.progress).toMatchObject({ done: 0, failed: 0 });

      writeTinyClip(path.join(t.dir, 'clip'), { seed: 9 });
      await registerModel(projectDir, 'clip', path.join(t.dir, 'clip'));
      const { jobId } = value<{ jobId: number }>(await studio.call('prompt.describe', { imageIds: [img!.id] }));
      // Cold: ~118k noun prompts encoded (about 100 s on a loaded 2-core machine), and stored in the per-user cache.
      const job = await jobDone(studio, jobId, 240_000);
      expect(job.state.status).toBe('completed');
      const db = openProbe(projectDir);
      const row = db.prepare('SELECT * FROM prompt_versions WHERE image_id = ?').get(img!.id) as VersionRow;
      db.close();
      expect(row).toMatchObject({ version: 1, author: 'model', model: 'clip-nouns:clip' });
      const elements = JSON.parse(row.elements_json) as string[];
      expect(elements).toHaveLength(4);
      const wordnet = WordNetNouns.load();
      const lemmas = new Set(wordnet.lemmas());
      const excluded = wordnet.synonymsAndHyponyms('giant panda');
      for (const e of elements) {
        expect(lemmas.has(e)).toBe(true);
        expect(excluded.has(e.toLowerCase())).toBe(false);
      }
      expect(row.raw_answer).toBe(elements.join(', '));
      expect(row.prompt).toBe(officialPrompt(elements.join(', ')));
    } finally {
      await studio.close();
    }
  }, 240_000);

  it('a restarted studio on a second project computes no noun feature again: the per-user cache serves all of them', async () => {
    // Runs after the test above, whose job filled <home>/cache/text-features.sqlite with every noun's feature.
    const home = path.join(t.dir, 'home');
    const lemmas = new Set(WordNetNouns.load().lemmas().map((w) => `a photo of a ${w}.`)).size;
    const stats = () => {
      const cache = TextFeatureCacheDb.open(textFeatureCachePath(home));
      try {
        return cache.stats();
      } finally {
        cache.close();
      }
    };
    const cold = stats();
    // One encoder, float16, one row per distinct noun prompt: 118k × dim × 2 bytes, none served yet.
    expect(cold).toMatchObject({ models: 1, rows: lemmas, bytes: lemmas * 16 * 2, served: 0 });

    const projectDir = path.join(t.dir, 'proj-2');
    const clipCopy = path.join(t.dir, 'project-2-models', 'clip');
    fs.cpSync(path.join(t.dir, 'clip'), clipCopy, { recursive: true });
    const { studio } = await projectWithImages(home, projectDir, path.join(t.dir, 'src'));
    try {
      await registerModel(projectDir, 'clip', clipCopy);
      const [img] = imagesOf(projectDir);
      const { jobId } = value<{ jobId: number }>(await studio.call('prompt.describe', { imageIds: [img!.id] }));
      expect((await jobDone(studio, jobId, 120_000)).state.status).toBe('completed');
      // Every row was served and none written: the job encoded no noun (rows are written for each text encoded).
      expect(stats()).toEqual({ ...cold, served: lemmas });
      const db = openProbe(projectDir);
      const row = db.prepare('SELECT elements_json FROM prompt_versions WHERE image_id = ?').get(img!.id) as { elements_json: string };
      db.close();
      expect(JSON.parse(row.elements_json)).toHaveLength(4);
    } finally {
      await studio.close();
    }
  }, 120_000);
});
