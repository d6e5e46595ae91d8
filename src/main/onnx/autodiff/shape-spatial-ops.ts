import type { onnx } from '../proto-types';
import type { Dim } from '../graph-builder';
import { TensorDataType } from '../data-types';
import { attrInts } from '../attributes';
import type { ValueFacts } from './value-facts';
import { isCeilMode, windowGeometry } from './conv-geometry';
import { convTransposeGeometry } from './conv-transpose-geometry';

function spatialOut(facts: ValueFacts, xs: Dim[], compute: (inSizes: number[]) => number[]): Dim[] {
  const spatial = xs.slice(2);
  if (spatial.every((d) => typeof d === 'number')) return compute(spatial as number[]);
  return spatial.map(() => facts.unknownDim());
}

export function inferSpatialOp(node: onnx.INodeProto, facts: ValueFacts, opset: number): void {
  const op = node.opType ?? '';
  const ins = node.input ?? [];
  const outs = node.output ?? [];
  const x = ins[0] ?? '';
  const xs = facts.shape(x);
  const type = facts.type(x);
  const out = outs[0] ?? '';
  if (type !== undefined && out) facts.types.set(out, type);
  if (!xs) return;
  const ws = facts.shape(ins[1] ?? '');
  switch (op) {
    case 'Conv': {
      if (!ws) return;
      const kernel = attrInts(node, 'kernel_shape') ?? (ws.slice(2) as number[]);
      facts.shapes.set(out, [xs[0]!, ws[0]!, ...spatialOut(facts, xs, (s) => windowGeometry(node, s, kernel).outSizes)]);
      return;
    }
    case 'ConvTranspose': {
      if (!ws) return;
      const kernel = attrInts(node, 'kernel_shape') ?? (ws.slice(2) as number[]);
      const group = attrInts(node, 'group')?.[0] ?? 1;
      const channels = typeof ws[1] === 'number' ? ws[1] * group : facts.unknownDim();
      facts.shapes.set(out, [xs[0]!, channels, ...spatialOut(facts, xs, (s) => convTransposeGeometry(node, s, kernel).outSizes)]);
      return;
    }
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool': {
      const kernel = attrInts(node, 'kernel_shape') ?? [];
      const shape = [xs[0]!, xs[1]!, ...spatialOut(facts, xs, (s) => windowGeometry(node, s, kernel, isCeilMode(node)).outSizes)];
      facts.shapes.set(out, shape);
      if (op === 'MaxPool' && outs[1]) {
        facts.types.set(outs[1], TensorDataType.INT64);
        facts.shapes.set(outs[1], shape);
      }
      return;
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'GlobalLpPool':
      facts.shapes.set(out, [xs[0]!, xs[1]!, ...xs.slice(2).map(() => 1)]);
      return;
    case 'Resize': {
      const sizes = ins[3] ? facts.numbers(ins[3]) : undefined;
      const scales = ins[2] ? facts.numbers(ins[2]) : undefined;
      const axes = opset >= 18 ? attrInts(node, 'axes') : undefined;
      const res = [...xs];
      const list = sizes ?? scales;
      if (!list) {
        facts.shapes.set(out, xs.map(() => facts.unknownDim()));
        return;
      }
      const targetAxes = axes ?? xs.map((_, i) => i);
      targetAxes.forEach((a, i) => {
        const ax = a < 0 ? a + xs.length : a;
        const d = xs[ax]!;
        if (sizes) res[ax] = sizes[i]!;
        // onnxruntime multiplies in float32: 5 * 1.4f rounds to 7, not 6.99...
        else res[ax] = typeof d === 'number' ? Math.floor(Math.fround(d * scales![i]!)) : scales![i] === 1 ? d : facts.unknownDim();
      });
      facts.shapes.set(out, res);
      return;
    }
    default:
      return;
  }
}
