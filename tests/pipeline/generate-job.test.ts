import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransformersClipEncoder } from '../../src/main/pipeline/features';
import { encodePng, generateCandidate, loadGuidanceClassifier, loadInpaintModels, releaseGuidance } from '../../src/main/pipeline/generate';
import type { Studio } from '../../src/main/root';
import type { GenerateSettings } from '../../src/shared/api/routes/generate';
import type { PromptVersion } from '../../src/shared/api/routes/prompts';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { registerGenerationModels, TINY_SIZE, writeTinyGenerationModels, type TinyGenerationModels } from './generation-models';
import { imagesOf, jobDone, openProbe, projectWithImages, registerUnchecked, value, type ImageInfo } from './stage-project';

interface CandidateRowDb {
  id: number;
  source_image_id: number;
  class_id: number | null;
  prompt_version_id: number | null;
  job_id: number;
  seed: number;
  objective: string;
  config_json: string;
  losses_json: string;
  energy: number;
  msp: number;
  source_class_prob: number;
  file_path: string;
  thumb_path: string;
  previews_json: string;
  timings_json: string;
}

const SETTINGS: Partial<GenerateSettings> = { objective: 'official', steps: 4, iterations: 2, seed: 3, perImage: 1 };

describe('generate.candidates job', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let projectDir: string;
  let models: TinyGenerationModels;
  let images: ImageInfo[];
  const prompts = new Map<number, PromptVersion>();
  let jobId: number;

  beforeAll(async () => {
    t = tmpDir('synood-generate-job-');
    const src = path.join(t.dir, 'src');
    // 40×40 sources: the job must resize them to the model's 64×64 without keeping anything of their size.
    for (const [ci, cls] of ['cat', 'dog'].entries()) for (let i = 0; i < 3; i++) await writeImage(path.join(src, cls, `${i}.png`), ci * 10 + i, 40);
    projectDir = path.join(t.dir, 'proj');
    ({ studio } = await projectWithImages(path.join(t.dir, 'home'), projectDir, src));
    images = imagesOf(projectDir);
    models = writeTinyGenerationModels(path.join(t.dir, 'models'));
    await registerGenerationModels(projectDir, models);
    // Every image but the last gets a context prompt; the fifth one's file is then corrupted inside the project.
    for (const img of images.slice(0, 5)) {
      const v = value<PromptVersion>(await studio.call('prompt.save', { imageId: img.id, elements: ['grass', `stone ${img.id}`], prompt: `A photo only remain grass, stone ${img.id}.` }));
      prompts.set(img.id, v);
    }
    const corrupt = path.join(projectDir, images[4]!.path);
    fs.rmSync(corrupt); // the stored file is a hard link to the source: replace it, do not write through it
    fs.writeFileSync(corrupt, Buffer.concat([fs.readFileSync(path.join(projectDir, images[0]!.path)).subarray(0, 40), Buffer.from('broken body')]));

    const started = value<{ jobId: number; items: number }>(await studio.call('generate.start', { source: { type: 'images', imageIds: images.map((i) => i.id) }, settings: SETTINGS }));
    expect(started.items).toBe(6);
    jobId = started.jobId;
    const job = await jobDone(studio, jobId, 120_000);
    expect(job.state.status).toBe('completed');
  }, 180_000);

  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  const rows = (): CandidateRowDb[] => {
    const db = openProbe(projectDir);
    try {
      return db.prepare('SELECT * FROM candidates WHERE job_id = ? ORDER BY source_image_id').all(jobId) as CandidateRowDb[];
    } finally {
      db.close();
    }
  };

  it('a bad source image and a missing prompt fail their own items, with reasons; the others are done', async () => {
    const failed = value<{ key: string; error: string | null }[]>(await studio.call('job.items', { id: jobId, status: 'failed' }));
    expect(failed).toEqual([
      { seq: expect.any(Number), key: `${images[4]!.id}:3`, label: '1.png · seed 3', status: 'failed', error: expect.stringMatching(/^unreadable source image datasets\/\d+\/dog\/1\.png: /), startedAt: expect.any(Number), finishedAt: expect.any(Number), durationMs: expect.any(Number) },
      { seq: expect.any(Number), key: `${images[5]!.id}:3`, label: '2.png · seed 3', status: 'failed', error: 'no context prompt; run Describe first', startedAt: expect.any(Number), finishedAt: expect.any(Number), durationMs: expect.any(Number) },
    ]);
    expect(rows().map((r) => r.source_image_id)).toEqual(images.slice(0, 4).map((i) => i.id));
  });

  it('writes one row per candidate with its files: a PNG at the model size, a thumbnail, one preview per iteration', async () => {
    for (const r of rows()) {
      const img = images.find((i) => i.id === r.source_image_id)!;
      expect(r).toMatchObject({ class_id: img.classId, prompt_version_id: prompts.get(img.id)!.id, seed: 3, objective: 'official' });
      expect(r.file_path).toBe(`candidates/${jobId}/${img.id}_3.png`);
      expect(r.thumb_path).toBe(`thumbs/candidates/${jobId}/${img.id}_3.jpg`);
      const png = await sharp(path.join(projectDir, r.file_path)).metadata();
      expect([png.format, png.width, png.height]).toEqual(['png', TINY_SIZE, TINY_SIZE]);
      const thumb = await sharp(path.join(projectDir, r.thumb_path)).metadata();
      expect(thumb.format).toBe('jpeg');
      expect(Math.max(thumb.width!, thumb.height!)).toBeLessThanOrEqual(160);

      const losses = JSON.parse(r.losses_json) as number[];
      expect(losses).toHaveLength(2);
      for (const l of losses) expect(Number.isFinite(l)).toBe(true);
      const previews = JSON.parse(r.previews_json) as { iteration: number; path: string; loss: number }[];
      expect(previews.map((p) => [p.iteration, p.path, p.loss])).toEqual(losses.map((l, k) => [k + 1, `candidates/${jobId}/previews/${img.id}_3_${k + 1}.jpg`, l]));
      for (const p of previews) expect((await sharp(path.join(projectDir, p.path)).metadata()).format).toBe('jpeg');
      expect(r.msp).toBeGreaterThanOrEqual(0.1 - 1e-9); // ≥ 1/numClasses
      expect(r.msp).toBeLessThanOrEqual(1);
      const config = JSON.parse(r.config_json);
      expect(config).toMatchObject({ ...SETTINGS, strength: 0.6, guidance: 8, lr: 10, width: TINY_SIZE, height: TINY_SIZE, prompt: prompts.get(img.id)!.prompt });
      // Every paper-vs-code switch as applied: the official loss with t capped at −ln 10 for this 10-class
      // classifier, the gradient w.r.t. the decoder input, per-image reduction, a seeded VAE sample, antialias.
      expect(config.semantics).toEqual({
        objective: 'official',
        objectiveOptions: { officialTarget: -5, officialTargetApplied: -Math.log(10) },
        gradientWrt: 'decoder-input',
        reduction: 'per-image',
        batchSize: 1,
        lr: 10,
        stepScale: 10,
        iterations: 2,
        vaeLatent: 'sample',
        resizeFilter: 'bilinear-antialias',
      });
      expect(JSON.parse(r.timings_json)).toMatchObject({ unetCalls: 2 * 3, totalMs: expect.any(Number), clipMs: expect.any(Number) });
    }
  });

  it('the stored image and scores are those of the settings, prompt and seed it was queued with', async () => {
    const r = rows()[0]!;
    const img = images.find((i) => i.id === r.source_image_id)!;
    const sd = await loadInpaintModels(models.sd, { providers: ['cpu'] });
    try {
      const c = await generateCandidate(sd, loadGuidanceClassifier(models.classifier), {
        image: fs.readFileSync(path.join(projectDir, img.path)),
        prompt: prompts.get(img.id)!.prompt,
        objective: 'official',
        seed: 3,
        iterations: 2,
        lr: 10,
        steps: 4,
        strength: 0.6,
        guidanceScale: 8,
        width: TINY_SIZE,
        height: TINY_SIZE,
      });
      expect((await encodePng(c.image)).equals(fs.readFileSync(path.join(projectDir, r.file_path)))).toBe(true);
      expect(r.energy).toBeCloseTo(c.energy[1]!, 6);
      expect(r.msp).toBeCloseTo(c.msp[1]!, 6);
    } finally {
      await releaseGuidance(sd);
      await sd.release();
    }
  });

  it('source_class_prob = softmax over the InD classes of 100·cos(candidate, "a nice {class}")', async () => {
    const clip = await createTransformersClipEncoder({ modelDir: models.clip });
    try {
      const d = clip.dim;
      const text = await clip.encodeTexts(['a nice cat', 'a nice dog']);
      const unit = (v: Float32Array, o: number) => {
        const n = Math.hypot(...v.subarray(o, o + d));
        return Array.from(v.subarray(o, o + d), (x) => x / n);
      };
      for (const r of rows()) {
        const feat = unit(await clip.encodeImages([fs.readFileSync(path.join(projectDir, r.file_path))]), 0);
        const logits = [0, 1].map((k) => 100 * unit(text, k * d).reduce((s, x, j) => s + x * feat[j]!, 0));
        const z = logits.map((l) => Math.exp(l - Math.max(...logits)));
        const k = images.find((i) => i.id === r.source_image_id)!.className === 'cat' ? 0 : 1;
        expect(r.source_class_prob).toBeCloseTo(z[k]! / (z[0]! + z[1]!), 5);
      }
    } finally {
      await clip.release();
    }
  });

  it('generate.live shows the newest candidate with its iterations', async () => {
    const live = value<{ done: number; latest: { candidateId: number; previews: unknown[]; losses: number[] } }>(await studio.call('generate.live', { jobId }));
    expect(live.done).toBe(4);
    expect(live.latest.previews).toHaveLength(2);
    expect(live.latest.losses).toHaveLength(2);
  });

  it('neg-text2img needs no source image nor context prompt: it draws a selected negative label', async () => {
    const db = openProbe(projectDir);
    db.prepare("INSERT INTO neg_labels (word, pos, template, selected) VALUES ('volcano', 'noun', 'the nice {}', 1)").run();
    db.close();
    const settings = { ...SETTINGS, objective: 'neg-text2img' as const };
    const { jobId: negJob } = value<{ jobId: number }>(await studio.call('generate.start', { source: { type: 'images', imageIds: [images[5]!.id] }, settings }));
    expect((await jobDone(studio, negJob, 120_000)).progress).toMatchObject({ done: 1, failed: 0 });
    const probe = openProbe(projectDir);
    const r = probe.prepare('SELECT * FROM candidates WHERE job_id = ?').get(negJob) as CandidateRowDb;
    probe.close();
    expect(r).toMatchObject({ source_image_id: images[5]!.id, prompt_version_id: null, objective: 'neg-text2img', losses_json: '[null]' });
    expect(JSON.parse(r.config_json).prompt).toBe('A photo of a volcano.');
    expect(JSON.parse(r.previews_json)).toEqual([{ iteration: 1, path: `candidates/${negJob}/previews/${images[5]!.id}_3_1.jpg`, loss: null }]);
  });

  it('a broken inpainting folder fails the job before any item, naming the file', async () => {
    const broken = path.join(t.dir, 'models', 'sd-broken');
    fs.cpSync(models.sd, broken, { recursive: true });
    fs.rmSync(path.join(broken, 'vae_decoder', 'model.onnx'));
    registerUnchecked(projectDir, 'inpainting', broken);
    // Another seed: the same image, seed and settings again would be refused as a repeat of its candidate.
    const { jobId: badJob } = value<{ jobId: number }>(await studio.call('generate.start', { source: { type: 'images', imageIds: [images[0]!.id] }, settings: { ...SETTINGS, seed: 30 } }));
    const job = await jobDone(studio, badJob);
    expect(job.state).toMatchObject({ status: 'failed', error: expect.stringMatching(/vae_decoder\/model\.onnx/) });
    expect(job.progress).toMatchObject({ total: 1, done: 0, failed: 0 });
    const db = openProbe(projectDir);
    expect(db.prepare('SELECT count(*) FROM candidates WHERE job_id = ?').pluck().get(badJob)).toBe(0);
    db.close();
    expect(fs.existsSync(path.join(projectDir, 'candidates', String(badJob)))).toBe(false);
  });
});
