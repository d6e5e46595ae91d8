import { GraphBuilder, gradientRegistry, type ModelProto } from '../../../onnx';
import type { Objective, ObjectiveOptions } from './objectives';

/** z0 → z0 / latentScale, the decoder's `latent_sample`. */
export function latentScaleGraph(opset: number, latentDims: number[], latentScale: number): ModelProto {
  const b = new GraphBuilder({ opset, name: 'latent_scale' });
  const z = b.input('z0', 'float32', latentDims);
  b.node('Mul', [z, b.constF32([1 / latentScale], [])], {}, { outputs: ['latent_sample'] });
  b.output('latent_sample', 'float32', latentDims);
  return b.build();
}

export interface Preprocessing {
  /** Side lengths after the shorter-side resize (torchvision `Resize(232)`: int(232·long/short) for the long side). */
  resizeHeight: number;
  resizeWidth: number;
  crop: number;
  mean: number[];
  std: number[];
}

/** The ResNet transform for a decode of height×width: shorter side to `resizeShorter`, long side int(resizeShorter·long/short). */
export function resnetPreprocessing(height: number, width: number, resizeShorter: number, crop: number, mean: number[], std: number[]): Preprocessing {
  const short = Math.min(height, width);
  const long = Math.max(height, width);
  const other = Math.trunc((resizeShorter * long) / short);
  return {
    resizeHeight: height <= width ? resizeShorter : other,
    resizeWidth: height <= width ? other : resizeShorter,
    crop,
    mean,
    std,
  };
}

/**
 * decoded [1,3,H,W] → image01 = clamp(decoded/2 + 0.5, 0, 1) (what is saved) and pixels = the classifier
 * input: bilinear resize (half-pixel centres, as torch's interpolate without antialias), centre crop with
 * torchvision's offset round((size − crop)/2), then (x − mean)/std.
 */
export function preprocessGraph(opset: number, height: number, width: number, p: Preprocessing): ModelProto {
  const b = new GraphBuilder({ opset, name: 'classifier_preprocessing' });
  const decoded = b.input('decoded', 'float32', [1, 3, height, width]);
  const shifted = b.op('Add', [b.op('Mul', [decoded, b.constF32([0.5], [])]), b.constF32([0.5], [])]);
  b.node('Clip', [shifted, b.constF32([0], []), b.constF32([1], [])], {}, { outputs: ['image01'] });
  const resized = b.op('Resize', ['image01', '', '', b.constI64([1, 3, p.resizeHeight, p.resizeWidth])], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
  const top = pythonRound((p.resizeHeight - p.crop) / 2);
  const left = pythonRound((p.resizeWidth - p.crop) / 2);
  const cropped = b.op('Slice', [resized, b.constI64([top, left]), b.constI64([top + p.crop, left + p.crop]), b.constI64([2, 3])]);
  const centred = b.op('Sub', [cropped, b.constF32(p.mean, [1, 3, 1, 1])]);
  b.node('Div', [centred, b.constF32(p.std, [1, 3, 1, 1])], {}, { outputs: ['pixels'] });
  b.output('image01', 'float32', [1, 3, height, width]);
  b.output('pixels', 'float32', [1, 3, p.crop, p.crop]);
  return b.build();
}

/** logits [N, C] → scalar `loss` for a gradient objective. */
export function lossGraph(opset: number, objective: Objective, opts: ObjectiveOptions = {}): ModelProto {
  const b = new GraphBuilder({ opset, name: `loss_${objective}` });
  const f = b.input('logits', 'float32', ['batch', 'classes']);
  let perImage: string;
  if (objective === 'energy') {
    const tau = opts.temperature ?? 1;
    const lse = logSumExp(b, b.op('Div', [f, b.constF32([tau], [])]));
    perImage = b.op('Sub', [b.constF32([opts.energyMargin ?? 0], []), b.op('Mul', [b.constF32([tau], []), lse])]);
  } else if (objective === 'code') {
    const s = b.op('Sub', [reduce(b, 'ReduceMean', f, 1), logSumExp(b, f)]);
    const d = b.op('Sub', [b.constF32([opts.codeTarget ?? -5], []), s]);
    perImage = b.op('Mul', [d, d]);
  } else if (objective === 'msp') {
    perImage = reduce(b, 'ReduceMax', b.op('Softmax', [f], { axis: 1 }), 1);
  } else {
    throw new Error(`objective "${objective}" has no loss`);
  }
  b.node('ReduceMean', opset >= 18 ? [perImage, b.constI64([0])] : [perImage], opset >= 18 ? { keepdims: 0 } : { axes: [0], keepdims: 0 }, { outputs: ['loss'] });
  b.output('loss', 'float32', []);
  return b.build();
}

/** A reduction over one axis without keeping it, in the form the opset wants (axes became an input at 18). */
function reduce(b: GraphBuilder, op: string, x: string, axis: number): string {
  return b.opset >= 18 ? b.op(op, [x, b.constI64([axis])], { keepdims: 0 }) : b.op(op, [x], { axes: [axis], keepdims: 0 });
}

/**
 * logsumexp over the class axis. ReduceLogSumExp when the autodiff engine can differentiate it; otherwise
 * the max-shifted composite m + log Σ exp(f − m), whose gradient through m cancels exactly.
 */
function logSumExp(b: GraphBuilder, f: string): string {
  if (gradientRegistry.has('ReduceLogSumExp')) return reduce(b, 'ReduceLogSumExp', f, 1);
  const m = b.opset >= 18 ? b.op('ReduceMax', [f, b.constI64([1])], { keepdims: 1 }) : b.op('ReduceMax', [f], { axes: [1], keepdims: 1 });
  const sum = b.op('ReduceSum', [b.op('Exp', [b.op('Sub', [f, m])]), b.constI64([1])], { keepdims: 0 });
  return b.op('Add', [b.op('Log', [sum]), b.op('Squeeze', [m, b.constI64([1])])]);
}

/** Python's round(): halves go to the even neighbour (torchvision computes crop offsets with it). */
function pythonRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
