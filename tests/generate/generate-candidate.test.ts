import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClassifier, writeTinySdInpaint } from '../../src/main/onnx/factory';
import {
  generateCandidate,
  loadGuidanceClassifier,
  loadInpaintModels,
  releaseGuidance,
  type CandidateOptions,
  type GuidanceClassifier,
  type InpaintModels,
} from '../../src/main/pipeline/generate';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';

// Tiny random SD-2-inpainting parts (64×64 images, 8×8 latents) and a tiny ResNet, 4 steps at strength 0.6:
// int(4·0.6) = 2 inference steps kept → PNDM calls at [751, 501, 501, 251, 1][2:] = [501, 251, 1].

describe('generateCandidate on tiny models', () => {
  let models: InpaintModels;
  let classifier: GuidanceClassifier;
  let source: string;
  let cleanup: () => void;

  beforeAll(async () => {
    const tmp = tmpDir('synood-generate-');
    cleanup = tmp.cleanup;
    writeTinySdInpaint(join(tmp.dir, 'sd'), { seed: 21 });
    classifier = loadGuidanceClassifier(writeTinyClassifier(join(tmp.dir, 'classifier.onnx'), { seed: 22, numClasses: 10 }));
    source = join(tmp.dir, 'source.png');
    // Not square and not 64×64: the pipeline must resize without keeping the aspect ratio.
    await writeImage(source, 7, 40);
    models = await loadInpaintModels(join(tmp.dir, 'sd'), { providers: ['cpu'] });
  });

  afterAll(async () => {
    await releaseGuidance(models);
    await models.release();
    cleanup();
  });

  const base = (over: Partial<CandidateOptions>): CandidateOptions => ({
    image: source,
    prompt: 'A photo only remain bamboo, tourist, leaf.',
    width: 64,
    height: 64,
    steps: 4,
    ...over,
  });

  it('runs the planned PNDM calls and returns the last iteration as the image', async () => {
    const c = await generateCandidate(models, classifier, base({ objective: 'official', seed: 1 }));
    expect(c.timesteps).toEqual([501, 251, 1]);
    expect(c.previews).toHaveLength(3);
    expect(c.losses).toHaveLength(3);
    expect(c.energy).toHaveLength(3);
    expect(c.msp).toHaveLength(3);
    expect(c.image).toBe(c.previews[2]);
    expect(c.image.data).toHaveLength(64 * 64 * 3);
    // Guidance 8 > 1 and a batch-symbolic UNet: one batched call per timestep, 3 iterations.
    expect(c.timings.unetCalls).toBe(9);
    // The noise was updated between iterations, so the decodes differ.
    expect(Buffer.compare(Buffer.from(c.previews[0]!.data), Buffer.from(c.previews[1]!.data))).not.toBe(0);
    for (const m of c.msp) expect(m).toBeGreaterThan(0.1 - 1e-6); // ≥ 1/numClasses
  });

  it('same seed → byte-identical image; another seed → a different one', async () => {
    const a = await generateCandidate(models, classifier, base({ objective: 'energy', seed: 5 }));
    const b = await generateCandidate(models, classifier, base({ objective: 'energy', seed: 5 }));
    const c = await generateCandidate(models, classifier, base({ objective: 'energy', seed: 6 }));
    expect(Buffer.from(b.image.data).equals(Buffer.from(a.image.data))).toBe(true);
    expect(b.losses).toEqual(a.losses);
    expect(Buffer.from(c.image.data).equals(Buffer.from(a.image.data))).toBe(false);
  });

  it('`none` makes no update: one decode, equal to the first (un-updated) iteration of a guided run', async () => {
    const none = await generateCandidate(models, classifier, base({ objective: 'none', seed: 3 }));
    const guided = await generateCandidate(models, classifier, base({ objective: 'msp', seed: 3 }));
    expect(none.previews).toHaveLength(1);
    expect(none.losses).toEqual([null]);
    expect(none.timings.gradientMs).toBe(0);
    const first = guided.previews[0]!.data;
    let maxDiff = 0;
    none.image.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - first[i]!))));
    // Two differently built graphs compute the same decode; float reassociation may flip a rounding.
    expect(maxDiff).toBeLessThanOrEqual(1);
    expect(none.energy[0]).toBeCloseTo(guided.energy[0]!, 4);
  });

  // The direction of the effect through the whole pipeline (noise update → re-noise → denoise → decode →
  // classify): the kept image of a guided run is more OOD than its own unguided first iteration, by the
  // objective's own measure. A wrong sign fails this (a wrong step size fails tests/generate/guidance-replica).
  const moreOod = {
    // The official loss on a 10-class classifier targets t = −ln 10 = max s, so a lower loss is a higher s.
    official: (c: { losses: (number | null)[] }) => c.losses[1]! < c.losses[0]!,
    energy: (c: { energy: number[] }) => c.energy[1]! > c.energy[0]!,
    msp: (c: { msp: number[] }) => c.msp[1]! < c.msp[0]!,
  };
  for (const objective of ['official', 'energy', 'msp'] as const) {
    it(`${objective}: the guided image is more OOD than the unguided one for ≥ 18 of 20 seeds`, async () => {
      let count = 0;
      for (let seed = 0; seed < 20; seed++) {
        const c = await generateCandidate(models, classifier, base({ objective, seed, iterations: 2, objectiveOptions: { energyMargin: 0 } }));
        if (moreOod[objective](c)) count++;
      }
      expect(count).toBeGreaterThanOrEqual(18);
    });
  }

  it('steps the noise by (r/B)·∂ℓ/∂u and records how: batch-mean over B = 4 takes a quarter of the per-image step', async () => {
    const perImage = await generateCandidate(models, classifier, base({ objective: 'official', seed: 7, iterations: 2, lr: 10 }));
    const batchMean = await generateCandidate(models, classifier, base({ objective: 'official', seed: 7, iterations: 2, lr: 10, reduction: 'batch-mean', batchSize: 4 }));
    expect(perImage.semantics).toMatchObject({ objective: 'official', gradientWrt: 'decoder-input', reduction: 'per-image', batchSize: 1, lr: 10, stepScale: 10, iterations: 2, vaeLatent: 'sample', resizeFilter: 'bilinear-antialias' });
    expect(perImage.semantics.objectiveOptions).toEqual({ officialTarget: -5, officialTargetApplied: -Math.log(10) });
    expect(batchMean.semantics).toMatchObject({ reduction: 'batch-mean', batchSize: 4, stepScale: 2.5 });
    // The first iteration is the same un-updated noise, so the gradients agree and only the step's scale differs.
    expect(batchMean.gradNorms[0]).toBeCloseTo(perImage.gradNorms[0]!, 6);
    expect(perImage.stepNorms[0]).toBeCloseTo(10 * perImage.gradNorms[0]!, 6);
    expect(batchMean.stepNorms[0]! / perImage.stepNorms[0]!).toBeCloseTo(0.25, 6);
  });

  it('VAE latent: a seeded posterior sample by default (as diffusers), the mean as an option; ε is the same either way', async () => {
    const sampled = await generateCandidate(models, classifier, base({ objective: 'none', seed: 9 }));
    const again = await generateCandidate(models, classifier, base({ objective: 'none', seed: 9 }));
    const mean = await generateCandidate(models, classifier, base({ objective: 'none', seed: 9, vaeLatent: 'mean' }));
    expect(sampled.semantics.vaeLatent).toBe('sample');
    expect(mean.semantics.vaeLatent).toBe('mean');
    expect(Buffer.from(again.image.data).equals(Buffer.from(sampled.image.data))).toBe(true);
    expect(Buffer.from(mean.image.data).equals(Buffer.from(sampled.image.data))).toBe(false);
  });

  it('DDIM as an option: memoryless, so strength 0.6 of 4 steps keeps [751, 501, 251, 1][2:]', async () => {
    const c = await generateCandidate(models, classifier, base({ objective: 'none', scheduler: 'ddim', seed: 4 }));
    expect(c.timesteps).toEqual([251, 1]);
    expect(c.timings.unetCalls).toBe(2);
  });

  it('neg-text2img needs no source: pure noise through every timestep, no gradient', async () => {
    const c = await generateCandidate(models, classifier, { prompt: 'the nice lighthouse', objective: 'neg-text2img', width: 64, height: 64, steps: 4, seed: 2 });
    expect(c.timesteps).toEqual([751, 501, 501, 251, 1]);
    expect(c.previews).toHaveLength(1);
    expect(c.losses).toEqual([null]);
    await expect(generateCandidate(models, classifier, { prompt: 'x', objective: 'official', width: 64, height: 64, steps: 4 })).rejects.toThrow(/needs a source image/);
  });
});
