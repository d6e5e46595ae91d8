import { z } from 'zod';

/**
 * The guided-generation method's choices in one place (docs/METHOD.md §3), read by the API schema, the
 * Generate page, the CLI, the shard writers and the demo, so that a default can never differ between them.
 * Every gradient objective moves the image toward OOD; which of the paper's and the official code's
 * readings each setting follows is said here and shown wherever the setting is.
 */

/** Objectives a new generation can use. */
export const GUIDANCE_OBJECTIVES = ['official', 'energy', 'msp', 'none', 'neg-text2img'] as const;
export const GuidanceObjective = z.enum(GUIDANCE_OBJECTIVES);
export type GuidanceObjective = z.infer<typeof GuidanceObjective>;

/**
 * Objectives that older projects recorded but that can no longer be queued: the literal reading of eq. 7
 * (no hinge), which pushed images toward InD. Schema v3 renamed such rows, so they say what made them.
 */
export const LEGACY_OBJECTIVES = ['energy-eq7-literal'] as const;
/** Any objective a stored candidate may carry. */
export const RecordedObjective = z.enum([...GUIDANCE_OBJECTIVES, ...LEGACY_OBJECTIVES]);
export type RecordedObjective = z.infer<typeof RecordedObjective>;

/** The default everywhere: the loss the official code ran, which produced the paper's images. */
export const DEFAULT_OBJECTIVE: GuidanceObjective = 'official';

export interface ObjectiveInfo {
  label: string;
  /** Whose reading it is: the official code, the paper, or an ablation of the paper. */
  source: 'official code' | 'paper' | 'paper ablation' | 'removed';
  /** What moving along it does to the classifier. */
  effect: string;
}

export const OBJECTIVE_INFO: Record<RecordedObjective, ObjectiveInfo> = {
  official: { label: 'Official code loss (−5 − s)²', source: 'official code', effect: 'raises s = mean(f) − logsumexp(f): logits flatten toward uniform' },
  energy: { label: 'Energy hinge max(0, m_out − E)²', source: 'paper', effect: 'raises the energy E = −τ·logsumexp(f/τ) above m_out' },
  msp: { label: 'MSP-guided', source: 'paper ablation', effect: 'lowers the maximum softmax probability' },
  none: { label: 'No gradient', source: 'paper ablation', effect: 'one denoising run, no noise update' },
  'neg-text2img': { label: 'Neg image: text-to-image', source: 'paper ablation', effect: 'no source image; text-to-image from the prompt' },
  'energy-eq7-literal': { label: 'Eq. 7 read literally (removed)', source: 'removed', effect: 'lowered E: pushed toward InD; made by an older version' },
};

export function objectiveUsesGradient(objective: RecordedObjective): boolean {
  return objective === 'official' || objective === 'energy' || objective === 'msp' || objective === 'energy-eq7-literal';
}

/**
 * How per-image losses become the loss that is differentiated. `per-image`: each image's own loss (B = 1).
 * `batch-mean`: the official script's mean over a batch of B images, so each image's step is r/B·∂ℓ_i/∂u.
 */
export const GuidanceReduction = z.enum(['per-image', 'batch-mean']);
export type GuidanceReduction = z.infer<typeof GuidanceReduction>;

/** The VAE encoder's posterior: its mean, or a sample with the item's seed (diffusers' pipeline samples). */
export const VaeLatentMode = z.enum(['sample', 'mean']);
export type VaeLatentMode = z.infer<typeof VaeLatentMode>;

/** The guidance classifier's resize: torchvision ≥ 0.17 resizes tensors with antialias when downsampling. */
export const ResizeFilter = z.enum(['bilinear-antialias', 'bilinear']);
export type ResizeFilter = z.infer<typeof ResizeFilter>;

/** The defaults, each with whose value it is (docs/METHOD.md §3). */
export const GUIDANCE_DEFAULTS = {
  objective: DEFAULT_OBJECTIVE,
  /** Paper (the official script: 0.7). */
  strength: 0.6,
  steps: 20,
  guidance: 8,
  /** Paper (the official script: 8). */
  iterations: 3,
  /** r·ρ = 10, the paper's (the official script: 2e11). */
  lr: 10,
  seed: 0,
  perImage: 1,
  reduction: 'per-image' as GuidanceReduction,
  /** B; 1 for per-image. */
  batchSize: 1,
  /** The official code's target for s. */
  officialTarget: -5,
  /** m_out of the energy hinge: Liu et al. 2020's value for their fine-tuning (m_out = −7). */
  energyMargin: -7,
  /** τ of the energy score (Liu et al. 2020: 1). */
  energyTemperature: 1,
  /** The official diffusers pipeline samples the posterior. */
  vaeLatent: 'sample' as VaeLatentMode,
  resizeFilter: 'bilinear-antialias' as ResizeFilter,
} as const;

/** Which settings are the paper's and which the official code's, for the Generate page and the docs. */
export const SETTING_ORIGINS: { key: keyof typeof GUIDANCE_DEFAULTS; label: string; origin: string }[] = [
  { key: 'objective', label: 'Objective', origin: 'official code (the paper writes eq. 7, an energy hinge)' },
  { key: 'strength', label: 'Strength', origin: 'paper 0.6 (official script 0.7)' },
  { key: 'iterations', label: 'Iterations', origin: 'paper 3 (official script 8)' },
  { key: 'lr', label: 'Step size r·ρ', origin: 'paper 10 (official script 2e11)' },
  { key: 'reduction', label: 'Loss reduction', origin: 'per-image B = 1 (official script: mean over its batch)' },
  { key: 'vaeLatent', label: 'VAE latent', origin: 'official pipeline: seeded posterior sample' },
  { key: 'resizeFilter', label: 'Classifier resize', origin: 'official environment: torchvision ≥ 0.17, antialiased' },
];
