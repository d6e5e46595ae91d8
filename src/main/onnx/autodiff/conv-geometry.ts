import type { onnx } from '../proto-types';
import { attrInt, attrInts, attrString } from '../attributes';

// Explicit begin/end pads of a Conv or pooling node for known input sizes, resolving auto_pad the way
// onnxruntime does (SAME_UPPER puts the odd pixel at the end, SAME_LOWER at the beginning).
export interface WindowGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
  outSizes: number[];
}

export function windowGeometry(
  node: onnx.INodeProto,
  inSizes: number[],
  kernel: number[],
  ceilMode = false,
): WindowGeometry {
  const n = inSizes.length;
  const strides = attrInts(node, 'strides') ?? new Array<number>(n).fill(1);
  const dilations = attrInts(node, 'dilations') ?? new Array<number>(n).fill(1);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  const pads = attrInts(node, 'pads') ?? new Array<number>(2 * n).fill(0);
  const padsBegin: number[] = [];
  const padsEnd: number[] = [];
  const outSizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const span = dilations[i]! * (kernel[i]! - 1) + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const out = Math.ceil(inSizes[i]! / strides[i]!);
      const total = Math.max(0, (out - 1) * strides[i]! + span - inSizes[i]!);
      const small = Math.floor(total / 2);
      padsBegin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      padsEnd.push(autoPad === 'SAME_UPPER' ? total - small : small);
      outSizes.push(out);
      continue;
    }
    const pb = autoPad === 'VALID' ? 0 : pads[i]!;
    const pe = autoPad === 'VALID' ? 0 : pads[i + n]!;
    const room = inSizes[i]! + pb + pe - span;
    let out = (ceilMode ? Math.ceil(room / strides[i]!) : Math.floor(room / strides[i]!)) + 1;
    // A last window that would start entirely in the end padding is dropped (PyTorch and onnxruntime agree).
    if (ceilMode && (out - 1) * strides[i]! >= inSizes[i]! + pb) out--;
    padsBegin.push(pb);
    padsEnd.push(pe);
    outSizes.push(out);
  }
  return { kernel, strides, dilations, padsBegin, padsEnd, outSizes };
}

export function isCeilMode(node: onnx.INodeProto): boolean {
  return attrInt(node, 'ceil_mode', 0) === 1;
}
