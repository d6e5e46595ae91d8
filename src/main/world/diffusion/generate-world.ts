import * as ort from 'onnxruntime-node';
import { denoise, planSampling } from '../../pipeline/generate/denoise';
import { GaussianNoise } from '../../pipeline/generate/gaussian-noise';
import { prepareInpaintConditioning } from '../../pipeline/generate/inpaint-conditioning';
import type { InpaintModels } from '../../pipeline/generate/inpaint-models';
import { addNoise } from '../../pipeline/generate/schedulers';
import { encodeGuidancePrompts } from '../../pipeline/generate/text-conditioning';
import { encodeLatent } from '../../pipeline/generate/vae';
import { GUIDANCE_DEFAULTS } from '../../../shared/guidance';
import { WORLD_IMAGE_SIZE } from '../scene';

/** RGB bytes (HWC) → the pipeline's image layout: CHW floats in [−1, 1]. */
export function pixelsToDiffusionImage(pixels: Uint8Array): Float32Array {
  const plane = WORLD_IMAGE_SIZE * WORLD_IMAGE_SIZE;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) out[c * plane + p] = (2 * pixels[p * 3 + c]!) / 255 - 1;
  return out;
}

/**
 * One image generated the way the pipeline's generate stage does without guidance (objective none, one iteration):
 * the source's latent noised to the first timestep of a strength run with seeded noise, the pipeline's own CFG
 * denoise loop and scheduler, full-mask inpainting conditioning, then the decoder. Returns the decode, CHW in [−1, 1].
 */
export async function generateWithoutGuidance(
  models: InpaintModels,
  sourcePixels: Uint8Array,
  prompt: string,
  opts: { seed?: number; steps?: number; strength?: number; guidanceScale?: number } = {},
): Promise<Float32Array> {
  const size = WORLD_IMAGE_SIZE;
  const source = pixelsToDiffusionImage(sourcePixels);
  const text = await encodeGuidancePrompts(models, prompt, '');
  const inpaint = await prepareInpaintConditioning(models, source, size, size);
  const z = (await encodeLatent(models, source, size, size)).data;
  const plan = planSampling(models, {
    steps: opts.steps ?? GUIDANCE_DEFAULTS.steps,
    strength: opts.strength ?? GUIDANCE_DEFAULTS.strength,
    guidanceScale: opts.guidanceScale ?? GUIDANCE_DEFAULTS.guidance,
  });
  const eps = new GaussianNoise(opts.seed ?? 0).normals(z.length);
  const z0 = await denoise(models, plan, addNoise(plan.scheduler.alphasCumprod, z, eps, plan.timesteps[0]!), text, inpaint);
  const u = z0.map((v) => v / models.io.latentScale);
  const out = await models.vaeDecoder.run({ latent_sample: new ort.Tensor('float32', u, inpaint.latentDims) });
  return out[models.io.decoderOutput]!.data as Float32Array;
}
