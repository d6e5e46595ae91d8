import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../src/main/models';
import { loadInpaintModels, type InpaintModels } from '../../src/main/pipeline/generate/inpaint-models';
import { BACKGROUND_PHRASES, BACKGROUNDS, type Background } from '../../src/main/world/catalogue';
import { denoiserError } from '../../src/main/world/diffusion/evaluate-unet';
import { generateWithoutGuidance } from '../../src/main/world/diffusion/generate-world';
import { readWordEmbeddings } from '../../src/main/world/diffusion/text-states';
import { UnetRecord } from '../../src/main/world/train-world';
import { worldSplit, type WorldImage } from '../../src/main/world/splits';

/**
 * The committed world diffusion model (resources/world/sd-inpaint), trained by `synood world train --only unet`:
 * the pipeline accepts and loads it unchanged, its UNet denoises held-out images, and its prompts steer what the
 * pipeline's own denoise loop generates.
 */
const WORLD = path.join(__dirname, '../../resources/world');
const FOLDER = path.join(WORLD, 'sd-inpaint');

function meanColour(chw: Float32Array): [number, number, number] {
  const plane = chw.length / 3;
  const m: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let p = 0; p < plane; p++) s += chw[c * plane + p]!;
    m[c] = s / plane;
  }
  return m;
}

function pixelsMeanColour(pixels: Uint8Array): [number, number, number] {
  const m: [number, number, number] = [0, 0, 0];
  const n = pixels.length / 3;
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) m[c] = m[c]! + ((2 * pixels[p * 3 + c]!) / 255 - 1) / n;
  return m;
}

const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

/** The source's first caption with its background phrase replaced by another background's. */
function promptWith(image: WorldImage, background: Background): string {
  return image.captions[0]!.replace(` ${BACKGROUND_PHRASES[image.background!]}`, ` ${BACKGROUND_PHRASES[background]}`);
}

describe('world diffusion model (resources/world/sd-inpaint)', () => {
  let models: InpaintModels;
  beforeAll(async () => {
    models = await loadInpaintModels(FOLDER, { providers: ['cpu'], intraOpNumThreads: 1 });
  }, 60_000);
  afterAll(async () => {
    await models?.release();
  });

  it('passes the pipeline\'s inpainting import and loads with the export\'s own I/O', async () => {
    const { report, record, files } = await importModel({ role: 'inpainting', source: FOLDER });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.layout).toBe('sd-inpaint-onnx');
    expect(record.role).toBe('inpainting');
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['unet/model.onnx', 'text_encoder/model.onnx', 'vae_encoder/model.onnx', 'vae_decoder/model.onnx', 'tokenizer/tokenizer.json']));
    expect(models.io).toMatchObject({ inputIdsType: 'int32', timestepType: 'int64', unetBatchesGuidance: true, textLength: 77, encoderOutput: 'latent_sample', unetOutput: 'out_sample', latentScale: 0.18215 });
    expect(models.scheduler.declaredKind).toBe('pndm');
  });

  it('the record beside the folder names every committed file with its sha256', () => {
    const record = UnetRecord.parse(JSON.parse(readFileSync(path.join(WORLD, 'sd-inpaint.json'), 'utf8')));
    for (const [file, sha] of Object.entries(record.sha256)) expect(createHash('sha256').update(readFileSync(path.join(FOLDER, file))).digest('hex'), file).toBe(sha);
    expect(Object.keys(record.sha256)).toEqual(expect.arrayContaining(['unet/model.onnx', 'text_encoder/model.onnx', 'tokenizer/tokenizer.json']));
  });

  it('one UNet call at t = 601 recovers held-out clean latents far better than the noisy latent or a blind guess', async () => {
    const held = worldSplit('ind-test', { count: 50 });
    const err = await denoiserError(path.join(FOLDER, 'unet/model.onnx'), held, readWordEmbeddings(path.join(WORLD, 'clip-text.onnx')), { threads: 1 });
    // x_t is 0.30·z0 + 0.95·ε at t = 601: its distance to z0 is mostly the noise; 0 is the input-blind guess.
    // Committed model: x̂0 MSE 0.144, x_t 0.925, zero guess 0.237.
    expect(err.predicted).toBeLessThan(0.25 * err.noisy);
    expect(err.predicted).toBeLessThan(0.8 * err.zero);
  }, 120_000);

  it('naming another background in the prompt moves the generated image\'s colour toward that background', async () => {
    // Each background's mean colour over ind-test images (objects included), from the renders, not from the model.
    const refs = worldSplit('ind-test', { count: 180 });
    const reference = new Map<Background, number[]>();
    for (const bg of BACKGROUNDS) {
      const own = refs.filter((r) => r.background === bg).map((r) => pixelsMeanColour(r.pixels));
      reference.set(bg, [0, 1, 2].map((c) => own.reduce((s, m) => s + m[c]!, 0) / own.length));
    }
    const sources = worldSplit('ind-test', { from: 200, count: 6 });
    const targets: Background[] = ['snow', 'night', 'grass', 'brick wall'];
    const gains: number[] = [];
    for (const [k, src] of sources.entries()) {
      const seed = 100 + k;
      const own = meanColour(await generateWithoutGuidance(models, src.pixels, src.captions[0]!, { seed }));
      for (const target of targets) {
        if (target === src.background) continue;
        const moved = meanColour(await generateWithoutGuidance(models, src.pixels, promptWith(src, target), { seed }));
        const ref = reference.get(target)!;
        gains.push(distance(own, ref) - distance(moved, ref));
      }
    }
    const closer = gains.filter((g) => g > 0).length / gains.length;
    const meanGain = gains.reduce((a, b) => a + b, 0) / gains.length;
    // Committed model: 19 of 21 pairs closer, mean gain 0.12 (colour distance in [−1, 1] units). A model that
    // ignored its prompt would give gains of 0 (same seed, same source), and fail both.
    expect(closer).toBeGreaterThanOrEqual(0.75);
    expect(meanGain).toBeGreaterThan(0.06);
  }, 300_000);
});
