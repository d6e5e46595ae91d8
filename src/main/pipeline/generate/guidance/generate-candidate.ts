import { denoise, planSampling } from '../denoise';
import { GaussianNoise } from '../gaussian-noise';
import type { GuidanceClassifier } from './classifier';
import { GuidanceRunner, type GuidanceEvaluation } from './guidance-runner';
import { resolvedObjectiveOptions, usesGradient, type Objective, type ObjectiveOptions } from './objectives';
import { GUIDANCE_DEFAULTS, type GuidanceReduction, type ResizeFilter, type VaeLatentMode } from '../../../../shared/guidance';
import { loadImageForDiffusion, unitImageToRgb, type RgbImage } from '../image-io';
import { prepareInpaintConditioning } from '../inpaint-conditioning';
import type { InpaintModels } from '../inpaint-models';
import { addNoise, type SchedulerKind } from '../schedulers';
import { encodeGuidancePrompts } from '../text-conditioning';
import { encodeLatent } from '../vae';

export interface CandidateOptions {
  /** The InD source image (file path or encoded bytes); not used by `neg-text2img`. */
  image?: string | Buffer;
  prompt: string;
  /** Classifier-free guidance's negative prompt (official: empty). */
  negativePrompt?: string;
  /** Default `official`, the official code's loss. */
  objective?: Objective;
  objectiveOptions?: ObjectiveOptions;
  seed?: number;
  /** Guidance iterations (paper: 3); the kept image is the last one's decode. */
  iterations?: number;
  /** r of ε ← ε − (r/B)·∂ℓ/∂u, u the decoder input (paper: 10). */
  lr?: number;
  /** `per-image` (B = 1) or the official script's `batch-mean` over B images (docs/METHOD.md §3). */
  reduction?: GuidanceReduction;
  /** B of `batch-mean`. */
  batchSize?: number;
  /** The source's VAE latent: the posterior mean, or a sample seeded by `seed` (default, as diffusers). */
  vaeLatent?: VaeLatentMode;
  /** The guidance classifier's resize; default the classifier's own (antialiased bilinear). */
  resizeFilter?: ResizeFilter;
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
  /** Runs of the differentiated graph (the same forward pass plus the backward pass to u). */
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
  /** Per noise update: the L2 norm of ∂ℓ/∂u and of the applied step (r/B)·∂ℓ/∂u. */
  gradNorms: number[];
  stepNorms: number[];
  /** The step semantics and switches this candidate was made with, as recorded with it. */
  semantics: GuidanceSemantics;
  /** The model-call timesteps of each denoising run. */
  timesteps: number[];
  timings: CandidateTimings;
}

/** What a candidate records about how its noise was stepped (docs/METHOD.md §3). */
export interface GuidanceSemantics {
  objective: Objective;
  /** The objective's constants, defaults filled in. */
  objectiveOptions: ObjectiveOptions;
  /** The variable the gradient is taken with respect to: always the decoder input u = z0 / latentScale. */
  gradientWrt: 'decoder-input';
  reduction: GuidanceReduction;
  batchSize: number;
  lr: number;
  /** r/B: what multiplies ∂ℓ/∂u in the update. */
  stepScale: number;
  iterations: number;
  /** `export` when the encoder graph returns a latent of its own (its randomness is its own). */
  vaeLatent: VaeLatentMode | 'export';
  resizeFilter: ResizeFilter;
}

/**
 * One synthetic candidate (docs/METHOD.md §3). For gradient objectives, per iteration: z_t0 = sqrt(ᾱ_t0)·z_img +
 * sqrt(1−ᾱ_t0)·ε, denoise without gradient → z0, decode u = z0 / latentScale and classify, and — except after
 * the last iteration, whose update would never be used — ε ← ε − (r/B)·∂ℓ/∂u (skip-gradient through the UNet).
 * The kept image is the last iteration's decode, so with 3 iterations its noise had two updates. Iterations are
 * independent restarts from the source: an output is never fed back as an input.
 */
