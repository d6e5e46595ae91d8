import { SeededRandom } from '../../src/main/pipeline/train/seeded-random';

export function uniformArray(rng: SeededRandom, n: number, low = -1, high = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(low, high));
}

/**
 * Linearly separable clusters: sample i of class c = centre_c + small noise. Class text features are
 * non-negative and unrelated to the centres, so the raw features score near chance and a model must learn
 * the mapping for the loss to fall.
 */
export function separableClusters(seed: number, classes: number, perClass: number, dim: number): {
  features: Float32Array;
  targets: Int32Array;
  text: Float32Array;
} {
  const rng = new SeededRandom(seed);
  const centres = uniformArray(rng, classes * dim, -1, 1);
  const n = classes * perClass;
  const features = new Float32Array(n * dim);
  const targets = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    targets[i] = c;
    for (let j = 0; j < dim; j++) features[i * dim + j] = centres[c * dim + j]! + rng.uniform(-0.05, 0.05);
  }
  const text = uniformArray(rng, classes * dim, 0, 1);
  return { features, targets, text };
}
