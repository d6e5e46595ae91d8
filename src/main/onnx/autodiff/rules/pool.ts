import { attrInt, attrInts } from '../../attributes';
import { TensorDataType } from '../../data-types';
import { isCeilMode, windowGeometry } from '../conv-geometry';
import type { GradientRule } from '../rule-types';

// MaxPool's Indices output addresses the flattened input, so one ScatterElements(reduction='add') routes every
// window's cotangent to its arg-max, summing where overlapping windows share a maximum (MaxUnpool would not).
const maxPool: GradientRule = (c) => {
  const x = c.input(0);
  const gy = c.gradOutput(0)!;
  const hadIndices = Boolean(c.node.output?.[1]);
  if (attrInt(c.node, 'storage_order', 0) === 1) {
    if (hadIndices) throw c.unsupported('storage_order=1 with the Indices output used by the model');
    // Only the (so far unused) Indices output depends on storage_order, so row-major can be asked for.
    c.node.attribute = (c.node.attribute ?? []).filter((a) => a.name !== 'storage_order');
  }
  const indices = c.forwardOutput(1);
  c.g.requireOpset(16);
  const flat = (v: string): string => c.g.op('Reshape', [v, c.g.constI64([-1])]);
  const scattered = c.g.op('ScatterElements', [flat(c.g.zerosLike(x)), flat(indices), flat(gy)], {
    axis: 0,
    reduction: 'add',
  });
  return [c.g.reshapeLike(scattered, x)];
};

// Number of real (non-pad) input positions each window covers along one axis.
function validCounts(inSize: number, outSize: number, k: number, s: number, d: number, pb: number): number[] {
  return Array.from({ length: outSize }, (_, o) => {
    let n = 0;
    for (let j = 0; j < k; j++) {
      const p = o * s - pb + j * d;
      if (p >= 0 && p < inSize) n++;
    }
    return n;
  });
}

// AveragePool is linear: its adjoint spreads cotangent/divisor over each window, i.e. a depthwise
// ConvTranspose with a ones kernel. The divisor is taken from onnxruntime itself, as the valid count over
// AveragePool(ones) — so count_include_pad and ceil_mode edge windows follow whatever the forward did.
const averagePool: GradientRule = (c) => {
  const x = c.input(0);
  const gy = c.gradOutput(0)!;
  const xs = c.g.shape(x);
  if (!xs || xs.slice(1).some((d) => typeof d !== 'number')) throw c.unsupported('channels and spatial size must be static');
  const inSizes = xs.slice(2) as number[];
  const channels = xs[1] as number;
  const kernel = attrInts(c.node, 'kernel_shape')!;
  const geo = windowGeometry(c.node, inSizes, kernel, isCeilMode(c.node));
  const n = inSizes.length;
  const perAxis = inSizes.map((len, i) =>
    validCounts(len, geo.outSizes[i]!, kernel[i]!, geo.strides[i]!, geo.dilations[i]!, geo.padsBegin[i]!),
  );
  const valid = new Float32Array(geo.outSizes.reduce((a, b) => a * b, 1));
  valid.forEach((_, flatIndex) => {
    let rem = flatIndex;
    let count = 1;
    for (let i = n - 1; i >= 0; i--) {
      count *= perAxis[i]![rem % geo.outSizes[i]!]!;
      rem = Math.floor(rem / geo.outSizes[i]!);
    }
    valid[flatIndex] = Math.max(count, 1);
  });
  const ones = c.g.op('ConstantOfShape', [c.g.constI64([1, 1, ...inSizes])], { value: new Float32Array([1]) });
  const pooledOnes = c.g.opWithAttributes('AveragePool', [ones], c.node.attribute ?? []);
  const scale = c.g.op('Div', [pooledOnes, c.g.constF32(valid, [1, 1, ...geo.outSizes])]);
  const padsEnd = inSizes.map((len, i) => {
    const covered = (geo.outSizes[i]! - 1) * geo.strides[i]! + geo.dilations[i]! * (kernel[i]! - 1) + 1;
    return Math.max(geo.padsEnd[i]!, covered - geo.padsBegin[i]! - len);
  });
  const outputPadding = inSizes.map((len, i) => {
    const covered = (geo.outSizes[i]! - 1) * geo.strides[i]! + geo.dilations[i]! * (kernel[i]! - 1) + 1;
    return len - (covered - geo.padsBegin[i]! - padsEnd[i]!);
  });
  const onesKernel = c.g.op('ConstantOfShape', [c.g.constI64([channels, 1, ...kernel])], { value: new Float32Array([1]) });
  return [
    c.g.op('ConvTranspose', [c.g.op('Mul', [gy, scale]), onesKernel], {
      strides: geo.strides,
      dilations: geo.dilations,
      pads: [...geo.padsBegin, ...padsEnd],
      output_padding: outputPadding,
      group: channels,
      kernel_shape: kernel,
    }),
  ];
};

const globalAveragePool: GradientRule = (c) => {
  const x = c.input(0);
  const gy = c.gradOutput(0)!;
  const spatial = c.g.shape(x)?.slice(2);
  let scaled: string;
  if (spatial && spatial.every((d) => typeof d === 'number')) {
    const count = (spatial as number[]).reduce((a, b) => a * b, 1);
    scaled = c.g.op('Mul', [gy, c.g.scalarLike(1 / count, gy)]);
  } else {
    const to = c.g.facts.type(x) ?? TensorDataType.FLOAT;
    const size = (v: string): string => c.g.op('Cast', [c.g.op('Size', [v])], { to });
    scaled = c.g.op('Mul', [gy, c.g.op('Div', [size(c.output(0)), size(x)])]);
  }
  return [c.g.op('Expand', [scaled, c.g.shapeOf(x)])];
};

const globalMaxPool: GradientRule = (c) => {
  const x = c.input(0);
  const routed = c.g.op('Where', [c.g.op('Equal', [x, c.output(0)]), c.gradOutput(0)!, c.g.scalarLike(0, x)]);
  return [routed];
};

export const poolRules: Record<string, GradientRule> = {
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
  GlobalMaxPool: globalMaxPool,
};
