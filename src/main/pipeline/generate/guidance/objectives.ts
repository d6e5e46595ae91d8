import { GUIDANCE_DEFAULTS, GUIDANCE_OBJECTIVES, objectiveUsesGradient, type GuidanceObjective } from '../../../../shared/guidance';

/**
 * What the initial-noise update minimises, on the guidance classifier's logits f; each gradient objective moves
 * the image toward OOD (docs/METHOD.md §3):
 * - `official`: the official code's loss. s = mean_c(f) − logsumexp(f), ℓ = (t − s)² with t = −5. s ≤ −ln C, so
 *   for C = 1000 the target is out of reach and minimising ℓ keeps raising s: the logits flatten toward uniform.
 * - `energy`: the squared hinge of Energy-based OOD training that the paper's eq. 7 cites, ℓ = max(0, m_out − E)²
 *   on E = −τ·logsumexp(f/τ): zero once E ≥ m_out, otherwise it pushes E up (the OOD side). Eq. 7 read literally
 *   (m_out − τ·logsumexp, no hinge) would lower E, toward InD: older projects show it as `energy-eq7-literal`.
 * - `msp`: ℓ = max_c softmax(f)_c, lowered (the paper's MSP-guided ablation).
 * - `none`: no gradient ("near_no_grad"): one denoising run from the seeded noise, decoded once.
 * - `neg-text2img`: the paper's "Neg Image" ablation: no source image; pure noise at strength 1 through the
 *   same inpainting UNet (mask all ones, masked image all zeros) with the prompt given — no gradient.
 */
export type Objective = GuidanceObjective;

export const OBJECTIVES: readonly Objective[] = GUIDANCE_OBJECTIVES;

/** The objectives' constants; each defaults to GUIDANCE_DEFAULTS. */
export interface ObjectiveOptions {
  /** t of the official loss, as set. */
  officialTarget?: number;
  /**
   * The t the loss uses: max(t, −ln C). s ≤ −ln C, so with C ≥ e^5 ≈ 149 classes (ImageNet: 1000) t = −5 is
   * out of reach and the official loss always raises s; with fewer classes s could pass t, where the loss
   * would push s back down, toward InD. Capping t at −ln C (uniform logits) keeps the official behaviour
   * wherever it moves toward OOD and makes it do so everywhere (docs/METHOD.md §3). Resolved, never set.
   */
  officialTargetApplied?: number;
  /** m_out of the energy hinge. */
  energyMargin?: number;
  /** τ of the energy score. */
  energyTemperature?: number;
}

/** The constants an objective actually uses for a C-class classifier, defaults filled in: what a candidate records. */
export function resolvedObjectiveOptions(objective: Objective, o: ObjectiveOptions, numClasses: number): ObjectiveOptions {
  if (objective === 'official') {
    const t = o.officialTarget ?? GUIDANCE_DEFAULTS.officialTarget;
    return { officialTarget: t, officialTargetApplied: Math.max(t, -Math.log(numClasses)) };
  }
  if (objective === 'energy') {
    return { energyMargin: o.energyMargin ?? GUIDANCE_DEFAULTS.energyMargin, energyTemperature: o.energyTemperature ?? GUIDANCE_DEFAULTS.energyTemperature };
  }
  return {};
}

export function usesGradient(objective: Objective): boolean {
  return objectiveUsesGradient(objective);
}
