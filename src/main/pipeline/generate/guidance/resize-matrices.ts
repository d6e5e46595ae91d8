// One axis of a separable resize as a dense row-major [outSize, inSize] matrix, so that a 2-D resize of
// X [.., H, W] is A_h X A_w^T: a fixed linear map the autodiff engine differentiates through MatMul.

/**
 * torch's bilinear with antialias=True (aten upsample_bilinear2d_aa, PIL's triangle filter), which
 * torchvision ≥ 0.17 `Resize` uses on tensors. Downsampling widens the triangle by the scale so every input
 * pixel contributes (a box-like average); upsampling reduces to plain half-pixel bilinear.
 * Per output i, with scale = in/out: support = max(scale, 1), center = scale·(i + 0.5),
 * taps j ∈ [max(trunc(center − support + 0.5), 0), min(trunc(center + support + 0.5), in)),
 * w_j = tri((j − center + 0.5)·min(1/scale, 1)), normalised to sum 1.
 * Evaluated in float32 step by step as aten does for float tensors: near 512 a float32 `center` is off by
 * up to 1.5e-5, so exact weights would differ from torch's by ~1e-5.
 */
export function antialiasBilinearMatrix(inSize: number, outSize: number): Float32Array {
  checkSizes(inSize, outSize);
  const f = Math.fround;
  const m = new Float32Array(outSize * inSize);
  const scale = f(inSize / outSize);
  const support = scale >= 1 ? scale : 1;
  const invScale = scale >= 1 ? f(1 / scale) : 1;
  const w = new Float32Array(inSize);
  for (let i = 0; i < outSize; i++) {
    const center = f(scale * (i + 0.5));
    // int64 casts truncate toward zero, before the clamp.
    const xmin = Math.max(Math.trunc(f(center - support) + 0.5), 0);
    const xmax = Math.min(Math.trunc(f(center + support) + 0.5), inSize);
    let total = 0;
    for (let j = xmin; j < xmax; j++) {
      const x = Math.abs(f((f(j - center) + 0.5) * invScale));
      w[j] = x < 1 ? 1 - x : 0;
      total = f(total + w[j]!);
    }
    for (let j = xmin; j < xmax; j++) m[i * inSize + j] = total !== 0 ? w[j]! / total : w[j]!;
  }
  return m;
}

/**
 * torch's bilinear without antialias, align_corners=False (= ONNX Resize linear, half_pixel): source
 * coordinate (i + 0.5)·in/out − 0.5 clamped to [0, in − 1], two taps.
 */
export function bilinearMatrix(inSize: number, outSize: number): Float32Array {
  checkSizes(inSize, outSize);
  const f = Math.fround;
  const m = new Float32Array(outSize * inSize);
  const scale = f(inSize / outSize);
  for (let i = 0; i < outSize; i++) {
    // aten (CPU): a float32 scale, the source index in its accumulate type (double).
    const x = Math.min(Math.max(scale * (i + 0.5) - 0.5, 0), inSize - 1);
    const x0 = Math.floor(x);
    const x1 = Math.min(x0 + 1, inSize - 1);
    const l = f(x - x0);
    m[i * inSize + x0]! += 1 - l;
    m[i * inSize + x1]! += l;
  }
  return m;
}

/** Rows [start, start + count) of a row-major [rows, cols] matrix: a resize followed by a crop. */
export function matrixRows(m: Float32Array, cols: number, start: number, count: number): Float32Array {
  if (start < 0 || count < 0 || (start + count) * cols > m.length) throw new Error(`rows ${start}..${start + count} out of range`);
  return m.slice(start * cols, (start + count) * cols);
}

/** The transpose of a row-major [rows, cols] matrix. */
export function transposeMatrix(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c]!;
  return t;
}

function checkSizes(inSize: number, outSize: number): void {
  if (!Number.isInteger(inSize) || !Number.isInteger(outSize) || inSize < 1 || outSize < 1) {
    throw new Error(`resize sizes must be positive integers (got ${inSize} → ${outSize})`);
  }
}
