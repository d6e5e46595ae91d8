import type { SeededRandom } from './seeded-random';

/** P = Linear(d,d) → LayerNorm(d) → ReLU, in PyTorch's layouts (Linear weight is [out, in], row-major). */
export interface ProjectionWeights {
  dim: number;
  weight: Float32Array;
  bias: Float32Array;
  lnWeight: Float32Array;
  lnBias: Float32Array;
}

/** torch.nn.LayerNorm's default eps. */
export const LAYER_NORM_EPS = 1e-5;

/** Order in which the training step graph takes the parameters and returns their gradients. */
export const PROJECTION_PARAM_NAMES = ['proj_weight', 'proj_bias', 'ln_weight', 'ln_bias'] as const;

export function projectionParams(w: ProjectionWeights): Float32Array[] {
  return [w.weight, w.bias, w.lnWeight, w.lnBias];
}

/**
 * PyTorch's default init: nn.Linear uses kaiming_uniform_(a=√5), whose bound gain·√(3/fan_in) with
 * gain = √(2/(1+5)) is exactly 1/√fan_in, and its bias U(−1/√fan_in, 1/√fan_in); nn.LayerNorm starts at
 * weight 1, bias 0. The draws come from our seeded generator, so values differ from torch's own RNG.
 */
export function initProjection(dim: number, rng: SeededRandom): ProjectionWeights {
  const bound = 1 / Math.sqrt(dim);
  const weight = new Float32Array(dim * dim);
  for (let i = 0; i < weight.length; i++) weight[i] = rng.uniform(-bound, bound);
  const bias = new Float32Array(dim);
  for (let i = 0; i < dim; i++) bias[i] = rng.uniform(-bound, bound);
  return { dim, weight, bias, lnWeight: new Float32Array(dim).fill(1), lnBias: new Float32Array(dim) };
}

/**
 * x + P(x) for each row of `features` ([n, dim]); the residual output before normalisation (cosine scores
 * normalise it anyway). Computed in float64 per row.
 */
export function applyProjection(features: Float32Array, w: ProjectionWeights): Float32Array {
  const d = w.dim;
  if (features.length % d !== 0) throw new Error(`projection: feature array length ${features.length} is not a multiple of dim ${d}`);
  const n = features.length / d;
  const out = new Float32Array(features.length);
  const h = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const x = features.subarray(r * d, (r + 1) * d);
    let mean = 0;
    for (let o = 0; o < d; o++) {
      let s = w.bias[o]!;
      const row = o * d;
      for (let i = 0; i < d; i++) s += w.weight[row + i]! * x[i]!;
      h[o] = s;
      mean += s;
    }
    mean /= d;
    let variance = 0;
    for (let o = 0; o < d; o++) variance += (h[o]! - mean) ** 2;
    const inv = 1 / Math.sqrt(variance / d + LAYER_NORM_EPS);
    for (let o = 0; o < d; o++) {
      const ln = (h[o]! - mean) * inv * w.lnWeight[o]! + w.lnBias[o]!;
      out[r * d + o] = x[o]! + Math.max(0, ln);
    }
  }
  return out;
}
