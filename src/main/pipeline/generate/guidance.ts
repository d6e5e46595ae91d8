import { denoise, planSampling } from './denoise';
import { GaussianNoise } from './gaussian-noise';
import type { GuidanceClassifier } from './guidance/classifier';
import { GuidanceRunner, type GuidanceEvaluation } from './guidance/guidance-runner';
import { usesGradient, type Objective, type ObjectiveOptions } from './guidance/objectives';
import { loadImageForDiffusion, unitImageToRgb, type RgbImage } from './image-io';
import { prepareInpaintConditioning } from './inpaint-conditioning';
import type { InpaintModels } from './inpaint-models';
import { addNoise, type SchedulerKind } from './schedulers';
import { encodeGuidancePrompts } from './text-conditioning';
import { encodeLatent } from './vae';

export interface CandidateOptions {
  /** The InD source image (file path or encoded bytes); not used by `neg-text2img`. */
  image?: string | Buffer;
  prompt: string;
  /** Classifier-free guidance's negative prompt (official: empty). */
  negativePrompt?: string;
  /** Default `code`, the official code's loss. */
  objective?: Objective;
  objectiveOptions?: ObjectiveOptions;
  seed?: number;
  /** Guidance iterations (official: 3); the kept image is the last one's decode. */
  iterations?: number;
  /** Step size of ε ← ε − lr·∂L/∂z0 (official: 10). */
  lr?: number;
  steps?: number;
  strength?: number;
  guidanceScale?: number;
  scheduler?: SchedulerKind;
  /** Diffusion size; the source is resized to it without keeping its aspect ratio (official: 512×512). */
  width?: number;
  height?: number;
  /** Pixel mask [height·width] in [0, 1], 1 = repaint; default all ones (official). */
  mask?: Float32Array;
}

/** Wall time per part of one candidate, in milliseconds. */
export interface CandidateTimings {
  /** Prompt encoding, source and masked-image VAE encoding. */
  prepareMs: number;
  unetMs: number;
  unetCalls: number;
  /** Forward runs of the guidance graph (decode → classifier → loss) for the kept image. */
  decodeMs: number;
  /** Runs of the differentiated graph (the same forward pass plus the backward pass to z0). */
  gradientMs: number;
  totalMs: number;
}

export interface Candidate {
  /** The last iteration's decode. */
  image: RgbImage;
  /** Every iteration's decode, in order (the last is `image`). */
  previews: RgbImage[];
  /** Per iteration: the objective's loss (null without one), the classifier's energy −logsumexp(f) and MSP. */
  losses: (number | null)[];
  energy: number[];
  msp: number[];
  /** The model-call timesteps of each denoising run. */
  timesteps: number[];
  timings: CandidateTimings;
}

/**
 * One synthetic candidate (SYNOOD.md §3). For gradient objectives, per iteration: z_t0 = sqrt(ᾱ_t0)·z_img +
 * sqrt(1−ᾱ_t0)·ε, denoise without gradient → z0, decode and classify, and — except after the last
 * iteration, whose update would never be used — ε ← ε − lr·∂L/∂z0 (skip-gradient through the UNet). The kept
 * image is the last iteration's decode, so with 3 iterations its noise had two updates. Iterations are
 * independent restarts from the source: an output is never fed back as an input.
 */
