// Interpolation along one axis as a dense (out x in) matrix, reproducing ONNX Resize's coordinate
// transforms, nearest rounding modes and linear weights (source coordinate clamped to [0, in-1]).
export interface AxisResize {
  inSize: number;
  outSize: number;
  scale: number;
  mode: 'nearest' | 'linear';
  coordinateMode: string;
  nearestMode: string;
}

function sourceCoordinate(o: number, r: AxisResize): number {
  const { inSize, outSize, scale } = r;
  switch (r.coordinateMode) {
    case 'half_pixel':
      return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
    case 'asymmetric':
      return o / scale;
    case 'tf_half_pixel_for_nn':
      return (o + 0.5) / scale;
    default:
      throw new Error(`coordinate_transformation_mode ${r.coordinateMode}`);
  }
}

function roundNearest(x: number, mode: string): number {
  switch (mode) {
    case 'round_prefer_floor':
      return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil':
      return Math.round(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    default:
      throw new Error(`nearest_mode ${mode}`);
  }
}

export function nearestSources(r: AxisResize): number[] {
  return Array.from({ length: r.outSize }, (_, o) =>
    Math.min(Math.max(roundNearest(sourceCoordinate(o, r), r.nearestMode), 0), r.inSize - 1),
  );
}

// Row-major (out x in) matrix.
export function interpolationMatrix(r: AxisResize): Float32Array {
  const m = new Float32Array(r.outSize * r.inSize);
  if (r.mode === 'nearest') {
    nearestSources(r).forEach((i, o) => (m[o * r.inSize + i] = 1));
    return m;
  }
  for (let o = 0; o < r.outSize; o++) {
    const x = Math.min(Math.max(sourceCoordinate(o, r), 0), r.inSize - 1);
    const x0 = Math.floor(x);
    const x1 = Math.min(x0 + 1, r.inSize - 1);
    const w1 = x - x0;
    m[o * r.inSize + x0]! += 1 - w1;
    m[o * r.inSize + x1]! += w1;
  }
  return m;
}

// Integer nearest upsampling where output o reads input floor(o / factor): summing blocks is its adjoint.
export function blockFactor(r: AxisResize): number | undefined {
  if (r.mode !== 'nearest' || r.outSize % r.inSize !== 0) return undefined;
  const f = r.outSize / r.inSize;
  return nearestSources(r).every((i, o) => i === Math.floor(o / f)) ? f : undefined;
}

export function isIdentity(m: Float32Array, n: number): boolean {
  for (let o = 0; o < n; o++) for (let i = 0; i < n; i++) if (m[o * n + i] !== (o === i ? 1 : 0)) return false;
  return true;
}
