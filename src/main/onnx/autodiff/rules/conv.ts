import { attrInt, attrInts, attrString } from '../../attributes';
import { type WindowGeometry, windowGeometry } from '../conv-geometry';
import { inputGradStride1 } from './conv-input-grad';
import { convTransposeGeometry } from '../conv-transpose-geometry';
import type { GradientContext, GradientRule } from '../rule-types';
import { convWeightGrad } from './conv-weight-grad';

function staticSpatial(c: GradientContext, name: string, what: string): number[] {
  const s = c.g.shape(name);
  if (!s || s.slice(2).some((d) => typeof d !== 'number')) throw c.unsupported(`${what} spatial size must be static`);
  return s.slice(2) as number[];
}

function knownSpatial(c: GradientContext, name: string): number[] | undefined {
  const s = c.g.shape(name);
  return s && s.slice(2).every((d) => typeof d === 'number') ? (s.slice(2) as number[]) : undefined;
}

// Dynamic spatial size: usable when the pads are explicit, since nothing else depends on the sizes.
function dynamicGeometry(c: GradientContext, kernel: number[]): WindowGeometry {
  const n = kernel.length;
  const autoPad = attrString(c.node, 'auto_pad', 'NOTSET');
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') throw c.unsupported('auto_pad SAME with a dynamic spatial size');
  const pads = autoPad === 'VALID' ? new Array<number>(2 * n).fill(0) : attrInts(c.node, 'pads') ?? new Array<number>(2 * n).fill(0);
  return {
    kernel,
    strides: attrInts(c.node, 'strides') ?? new Array<number>(n).fill(1),
    dilations: attrInts(c.node, 'dilations') ?? new Array<number>(n).fill(1),
    padsBegin: pads.slice(0, n),
    padsEnd: pads.slice(n),
    outSizes: [],
  };
}

function staticWeight(c: GradientContext): number[] {
  const s = c.g.shape(c.input(1));
  if (!s || s.some((d) => typeof d !== 'number')) throw c.unsupported('weight shape must be static');
  return s as number[];
}

function biasGrad(c: GradientContext, gy: string): string {
  const rank = c.g.rank(gy) ?? c.g.rank(c.output(0))!;
  return c.g.reduceSum(gy, [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)], false);
}

// Strided Conv whose input spatial size is only known at run time (e.g. Optimum's dynamic height/width):
// ConvTranspose without end padding gives each axis a length in [in + pe - s + 1, in + pe]; s - 1 zeros at
// the end (input positions no window reached) make it at least `in`, and a Slice to the input's run-time size
// drops the positions that fell in the end padding.
function inputGradDynamicSize(c: GradientContext, s: { gy: string; w: string; kernel: number[]; geo: WindowGeometry; group: number }): string {
  const { geo, kernel } = s;
  const n = kernel.length;
  const full = c.g.op('ConvTranspose', [s.gy, s.w], {
    strides: geo.strides,
    dilations: geo.dilations,
    pads: [...geo.padsBegin, ...new Array<number>(n).fill(0)],
    group: s.group,
    kernel_shape: kernel,
  });
  const extra = geo.strides.map((v) => v - 1);
  const padded = extra.some((v) => v > 0) ? c.g.op('Pad', [full, c.g.constI64([0, 0, ...new Array<number>(n).fill(0), 0, 0, ...extra])]) : full;
  const spatialAxes = Array.from({ length: n }, (_, i) => i + 2);
  const ends = c.g.op('Slice', [c.g.shapeOf(c.input(0)), c.g.constI64([2]), c.g.constI64([2 + n]), c.g.constI64([0])]);
  const grad = c.g.op('Slice', [padded, c.g.constI64(new Array<number>(n).fill(0)), ends, c.g.constI64(spatialAxes)]);
  return c.g.like(grad, c.input(0));
}

