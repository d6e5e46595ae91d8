import * as ort from 'onnxruntime-node';
import { createSession, type ModelProto } from '../../onnx';
import { Rng } from '../../onnx/factory/prng';
import { alphasCumprod, SD2_INPAINT_SCHEDULER } from '../../pipeline/generate/schedulers';
import { CLIP_WORD_DIM } from '../clip/towers';
import { encodeWorldDiffusionLatent, LATENT_CHANNELS, LATENT_SIDE } from '../latent-map';
import type { WorldImage } from '../splits';
import { WORLD_TEXT_LENGTH } from './architecture';
import { captionStates } from './text-states';

/** The first timestep of the pipeline's strength-0.6, 20-step PNDM run: where a generated image starts. */
export const PIPELINE_START_T = 601;

export interface DenoiserError {
  /** Mean squared error of the one-call estimate x̂0 = (x_t − √(1−ᾱ)·ε̂)/√ᾱ against the clean latent. */
  predicted: number;
  /** Mean squared distance of the noisy latent x_t from the clean latent. */
  noisy: number;
  /** Mean squared error of the best input-blind guess, x̂0 = 0 (the latent's values are centred near 0). */
  zero: number;
}

/**
 * How well one UNet call recovers clean latents from x_t at timestep `t` under SynOOD's conditioning (mask all ones,
 * masked-image latent 0) and each image's first caption, with seeded noise: independent of the training loss.
 */
export async function denoiserError(unet: ModelProto | string, images: readonly WorldImage[], wordEmbeddings: Float32Array, opts: { t?: number; seed?: number; threads?: number } = {}): Promise<DenoiserError> {
  const t = opts.t ?? PIPELINE_START_T;
  const abar = alphasCumprod(SD2_INPAINT_SCHEDULER)[t]!;
  const plane = LATENT_SIDE * LATENT_SIDE;
  const size = LATENT_CHANNELS * plane;
  const rng = new Rng(opts.seed ?? 7);
  const fill = captionStates(wordEmbeddings, images.map((i) => i.captions[0]!));
  const h = await createSession(unet, { providers: ['cpu'], intraOpNumThreads: opts.threads });
  const sums = { predicted: 0, noisy: 0, zero: 0 };
  try {
    for (let k = 0; k < images.length; k++) {
      const z0 = encodeWorldDiffusionLatent(images[k]!.pixels);
      const sample = new Float32Array(9 * plane);
      for (let j = 0; j < size; j++) sample[j] = Math.sqrt(abar) * z0[j]! + Math.sqrt(1 - abar) * rng.normal();
      sample.fill(1, size, size + plane);
      const text = new Float32Array(WORLD_TEXT_LENGTH * CLIP_WORD_DIM);
      fill(k, text, 0);
      const out = await h.run({
        sample: new ort.Tensor('float32', sample, [1, 9, LATENT_SIDE, LATENT_SIDE]),
        timestep: new ort.Tensor('int64', BigInt64Array.of(BigInt(t)), [1]),
        encoder_hidden_states: new ort.Tensor('float32', text, [1, WORLD_TEXT_LENGTH, CLIP_WORD_DIM]),
      });
      const eps = out.out_sample!.data as Float32Array;
      for (let j = 0; j < size; j++) {
        const x0 = (sample[j]! - Math.sqrt(1 - abar) * eps[j]!) / Math.sqrt(abar);
        sums.predicted += (x0 - z0[j]!) ** 2;
        sums.noisy += (sample[j]! - z0[j]!) ** 2;
        sums.zero += z0[j]! ** 2;
      }
    }
  } finally {
    await h.release();
  }
  const n = images.length * size;
  return { predicted: sums.predicted / n, noisy: sums.noisy / n, zero: sums.zero / n };
}
