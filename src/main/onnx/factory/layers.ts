import { constantParam, kaimingStd, Net, randomParam } from './net';

export interface ConvOptions {
  cin: number;
  cout: number;
  kernel: number;
  stride?: number;
  pad?: number;
  bias?: boolean;
  /** Multiplies the Kaiming std; small values keep residual branches from inflating the stream. */
  gain?: number;
  /** Output tensor name, for graph outputs. */
  output?: string;
}

/** Conv2d with OIHW weights, named like a torch export (`<name>.weight`, `<name>.bias`). */
export function conv(net: Net, x: string, name: string, o: ConvOptions): string {
  const k = o.kernel;
  const stride = o.stride ?? 1;
  const pad = o.pad ?? Math.floor(k / 2);
  const std = kaimingStd(o.cin * k * k, o.gain ?? Math.SQRT2);
  const inputs = [x, randomParam(net, `${name}.weight`, [o.cout, o.cin, k, k], std)];
  // Folded BatchNorm leaves a per-channel shift in the bias; random values make bias gradients non-trivial.
  if (o.bias ?? true) inputs.push(randomParam(net, `${name}.bias`, [o.cout], 0.05));
  const attrs = { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] };
  return net.b.node('Conv', inputs, attrs, { outputs: [o.output ?? `${name}.out`] })[0]!;
}

/** Linear layer over the last axis as torch exports it for 3-D inputs: MatMul with a [din, dout] weight, then Add. */
export function linear(net: Net, x: string, name: string, din: number, dout: number, opts: { bias?: boolean; gain?: number; output?: string } = {}): string {
  const w = randomParam(net, `${name}.weight`, [din, dout], kaimingStd(din, opts.gain ?? 1));
  if (!(opts.bias ?? true)) return net.b.node('MatMul', [x, w], {}, { outputs: [opts.output ?? `${name}.out`] })[0]!;
  const y = net.b.op('MatMul', [x, w]);
  const bias = randomParam(net, `${name}.bias`, [dout], 0.02);
  return net.b.node('Add', [y, bias], {}, { outputs: [opts.output ?? `${name}.out`] })[0]!;
}

export function layerNorm(net: Net, x: string, name: string, dim: number, eps = 1e-5, output?: string): string {
  const scale = randomParam(net, `${name}.weight`, [dim], 0.05, 1);
  const bias = randomParam(net, `${name}.bias`, [dim], 0.02);
  return net.b.node('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: eps }, { outputs: [output ?? `${name}.out`] })[0]!;
}

/** Inference-mode BatchNormalization with plausible running statistics (variance kept away from zero). */
export function batchNorm(net: Net, x: string, name: string, channels: number): string {
  const scale = randomParam(net, `${name}.weight`, [channels], 0.1, 1);
  const bias = randomParam(net, `${name}.bias`, [channels], 0.05);
  const mean = randomParam(net, `${name}.running_mean`, [channels], 0.05);
  const variance = new Float32Array(channels);
  for (let i = 0; i < channels; i++) variance[i] = 1 + 0.1 * Math.abs(net.rng.normal());
  const v = net.b.initializer(`${name}.running_var`, variance, [channels]);
  return net.b.node('BatchNormalization', [x, scale, bias, mean, v], { epsilon: 1e-5 }, { outputs: [`${name}.out`] })[0]!;
}

/**
 * GroupNorm the way torch exports it below opset 18: reshape to [N, G, -1], InstanceNormalization
 * with unit scale, reshape back, then the per-channel affine. Real SD/VAE ONNX files carry this pattern.
 */
export function groupNorm(net: Net, x: string, name: string, channels: number, groups: number, eps: number): string {
  if (channels % groups !== 0) throw new Error(`groupNorm ${name}: ${channels} channels not divisible by ${groups} groups`);
  const b = net.b;
  const grouped = b.op('Reshape', [x, b.constI64([0, groups, -1])]);
  const ones = constantParam(net, `${name}.group_scale`, [groups], 1);
  const zeros = constantParam(net, `${name}.group_bias`, [groups], 0);
  const normed = b.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: eps });
  const back = b.op('Reshape', [normed, b.op('Shape', [x])]);
  const gamma = randomParam(net, `${name}.weight`, [channels, 1, 1], 0.05, 1);
  const beta = randomParam(net, `${name}.bias`, [channels, 1, 1], 0.02);
  return b.op('Add', [b.op('Mul', [back, gamma]), beta]);
}

export function relu(net: Net, x: string): string {
  return net.b.op('Relu', [x]);
}

/** SiLU as torch exports it: x · sigmoid(x). */
export function silu(net: Net, x: string): string {
  return net.b.op('Mul', [x, net.b.op('Sigmoid', [x])]);
}

/** Exact (erf) GELU as torch exports nn.GELU(): 0.5 · x · (1 + erf(x / √2)). */
export function geluExact(net: Net, x: string): string {
  const b = net.b;
  const erf = b.op('Erf', [b.op('Div', [x, b.constF32([Math.SQRT2])])]);
  return b.op('Mul', [b.op('Mul', [x, b.op('Add', [erf, b.constF32([1])])]), b.constF32([0.5])]);
}

/** Nearest-neighbour ×2 upsampling, as torch's F.interpolate(scale_factor=2) exports at opset 17. */
export function upsampleNearest2x(net: Net, x: string): string {
  const scales = net.b.constF32([1, 1, 2, 2]);
  return net.b.op('Resize', [x, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
}
