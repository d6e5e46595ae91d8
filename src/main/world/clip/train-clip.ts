import * as ort from 'onnxruntime-node';
import type { ModelProto } from '../../onnx';
import { runTrainingLoop } from '../../pipeline/train/training-loop';
import { worldLoopOptions, type WorldTrainingHooks } from '../training-options';
import { openTrainingStep } from '../../pipeline/train/training-step-session';
import { normalisedBatch } from '../classifier/pixels';
import { trainableParams, withTrainingTail, withWeights } from '../classifier/trainable';
import { WORLD_IMAGE_SIZE } from '../scene';
import { worldSplit } from '../splits';
import { MAX_TOKENS, tokenize } from './tokenizer';
import { buildImageTower, buildTextModel, contrastiveTail, initTextParams, TEXT_PARAMS } from './towers';

export const CLIP_TRAINING_DEFAULTS = { seed: 0, trainImages: 4200, epochs: 6, batchSize: 64, lr: 2e-3, etaMin: 1e-5, weightDecay: 1e-5 };
export type ClipTrainingSettings = typeof CLIP_TRAINING_DEFAULTS;

export interface ClipTrainingOptions extends Partial<ClipTrainingSettings>, WorldTrainingHooks {}

export interface ClipTrainingResult {
  imageModel: ModelProto;
  textModel: ModelProto;
  settings: ClipTrainingSettings;
  startedAtEpoch: number;
}

/**
 * Trains both towers of the tiny CLIP contrastively on world-train (all 40 kinds, empty scenes and textures) with
 * their captions (image i is paired with template i mod 3), Adam, cosine lr, seeded, checkpointed per epoch.
 */
export async function trainWorldClip(opts: ClipTrainingOptions = {}): Promise<ClipTrainingResult> {
  const settings: ClipTrainingSettings = { ...CLIP_TRAINING_DEFAULTS };
  for (const k of Object.keys(settings) as (keyof ClipTrainingSettings)[]) if (opts[k] !== undefined) settings[k] = opts[k]!;
  const images = worldSplit('world-train', { count: settings.trainImages });
  opts.onData?.(images.length);
  const pixels = images.map((i) => i.pixels);
  const tokens = tokenize(images.map((img, i) => img.captions[i % img.captions.length]!));

  const imageTower = buildImageTower(settings.seed);
  const imageParams = trainableParams(imageTower);
  const specs = [...imageParams.specs, ...TEXT_PARAMS];
  const values = [...imageParams.values, ...initTextParams(settings.seed)];
  const forward = withTrainingTail(imageTower, imageParams, contrastiveTail(), { logits: 'logits' });
  const step = await openTrainingStep(forward, specs, { providers: ['cpu'], intraOpNumThreads: opts.intraOpNumThreads });
  try {
    const result = await runTrainingLoop({
      kind: 'world-clip',
      numSamples: images.length,
      // Weights come from the model's own seeded stream; the shuffles from the loop's (worldLoopOptions).
      ...worldLoopOptions(settings),
      params: Object.fromEntries(specs.map((s, i) => [s.name, values[i]!])),
      runStep: (batch, current) => {
        const n = batch.length;
        const ids = new BigInt64Array(n * MAX_TOKENS);
        const mask = new Float32Array(n * MAX_TOKENS);
        const eye = new Float32Array(n * n);
        const target = new BigInt64Array(n);
        batch.forEach((r, i) => {
          ids.set(tokens.ids.subarray(r * MAX_TOKENS, (r + 1) * MAX_TOKENS), i * MAX_TOKENS);
          mask.set(tokens.mask.subarray(r * MAX_TOKENS, (r + 1) * MAX_TOKENS), i * MAX_TOKENS);
          eye[i * n + i] = 1;
          target[i] = BigInt(i);
        });
        return step.run(
          {
            input: new ort.Tensor('float32', normalisedBatch(pixels, batch), [n, 3, WORLD_IMAGE_SIZE, WORLD_IMAGE_SIZE]),
            input_ids: new ort.Tensor('int64', ids, [n, MAX_TOKENS]),
            token_mask: new ort.Tensor('float32', mask, [n, MAX_TOKENS, 1]),
            eye: new ort.Tensor('float32', eye, [n, n]),
            target: new ort.Tensor('int64', target, [n]),
          },
          current,
        );
      },
      config: { ...settings },
      checkpointPath: opts.checkpointPath,
      resume: opts.resume,
      onStep: opts.onStep,
      onCheckpoint: opts.onCheckpoint,
      signal: opts.signal,
    });
    const k = imageParams.specs.length;
    return {
      imageModel: withWeights(imageTower, { specs: imageParams.specs, values: values.slice(0, k) }),
      textModel: buildTextModel(values.slice(k)),
      settings,
      startedAtEpoch: result.startedAtEpoch,
    };
  } finally {
    await step.release();
  }
}
