import type { onnx } from '../proto-types';
import { attrInts, attrString } from '../attributes';

export interface TransposeGeometry {
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
  outputPadding: number[];
  outSizes: number[];
}

// ConvTranspose's effective pads and output sizes. With output_shape or SAME_* the total padding is derived;
// onnxruntime 1.30 (measured) puts an odd pixel at the end for SAME_UPPER and at the beginning otherwise.
export function convTransposeGeometry(node: onnx.INodeProto, inSizes: number[], kernel: number[]): TransposeGeometry {
  const n = inSizes.length;
  const strides = attrInts(node, 'strides') ?? new Array<number>(n).fill(1);
  const dilations = attrInts(node, 'dilations') ?? new Array<number>(n).fill(1);
  const outputPadding = attrInts(node, 'output_padding') ?? new Array<number>(n).fill(0);
  const pads = attrInts(node, 'pads') ?? new Array<number>(2 * n).fill(0);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  const outputShape = attrInts(node, 'output_shape');
  const padsBegin: number[] = [];
  const padsEnd: number[] = [];
  const outSizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const full = strides[i]! * (inSizes[i]! - 1) + outputPadding[i]! + dilations[i]! * (kernel[i]! - 1) + 1;
    const same = autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER';
    if (outputShape || same) {
      const target = outputShape ? outputShape[outputShape.length - n + i]! : inSizes[i]! * strides[i]!;
      const total = Math.max(0, full - target);
      const head = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : total - Math.floor(total / 2);
      padsBegin.push(head);
      padsEnd.push(total - head);
      outSizes.push(target);
      continue;
    }
    const pb = autoPad === 'VALID' ? 0 : pads[i]!;
    const pe = autoPad === 'VALID' ? 0 : pads[i + n]!;
    padsBegin.push(pb);
    padsEnd.push(pe);
    outSizes.push(full - pb - pe);
  }
  return { strides, dilations, padsBegin, padsEnd, outputPadding, outSizes };
}
