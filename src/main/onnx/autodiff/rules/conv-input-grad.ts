import type { GradGraph } from '../grad-graph';
import type { WindowGeometry } from '../conv-geometry';

export interface InputGradSpec {
  w: string; // forward weight (M, C/group, *kernel)
  gy: string; // cotangent of the forward output (N, M, *out)
  wShape: number[];
  kernel: number[];
  geo: WindowGeometry;
  group: number;
}

// (M, C/g, *k) -> (C, M/g, *k): the weight of the adjoint convolution, channels swapped within each group.
function swapKernelChannels(g: GradGraph, w: string, wShape: number[], kernel: number[], group: number): string {
  const [m, cg] = [wShape[0]!, wShape[1]!];
  const spatialAxes = kernel.map((_, i) => i + 2);
  if (group === 1) return g.transpose(w, [1, 0, ...spatialAxes]);
  const perGroup = g.op('Reshape', [w, g.constI64([group, m / group, cg, ...kernel])]);
  const swapped = g.transpose(perGroup, [0, 2, 1, ...spatialAxes.map((a) => a + 1)]);
  return g.op('Reshape', [swapped, g.constI64([group * cg, m / group, ...kernel])]);
}

// Picks kernel taps (in the given order) along each spatial axis; constant-folded for initializer weights.
function kernelTaps(g: GradGraph, w: string, taps: number[][], kernel: number[]): string {
  let out = w;
  taps.forEach((list, a) => {
    if (list.length === kernel[a] && list.every((t, i) => t === i)) return;
    out = g.op('Gather', [out, g.constI64(list)], { axis: a + 2 });
  });
  return out;
}

// Stride 1: the input cotangent is itself a convolution of gy with the flipped kernel, channels swapped per
// group, and pads (k-1)d - p. onnxruntime runs Conv through its blocked (NCHWc) kernels, which is markedly
// faster than ConvTranspose; the flip is constant-folded when the weight is an initializer.
export function inputGradStride1(g: GradGraph, s: InputGradSpec): string | undefined {
  const { geo, kernel } = s;
  if (geo.strides.some((v) => v !== 1)) return undefined;
  const span = kernel.map((k, i) => geo.dilations[i]! * (k - 1));
  const padsBegin = span.map((v, i) => v - geo.padsBegin[i]!);
  const padsEnd = span.map((v, i) => v - geo.padsEnd[i]!);
  if ([...padsBegin, ...padsEnd].some((p) => p < 0)) return undefined;
  const flipped = kernelTaps(g, s.w, kernel.map((k) => Array.from({ length: k }, (_, t) => k - 1 - t)), kernel);
  const w = swapKernelChannels(g, flipped, s.wShape, kernel, s.group);
  return g.op('Conv', [s.gy, w], { dilations: geo.dilations, pads: [...padsBegin, ...padsEnd], group: s.group, kernel_shape: kernel });
}