// Input cotangent by a Conv for stride 1 (see conv-input-grad.ts), otherwise by ConvTranspose with
// output_padding chosen so the result has the input's exact size. (A polyphase split of strided convs into
// stride-1 Convs was measured slower than ConvTranspose in onnxruntime 1.30 on ResNet-50 shapes.)
const conv: GradientRule = (c) => {
  const [x, w] = [c.input(0), c.input(1)];
  const gy = c.gradOutput(0)!;
  const inSizes = knownSpatial(c, x);
  const wShape = staticWeight(c);
  const kernel = attrInts(c.node, 'kernel_shape') ?? wShape.slice(2);
  const group = attrInt(c.node, 'group', 1);
  const geo = inSizes ? windowGeometry(c.node, inSizes, kernel) : dynamicGeometry(c, kernel);
  const out: (string | undefined)[] = [undefined, undefined, undefined];
  const spec = { w, gy, wShape, kernel, geo, group };
  if (c.needsGrad(0)) out[0] = inputGradStride1(c.g, spec);
  if (c.needsGrad(0) && !out[0] && !inSizes) out[0] = inputGradDynamicSize(c, spec);
  if (c.needsGrad(0) && !out[0]) {
    if (!inSizes) throw c.unsupported('a strided convolution needs a static input spatial size');
    const outputPadding = inSizes.map(
      (len, i) => len + geo.padsBegin[i]! + geo.padsEnd[i]! - ((geo.outSizes[i]! - 1) * geo.strides[i]! + geo.dilations[i]! * (kernel[i]! - 1) + 1),
    );
    out[0] = c.g.op('ConvTranspose', [gy, w], {
      strides: geo.strides,
      dilations: geo.dilations,
      pads: [...geo.padsBegin, ...geo.padsEnd],
      output_padding: outputPadding,
      group,
      kernel_shape: kernel,
    });
  }
  if (c.needsGrad(1)) {
    if (!inSizes && group !== 1) throw c.unsupported('a grouped convolution weight gradient needs a static spatial size');
    out[1] = convWeightGrad(c.g, {
      x,
      gy,
      inSizes,
      outSizes: inSizes ? geo.outSizes : undefined,
      kernel,
      strides: geo.strides,
      dilations: geo.dilations,
      padsBegin: geo.padsBegin,
      padsEnd: geo.padsEnd,
      group,
      channels: wShape[1]! * group,
      filters: wShape[0]!,
    });
  }
  if (c.input(2) && c.needsGrad(2)) out[2] = biasGrad(c, gy);
  return out;
};

// ConvTranspose is the adjoint of Conv with the same weight, so its input cotangent is a plain Conv.
const convTranspose: GradientRule = (c) => {
  const [x, w] = [c.input(0), c.input(1)];
  const gy = c.gradOutput(0)!;
  const inSizes = staticSpatial(c, x, 'input');
  const wShape = staticWeight(c);
  const kernel = attrInts(c.node, 'kernel_shape') ?? wShape.slice(2);
  const group = attrInt(c.node, 'group', 1);
  const geo = convTransposeGeometry(c.node, inSizes, kernel);
  const out: (string | undefined)[] = [undefined, undefined, undefined];
  if (c.needsGrad(0)) {
    out[0] = c.g.op('Conv', [gy, w], {
      strides: geo.strides,
      dilations: geo.dilations,
      pads: [...geo.padsBegin, ...geo.padsEnd],
      group,
      kernel_shape: kernel,
    });
  }
  if (c.needsGrad(1)) {
    out[1] = convWeightGrad(c.g, {
      x: gy,
      gy: x,
      inSizes: geo.outSizes,
      outSizes: inSizes,
      kernel,
      strides: geo.strides,
      dilations: geo.dilations,
      padsBegin: geo.padsBegin,
      padsEnd: geo.padsEnd,
      group,
      channels: wShape[1]! * group,
      filters: wShape[0]!,
    });
  }
  if (c.input(2) && c.needsGrad(2)) out[2] = biasGrad(c, gy);
  return out;
};

export const convRules: Record<string, GradientRule> = { Conv: conv, ConvTranspose: convTranspose };
