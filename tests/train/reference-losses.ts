/**
 * Float64 re-derivations of the two fine-tuning losses, written directly from docs/METHOD.md §6–§7 and torch's
 * definitions (nn.Linear, nn.LayerNorm, F.normalize, F.cross_entropy), independent of the ONNX graphs.
 */

function normalize(v: number[]): number[] {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / n);
}

function row(a: ArrayLike<number>, r: number, d: number): number[] {
  return Array.from({ length: d }, (_, i) => a[r * d + i]!);
}

function crossEntropy(logits: number[], target: number): number {
  const max = Math.max(...logits);
  const lse = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
  return lse - logits[target]!;
}

export interface ProjectionParams64 {
  weight: ArrayLike<number>;
  bias: ArrayLike<number>;
  lnWeight: ArrayLike<number>;
  lnBias: ArrayLike<number>;
}

/** mean_i CE(100 · normalize(x + ReLU(LN(W x + b))) · normalize(T_c), y_i) */
export function projectionLoss64(features: ArrayLike<number>, targets: ArrayLike<number>, text: ArrayLike<number>, d: number, p: ProjectionParams64): number {
  const n = targets.length;
  const c = text.length / d;
  const classes = Array.from({ length: c }, (_, k) => normalize(row(text, k, d)));
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = row(features, i, d);
    const h = Array.from({ length: d }, (_, o) => p.bias[o]! + x.reduce((s, xi, j) => s + p.weight[o * d + j]! * xi, 0));
    const mean = h.reduce((s, v) => s + v, 0) / d;
    const variance = h.reduce((s, v) => s + (v - mean) ** 2, 0) / d;
    const ln = h.map((v, o) => ((v - mean) / Math.sqrt(variance + 1e-5)) * p.lnWeight[o]! + p.lnBias[o]!);
    const y = normalize(x.map((xi, o) => xi + Math.max(0, ln[o]!)));
    const logits = classes.map((t) => 100 * t.reduce((s, tj, j) => s + tj * y[j]!, 0));
    total += crossEntropy(logits, targets[i]!);
  }
  return total / n;
}

/** mean_i CE(100 · normalize(img_i) · normalize(L_m), y_i) */
export function labelFeaturesLoss64(images: ArrayLike<number>, targets: ArrayLike<number>, labels: ArrayLike<number>, d: number): number {
  const n = targets.length;
  const m = labels.length / d;
  const ls = Array.from({ length: m }, (_, k) => normalize(row(labels, k, d)));
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = normalize(row(images, i, d));
    total += crossEntropy(ls.map((l) => 100 * l.reduce((s, lj, j) => s + lj * x[j]!, 0)), targets[i]!);
  }
  return total / n;
}
