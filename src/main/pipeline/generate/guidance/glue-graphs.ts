import { GraphBuilder, type ModelProto } from '../../../onnx';
import type { ResizeFilter } from './classifier';
import { antialiasBilinearMatrix, matrixRows, transposeMatrix } from './resize-matrices';

export interface Preprocessing {
  /** Side lengths after the shorter-side resize (torchvision `Resize(232)`: int(232·long/short) for the long side). */
  resizeHeight: number;
  resizeWidth: number;
  crop: number;
  mean: number[];
  std: number[];
  /** 'bilinear-antialias': torchvision ≥ 0.17 `Resize` on a tensor; 'bilinear': interpolate without antialias. */
  filter: ResizeFilter;
}

/** The ResNet transform for a decode of height×width: shorter side to `resizeShorter`, long side int(resizeShorter·long/short). */
export function resnetPreprocessing(
  height: number,
  width: number,
  resizeShorter: number,
  crop: number,
  mean: number[],
  std: number[],
  filter: ResizeFilter = 'bilinear-antialias',
): Preprocessing {
  const short = Math.min(height, width);
  const long = Math.max(height, width);
  const other = Math.trunc((resizeShorter * long) / short);
  return {
    resizeHeight: height <= width ? resizeShorter : other,
    resizeWidth: height <= width ? other : resizeShorter,
    crop,
    mean,
    std,
    filter,
  };
}

/**
 * decoded [1,3,H,W] → image01 = clamp(decoded/2 + 0.5, 0, 1) (what is saved) and pixels = the classifier
 * input: bilinear resize, centre crop with torchvision's offset round((size − crop)/2), then (x − mean)/std.
 * 'bilinear-antialias' resizes and crops in one fixed linear map, A_h[crop rows] · X · A_w[crop cols]^T
 * (two MatMuls with constant matrices, which the autodiff engine differentiates). ONNX Resize antialias=1
 * is no substitute: it has no gradient rule and onnxruntime's weights differ from torch's by up to 0.08.
 * 'bilinear' is ONNX Resize (linear, half_pixel = torch's interpolate without antialias) + Slice.
 */
export function preprocessGraph(opset: number, height: number, width: number, p: Preprocessing): ModelProto {
  const b = new GraphBuilder({ opset, name: 'classifier_preprocessing' });
  const decoded = b.input('decoded', 'float32', [1, 3, height, width]);
  const shifted = b.op('Add', [b.op('Mul', [decoded, b.constF32([0.5], [])]), b.constF32([0.5], [])]);
  b.node('Clip', [shifted, b.constF32([0], []), b.constF32([1], [])], {}, { outputs: ['image01'] });
  const top = pythonRound((p.resizeHeight - p.crop) / 2);
  const left = pythonRound((p.resizeWidth - p.crop) / 2);
  if (top < 0 || left < 0) throw new Error(`crop ${p.crop} is larger than the resized ${p.resizeHeight}×${p.resizeWidth}`);
  let cropped: string;
  if (p.filter === 'bilinear-antialias') {
    const ah = matrixRows(antialiasBilinearMatrix(height, p.resizeHeight), height, top, p.crop); // [crop, H]
    const aw = matrixRows(antialiasBilinearMatrix(width, p.resizeWidth), width, left, p.crop); // [crop, W]
    const rows = b.op('MatMul', ['image01', b.constF32(transposeMatrix(aw, p.crop, width), [width, p.crop])]); // [1,3,H,crop]
    cropped = b.op('MatMul', [b.constF32(ah, [p.crop, height]), rows]);
  } else if (p.filter === 'bilinear') {
    const resized = b.op('Resize', ['image01', '', '', b.constI64([1, 3, p.resizeHeight, p.resizeWidth])], {
      mode: 'linear',
      coordinate_transformation_mode: 'half_pixel',
    });
    cropped = b.op('Slice', [resized, b.constI64([top, left]), b.constI64([top + p.crop, left + p.crop]), b.constI64([2, 3])]);
  } else {
    throw new Error(`unknown resize filter "${String(p.filter)}"`);
  }
  const centred = b.op('Sub', [cropped, b.constF32(p.mean, [1, 3, 1, 1])]);
  b.node('Div', [centred, b.constF32(p.std, [1, 3, 1, 1])], {}, { outputs: ['pixels'] });
  b.output('image01', 'float32', [1, 3, height, width]);
  b.output('pixels', 'float32', [1, 3, p.crop, p.crop]);
  return b.build();
}

/** Python's round(): halves go to the even neighbour (torchvision computes crop offsets with it). */
function pythonRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
