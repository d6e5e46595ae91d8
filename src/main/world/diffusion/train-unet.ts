import * as ort from 'onnxruntime-node';
import { GraphBuilder, type ModelProto } from '../../onnx';
import { Rng } from '../../onnx/factory/prng';
import { alphasCumprod, SD2_INPAINT_SCHEDULER } from '../../pipeline/generate/schedulers';
import { runTrainingLoop } from '../../pipeline/train/training-loop';
import { openTrainingStep } from '../../pipeline/train/training-step-session';
import { trainableParams, withTrainingTail, withWeights } from '../classifier/trainable';
import { CLIP_WORD_DIM } from '../clip/towers';
import { encodeWorldDiffusionLatent, LATENT_CHANNELS, LATENT_SIDE } from '../latent-map';
import { worldSplit } from '../splits';
import { worldLoopOptions, type WorldTrainingHooks } from '../training-options';
import { buildWorldUnet, WORLD_TEXT_LENGTH } from './architecture';
import { captionStates } from './text-states';

export const UNET_TRAINING_DEFAULTS = {
  seed: 0,
  trainImages: 2520,
  epochs: 4,
  batchSize: 16,
  lr: 2e-3,
  etaMin: 1e-5,
  weightDecay: 0,
  /** Share of samples whose timestep is drawn from 1..PIPELINE_T_MAX (what strength 0.6 runs), the rest from 0..999. */
  pipelineRangeShare: 0.8,
  /** Share of samples trained with SynOOD's conditioning (mask all ones, masked-image latent 0); the rest get a random box. */
  fullMaskShare: 0.8,
  /** Classifier-free-guidance dropout: share of samples with the empty prompt (all-zero text states). */
  emptyPromptShare: 0.1,
};
export type UnetTrainingSettings = typeof UNET_TRAINING_DEFAULTS;

/** The first timestep of a strength-0.6, 20-step PNDM run (docs/METHOD.md), plus a margin. */
export const PIPELINE_T_MAX = 650;

export interface UnetTrainingOptions extends Partial<UnetTrainingSettings>, WorldTrainingHooks {
  /** The frozen tiny-CLIP word embeddings the text states are made of (text-states.ts). */
  wordEmbeddings: Float32Array;
}

export interface UnetTrainingResult {
  model: ModelProto;
  settings: UnetTrainingSettings;
  startedAtEpoch: number;
  /** Mean loss over the last epoch's steps. */
  lastEpochLoss: number;
}

const PLANE = LATENT_SIDE * LATENT_SIDE;
const LATENT = LATENT_CHANNELS * PLANE;

/** Mean squared error between the UNet's `out_sample` and the noise that was added (`correct` is a constant 0). */
function epsilonLossTail(): ModelProto {
  const b = new GraphBuilder({ opset: 17, name: 'eps_loss' });
  b.input('out_sample', 'float32', ['batch', LATENT_CHANNELS, LATENT_SIDE, LATENT_SIDE]);
  b.input('noise', 'float32', ['batch', LATENT_CHANNELS, LATENT_SIDE, LATENT_SIDE]);
  const d = b.op('Sub', ['out_sample', 'noise']);
  b.node('ReduceMean', [b.op('Mul', [d, d])], { keepdims: 0 }, { outputs: ['loss'] });
  b.node('Identity', [b.constF32([0], [])], {}, { outputs: ['correct'] });
  b.output('loss', 'float32', []);
  b.output('correct', 'float32', []);
  return b.build();
}

/** A seed for one batch from its (seeded, per-epoch shuffled) indices, so a resumed run draws the same noise. */
function batchSeed(seed: number, batch: Int32Array): number {
  let h = (seed ^ 0x2545f491) >>> 0;
  for (const r of batch) h = Math.imul(h ^ r, 0x01000193) >>> 0;
  return h;
}

/**
 * Trains the world's inpainting UNet: ε-prediction MSE on world-train latents (the fixed latent map), noised by the
 * SD-2 scaled_linear schedule at timesteps drawn mostly from the range the pipeline runs, with SynOOD's full-mask
 * conditioning for most samples (random boxes over the real masked latent for the rest), the image's captions as
 * frozen tiny-CLIP word states, and CFG dropout. Adam, cosine lr per step, seeded, checkpointed per epoch.
 */
