import type { GradGraph } from '../grad-graph';

export interface WeightGradSpec {
  x: string; // forward input (N, C, *in)
  gy: string; // cotangent of the forward output (N, M, *out)
  inSizes: number[] | undefined; // undefined: dynamic spatial size (group 1 only)
  outSizes: number[] | undefined;
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
  group: number;
  channels: number; // C
  filters: number; // M
}

// dW[m, c, k] = sum_n sum_o gy[n, m, o] * xpad[n, c, o*s + k*d]: itself a convolution of x (batch and
// channels swapped) with gy as the kernel, strides and dilations exchanging roles. Groups become a grouped
// convolution after folding each group's batch into channels. Returns (M, C/group, *kernel).
export function convWeightGrad(g: GradGraph, s: WeightGradSpec): string {
  const n = s.kernel.length;
  const spatial = Array.from({ length: n }, (_, i) => i);
  const cg = s.channels / s.group;
  const mg = s.filters / s.group;
  let xt: string;
  let gt: string;
  if (s.group === 1) {
    xt = g.transpose(s.x, [1, 0, ...spatial.map((i) => i + 2)]);
    gt = g.transpose(s.gy, [1, 0, ...spatial.map((i) => i + 2)]);
  } else {
    if (!s.inSizes || !s.outSizes) throw new Error('grouped convolution weight gradient needs static spatial sizes');
    const x5 = g.op('Reshape', [s.x, g.constI64([0, s.group, cg, ...s.inSizes])]);
    xt = g.op('Reshape', [g.transpose(x5, [2, 1, 0, ...spatial.map((i) => i + 3)]), g.constI64([cg, -1, ...s.inSizes])]);
    const g5 = g.op('Reshape', [s.gy, g.constI64([0, s.group, mg, ...s.outSizes])]);
    gt = g.op('Reshape', [g.transpose(g5, [1, 2, 0, ...spatial.map((i) => i + 3)]), g.constI64([s.filters, -1, ...s.outSizes])]);
  }
  // Trim the end padding that only feeds pixels no window reached, so the result is exactly the kernel size.
  const [inSizes, outSizes] = [s.inSizes, s.outSizes];
  const padsEnd = spatial.map((i) => {
    if (!inSizes || !outSizes) return s.padsEnd[i]!;
    const leftover = inSizes[i]! + s.padsBegin[i]! + s.padsEnd[i]! - ((outSizes[i]! - 1) * s.strides[i]! + s.dilations[i]! * (s.kernel[i]! - 1) + 1);
    return Math.max(0, s.padsEnd[i]! - leftover);
  });
  // With unknown sizes the result may exceed the kernel (never fall short), so it is always sliced.
  const produced = spatial.map((i) =>
    inSizes && outSizes
      ? Math.floor((inSizes[i]! + s.padsBegin[i]! + padsEnd[i]! - ((outSizes[i]! - 1) * s.strides[i]! + 1)) / s.dilations[i]!) + 1
      : undefined,
  );
  let dw = g.op('Conv', [xt, gt], {
    strides: s.dilations,
    dilations: s.strides,
    pads: [...s.padsBegin, ...padsEnd],
    group: s.group,
  });
  if (produced.some((p, i) => p !== s.kernel[i])) {
    dw = g.op('Slice', [dw, g.constI64(spatial.map(() => 0)), g.constI64(s.kernel), g.constI64(spatial.map((i) => i + 2))]);
  }
  return g.transpose(dw, [1, 0, ...spatial.map((i) => i + 2)]);
}