export async function generateCandidate(models: InpaintModels, classifier: GuidanceClassifier, opts: CandidateOptions): Promise<Candidate> {
  const started = performance.now();
  const objective = opts.objective ?? GUIDANCE_DEFAULTS.objective;
  const width = opts.width ?? 512;
  const height = opts.height ?? 512;
  const textToImage = objective === 'neg-text2img';
  const iterations = usesGradient(objective) ? (opts.iterations ?? GUIDANCE_DEFAULTS.iterations) : 1;
  const lr = opts.lr ?? GUIDANCE_DEFAULTS.lr;
  const reduction = opts.reduction ?? GUIDANCE_DEFAULTS.reduction;
  const batchSize = reduction === 'batch-mean' ? (opts.batchSize ?? GUIDANCE_DEFAULTS.batchSize) : 1;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`iterations must be a positive integer, got ${iterations}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  if (!textToImage && opts.image === undefined) throw new Error(`objective "${objective}" needs a source image`);
  const guided = { ...classifier, resizeFilter: opts.resizeFilter ?? classifier.resizeFilter };
  const vaeLatent: VaeLatentMode | 'export' = models.io.encoderOutput === 'latent_sample' ? 'export' : (opts.vaeLatent ?? GUIDANCE_DEFAULTS.vaeLatent);
  if (classifier.numClasses === null) throw new Error('the guidance classifier must declare its class count in its output shape');
  const semantics: GuidanceSemantics = {
    objective,
    objectiveOptions: resolvedObjectiveOptions(objective, opts.objectiveOptions ?? {}, classifier.numClasses),
    gradientWrt: 'decoder-input',
    reduction,
    batchSize,
    lr,
    stepScale: lr / batchSize,
    iterations,
    vaeLatent,
    resizeFilter: guided.resizeFilter,
  };

  const timings: CandidateTimings = { prepareMs: 0, unetMs: 0, unetCalls: 0, decodeMs: 0, gradientMs: 0, totalMs: 0 };
  let t = performance.now();
  const text = await encodeGuidancePrompts(models, opts.prompt, opts.negativePrompt ?? '');
  const source = textToImage ? null : await loadImageForDiffusion(opts.image!, width, height);
  // The posterior sample has its own stream, so the start noise ε of a seed is the same with either VAE mode.
  const posterior = vaeLatent === 'sample' ? new GaussianNoise(posteriorSeed(seed)) : undefined;
  const inpaint = await prepareInpaintConditioning(models, source, height, width, opts.mask, posterior);
  const zImg = source ? (await encodeLatent(models, source, height, width, posterior)).data : null;
  timings.prepareMs = performance.now() - t;

  const plan = planSampling(models, {
    steps: opts.steps ?? GUIDANCE_DEFAULTS.steps,
    strength: textToImage ? 1 : (opts.strength ?? GUIDANCE_DEFAULTS.strength),
    scheduler: opts.scheduler,
    guidanceScale: opts.guidanceScale ?? GUIDANCE_DEFAULTS.guidance,
  });
  const runner = await guidanceRunner(models, guided, objective, semantics.objectiveOptions, inpaint.latentDims, height, width);
  let eps = new GaussianNoise(seed).normals(inpaint.latentDims.reduce((a, d) => a * d, 1));

  const result: Candidate = {
    image: { width, height, data: new Uint8Array(0) },
    previews: [],
    losses: [],
    energy: [],
    msp: [],
    gradNorms: [],
    stepNorms: [],
    semantics,
    timesteps: plan.timesteps,
    timings,
  };
  for (let k = 0; k < iterations; k++) {
    // Text-to-image starts from pure noise (init_noise_sigma = 1 for PNDM and DDIM), as diffusers at strength 1.
    const start = zImg ? addNoise(plan.scheduler.alphasCumprod, zImg, eps, plan.timesteps[0]!) : eps;
    t = performance.now();
    const z0 = await denoise(models, plan, start, text, inpaint);
    timings.unetMs += performance.now() - t;
    timings.unetCalls += plan.timesteps.length * (plan.guidanceScale > 1 && !models.io.unetBatchesGuidance ? 2 : 1);

    t = performance.now();
    const u = decoderInput(z0, models.io.latentScale);
    const last = k === iterations - 1;
    let evaluation: GuidanceEvaluation;
    if (last) {
      evaluation = await runner.evaluate(u);
      timings.decodeMs += performance.now() - t;
    } else {
      const withGrad = await runner.gradient(u);
      timings.gradientMs += performance.now() - t;
      eps = stepNoise(eps, withGrad.grad, semantics.stepScale);
      result.gradNorms.push(l2(withGrad.grad));
      result.stepNorms.push(semantics.stepScale * l2(withGrad.grad));
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

/** u = z0 / latentScale: the VAE decoder's input, the variable the official code differentiates. */
export function decoderInput(z0: Float32Array, latentScale: number): Float32Array {
  const u = new Float32Array(z0.length);
  for (let i = 0; i < z0.length; i++) u[i] = z0[i]! / latentScale;
  return u;
}

/** A seed for the posterior sample's stream, distinct from the start noise's stream of the same seed. */
function posteriorSeed(seed: number): number {
  return (Math.imul(seed >>> 0, 0x2545f491) ^ 0x5eed5eed) >>> 0;
}

function l2(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

function guidanceRunner(
  models: InpaintModels,
  classifier: GuidanceClassifier,
  objective: Objective,
  objectiveOptions: ObjectiveOptions,
  latentDims: number[],
  height: number,
  width: number,
): Promise<GuidanceRunner> {
  // One graph per combination, kept by the models (InpaintModels.guidanceRunners). Keyed by the model proto: a candidate's classifier is a copy with its own resize filter (part of the key).
  let byKey = models.guidanceRunners.get(classifier.model);
  if (!byKey) models.guidanceRunners.set(classifier.model, (byKey = new Map()));
  // neg-text2img and none share the forward-only graph.
  const lossKey = usesGradient(objective) ? `${objective}:${JSON.stringify(objectiveOptions)}` : 'forward-only';
  const key = `${lossKey}:${latentDims.join('x')}:${height}x${width}:${classifier.resizeFilter}`;
  let runner = byKey.get(key);
  if (!runner) {
    if (classifier.numClasses === null) throw new Error('the guidance classifier must declare its class count in its output shape');
    runner = GuidanceRunner.create(
      models.decoderPath,
      classifier,
      { numClasses: classifier.numClasses, latentDims, height, width, objective: usesGradient(objective) ? objective : 'none', objectiveOptions },
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
  const byClassifier = models.guidanceRunners;
  const maps = classifier ? [byClassifier.get(classifier.model)] : [...byClassifier.values()];
  if (classifier) byClassifier.delete(classifier.model);
  else byClassifier.clear();
  for (const byKey of maps) {
    // A runner whose build failed has nothing to release (its error went to the call that built it).
    for (const runner of byKey?.values() ?? []) await (await runner.catch(() => null))?.release();
  }
}

/** ε ← ε − scale·∂ℓ/∂u, scale = r/B. */
export function stepNoise(eps: Float32Array, grad: Float32Array, scale: number): Float32Array {
  const out = new Float32Array(eps.length);
  for (let i = 0; i < eps.length; i++) out[i] = eps[i]! - scale * grad[i]!;
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