export async function trainWorldUnet(opts: UnetTrainingOptions): Promise<UnetTrainingResult> {
  const settings: UnetTrainingSettings = { ...UNET_TRAINING_DEFAULTS };
  for (const k of Object.keys(settings) as (keyof UnetTrainingSettings)[]) if (opts[k] !== undefined) settings[k] = opts[k]!;
  const images = worldSplit('world-train', { count: settings.trainImages });
  opts.onData?.(images.length);
  const latents = images.map((img) => encodeWorldDiffusionLatent(img.pixels));
  const captions = images.flatMap((img) => img.captions);
  const captionStart: number[] = [];
  images.reduce((at, img) => (captionStart.push(at), at + img.captions.length), 0);
  const fillText = captionStates(opts.wordEmbeddings, captions);
  const abar = alphasCumprod(SD2_INPAINT_SCHEDULER);

  const model = buildWorldUnet(settings.seed);
  const params = trainableParams(model);
  const step = await openTrainingStep(withTrainingTail(model, params, epsilonLossTail(), { out_sample: 'out_sample' }), params.specs, { providers: ['cpu'], intraOpNumThreads: opts.intraOpNumThreads });
  let epochLoss = 0;
  let epochSteps = 0;
  try {
    const result = await runTrainingLoop({
      kind: 'world-unet',
      numSamples: images.length,
      ...worldLoopOptions(settings),
      params: Object.fromEntries(params.specs.map((s, i) => [s.name, params.values[i]!])),
      runStep: (batch, values) => {
        const n = batch.length;
        const rng = new Rng(batchSeed(settings.seed, batch));
        const sample = new Float32Array(n * 9 * PLANE);
        const noise = new Float32Array(n * LATENT);
        const text = new Float32Array(n * WORLD_TEXT_LENGTH * CLIP_WORD_DIM);
        const timestep = new BigInt64Array(n);
        batch.forEach((r, i) => {
          const z0 = latents[r]!;
          const t = rng.uniform() < settings.pipelineRangeShare ? 1 + Math.floor(rng.uniform() * PIPELINE_T_MAX) : Math.floor(rng.uniform() * 1000);
          timestep[i] = BigInt(t);
          const a = Math.sqrt(abar[t]!);
          const s = Math.sqrt(1 - abar[t]!);
          const base = i * 9 * PLANE;
          for (let j = 0; j < LATENT; j++) {
            const e = rng.normal();
            noise[i * LATENT + j] = e;
            sample[base + j] = a * z0[j]! + s * e;
          }
          const mask = sample.subarray(base + LATENT, base + LATENT + PLANE);
          const masked = sample.subarray(base + LATENT + PLANE, base + 9 * PLANE);
          if (rng.uniform() < settings.fullMaskShare) {
            mask.fill(1); // masked-image latent stays 0: the encode of the all-grey masked image
          } else {
            const w = 8 + Math.floor(rng.uniform() * 17);
            const h = 8 + Math.floor(rng.uniform() * 17);
            const x0 = Math.floor(rng.uniform() * (LATENT_SIDE - w + 1));
            const y0 = Math.floor(rng.uniform() * (LATENT_SIDE - h + 1));
            for (let y = 0; y < LATENT_SIDE; y++) {
              for (let x = 0; x < LATENT_SIDE; x++) {
                const inside = x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
                mask[y * LATENT_SIDE + x] = inside ? 1 : 0;
                if (!inside) for (let c = 0; c < LATENT_CHANNELS; c++) masked[c * PLANE + y * LATENT_SIDE + x] = z0[c * PLANE + y * LATENT_SIDE + x]!;
              }
            }
          }
          const caption = captionStart[r]! + Math.floor(rng.uniform() * images[r]!.captions.length);
          if (rng.uniform() >= settings.emptyPromptShare) fillText(caption, text, i * WORLD_TEXT_LENGTH * CLIP_WORD_DIM);
        });
        return step.run(
          {
            sample: new ort.Tensor('float32', sample, [n, 9, LATENT_SIDE, LATENT_SIDE]),
            timestep: new ort.Tensor('int64', timestep, [n]),
            encoder_hidden_states: new ort.Tensor('float32', text, [n, WORLD_TEXT_LENGTH, CLIP_WORD_DIM]),
            noise: new ort.Tensor('float32', noise, [n, LATENT_CHANNELS, LATENT_SIDE, LATENT_SIDE]),
          },
          values,
        );
      },
      config: { ...settings },
      checkpointPath: opts.checkpointPath,
      resume: opts.resume,
      onStep: (m) => {
        if (m.stepInEpoch === 0) epochLoss = epochSteps = 0;
        epochLoss += m.loss;
        epochSteps++;
        opts.onStep?.(m);
      },
      onCheckpoint: opts.onCheckpoint,
      signal: opts.signal,
    });
    return { model: withWeights(model, params), settings, startedAtEpoch: result.startedAtEpoch, lastEpochLoss: epochSteps ? epochLoss / epochSteps : NaN };
  } finally {
    await step.release();
  }
}