export async function generateCandidate(models: InpaintModels, classifier: GuidanceClassifier, opts: CandidateOptions): Promise<Candidate> {
  const started = performance.now();
  const objective = opts.objective ?? 'code';
  const width = opts.width ?? 512;
  const height = opts.height ?? 512;
  const textToImage = objective === 'neg-text2img';
  const iterations = usesGradient(objective) ? (opts.iterations ?? 3) : 1;
  const lr = opts.lr ?? 10;
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`iterations must be a positive integer, got ${iterations}`);
  if (!textToImage && opts.image === undefined) throw new Error(`objective "${objective}" needs a source image`);

  const timings: CandidateTimings = { prepareMs: 0, unetMs: 0, unetCalls: 0, decodeMs: 0, gradientMs: 0, totalMs: 0 };
  let t = performance.now();
  const text = await encodeGuidancePrompts(models, opts.prompt, opts.negativePrompt ?? '');
  const source = textToImage ? null : await loadImageForDiffusion(opts.image!, width, height);
  const inpaint = await prepareInpaintConditioning(models, source, height, width, opts.mask);
  const zImg = source ? (await encodeLatent(models, source, height, width)).data : null;
  timings.prepareMs = performance.now() - t;

  const plan = planSampling(models, {
    steps: opts.steps ?? 20,
    strength: textToImage ? 1 : (opts.strength ?? 0.6),
    scheduler: opts.scheduler,
    guidanceScale: opts.guidanceScale ?? 8,
  });
  const runner = await guidanceRunner(models, classifier, objective, opts.objectiveOptions ?? {}, inpaint.latentDims, height, width);
  let eps = new GaussianNoise(opts.seed ?? 0).normals(inpaint.latentDims.reduce((a, d) => a * d, 1));

  const result: Candidate = { image: { width, height, data: new Uint8Array(0) }, previews: [], losses: [], energy: [], msp: [], timesteps: plan.timesteps, timings };
  for (let k = 0; k < iterations; k++) {
    // Text-to-image starts from pure noise (init_noise_sigma = 1 for PNDM and DDIM), as diffusers at strength 1.
    const start = zImg ? addNoise(plan.scheduler.alphasCumprod, zImg, eps, plan.timesteps[0]!) : eps;
    t = performance.now();
    const z0 = await denoise(models, plan, start, text, inpaint);
    timings.unetMs += performance.now() - t;
    timings.unetCalls += plan.timesteps.length * (plan.guidanceScale > 1 && !models.io.unetBatchesGuidance ? 2 : 1);

    t = performance.now();
    const last = k === iterations - 1;
    let evaluation: GuidanceEvaluation;
    if (last) {
      evaluation = await runner.evaluate(z0);
      timings.decodeMs += performance.now() - t;
    } else {
      const withGrad = await runner.gradient(z0);
      timings.gradientMs += performance.now() - t;
      eps = stepNoise(eps, withGrad.grad, lr);
      evaluation = withGrad;
    }

    result.previews.push(unitImageToRgb(evaluation.image01, width, height));
    result.losses.push(evaluation.loss);
    const scores = energyAndMsp(evaluation.logits);
    result.energy.push(scores.energy);
    result.msp.push(scores.msp);
  }
  result.image = result.previews[result.previews.length - 1]!;
  timings.totalMs = performance.now() - started;
  return result;
}

/** Guidance graphs are costly to build (the decoder and classifier are merged and differentiated): one per combination. */
const runnerCache = new WeakMap<InpaintModels, Map<GuidanceClassifier, Map<string, Promise<GuidanceRunner>>>>();

function guidanceRunner(
  models: InpaintModels,
  classifier: GuidanceClassifier,
  objective: Objective,
  objectiveOptions: ObjectiveOptions,
  latentDims: number[],
  height: number,
  width: number,
): Promise<GuidanceRunner> {
  let byClassifier = runnerCache.get(models);
  if (!byClassifier) runnerCache.set(models, (byClassifier = new Map()));
  let byKey = byClassifier.get(classifier);
  if (!byKey) byClassifier.set(classifier, (byKey = new Map()));
  // neg-text2img and none share the forward-only graph.
  const lossKey = usesGradient(objective) ? `${objective}:${JSON.stringify(objectiveOptions)}` : 'forward-only';
  const key = `${lossKey}:${latentDims.join('x')}:${height}x${width}`;
  let runner = byKey.get(key);
  if (!runner) {
    if (classifier.numClasses === null) throw new Error('the guidance classifier must declare its class count in its output shape');
    runner = GuidanceRunner.create(
      models.decoderPath,
      classifier,
      { numClasses: classifier.numClasses, latentDims, height, width, latentScale: models.io.latentScale, objective: usesGradient(objective) ? objective : 'none', objectiveOptions },
      models.sessionOptions,
    );
    byKey.set(key, runner);
    runner.catch(() => byKey!.delete(key));
  }
  return runner;
}

/**
 * Releases the guidance sessions built for `models` (with one classifier, or all): call it before
 * `models.release()` when the models are done with, or to free memory between runs with different classifiers.
 */
export async function releaseGuidance(models: InpaintModels, classifier?: GuidanceClassifier): Promise<void> {
  const byClassifier = runnerCache.get(models);
  if (!byClassifier) return;
  const maps = classifier ? [byClassifier.get(classifier)] : [...byClassifier.values()];
  if (classifier) byClassifier.delete(classifier);
  else byClassifier.clear();
  for (const byKey of maps) {
    // A runner whose build failed has nothing to release (its error went to the call that built it).
    for (const runner of byKey?.values() ?? []) await (await runner.catch(() => null))?.release();
  }
}

function stepNoise(eps: Float32Array, grad: Float32Array, lr: number): Float32Array {
  const out = new Float32Array(eps.length);
  for (let i = 0; i < eps.length; i++) out[i] = eps[i]! - lr * grad[i]!;
  return out;
}

/** Energy score −logsumexp(f) and maximum softmax probability of the first (only) row of logits. */
export function energyAndMsp(logits: Float32Array): { energy: number; msp: number } {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  return { energy: -(max + Math.log(sum)), msp: 1 / sum };
}
