/**
 * What the initial-noise update minimises, on the guidance classifier's logits f (batch mean):
 * - `code`: the official code's loss. s = mean_c(f) − logsumexp(f), L = (−5 − s)². s ≤ −ln C, so for C = 1000
 *   the target −5 is out of reach and the loss keeps pushing s up: it flattens the logits toward uniform.
 * - `energy`: the paper's eq. 7 as SYNOOD.md transcribes it, L = m_out − τ·logsumexp(f/τ), read literally:
 *   no hinge and no square, so m_out only offsets the reported value and never changes the gradient;
 *   minimising L raises logsumexp, i.e. lowers the energy score E = −τ·logsumexp(f/τ).
 * - `msp`: L = max_c softmax(f)_c, the maximum softmax probability, lowered (the paper's MSP-guided ablation).
 * - `none`: no gradient ("near_no_grad"): one denoising run from the seeded noise, decoded once.
 * - `neg-text2img`: the paper's "Neg Image" ablation: no source image; pure noise at strength 1 through the
 *   same inpainting UNet (mask all ones, masked image all zeros) with the prompt given — no gradient.
 */
export type Objective = 'code' | 'energy' | 'msp' | 'none' | 'neg-text2img';

export const OBJECTIVES: readonly Objective[] = ['code', 'energy', 'msp', 'none', 'neg-text2img'];

export interface ObjectiveOptions {
  /** m_out of eq. 7 (energy only). A constant offset: 0 makes the loss read as the energy score. */
  energyMargin?: number;
  /** τ of eq. 7 (energy only). */
  temperature?: number;
  /** The official code's target for s (code only). */
  codeTarget?: number;
}

export function usesGradient(objective: Objective): boolean {
  return objective === 'code' || objective === 'energy' || objective === 'msp';
}
