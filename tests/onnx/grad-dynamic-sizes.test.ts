// Gradients through ops whose sizes are only known at run time (dynamic height/width of real exports), and
// the symbolic shape arithmetic that keeps ranks and sizes known through Shape -> Gather -> Concat chains.
import { describe, expect, it } from 'vitest';
import { type AttrValue, GraphBuilder, makeTensor, TensorDataType, vjp } from '../../src/main/onnx';
import { inferFacts } from '../../src/main/onnx/autodiff/shape-inference';
import { divDims, mulDims, productOfDims } from '../../src/main/onnx/autodiff/symbolic-dims';
import { buildModel, expectGradient } from './gradcheck';

const stridedCases: { name: string; x: number[]; w: number[]; attrs: Record<string, AttrValue> }[] = [
  { name: 'stride 2, pads 1 (odd size)', x: [2, 2, 7, 7], w: [3, 2, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'patch embedding (kernel = stride = 4)', x: [1, 3, 8, 12], w: [5, 3, 4, 4], attrs: { strides: [4, 4] } },
  { name: 'stride 3 with leftover rows', x: [1, 2, 8, 9], w: [2, 2, 2, 3], attrs: { strides: [3, 2] } },
  { name: 'stride 2, dilation 2, asymmetric pads', x: [1, 2, 9, 10], w: [2, 2, 3, 2], attrs: { strides: [2, 2], dilations: [2, 2], pads: [2, 0, 0, 1] } },
  { name: 'ResNet stem (7x7, stride 2, pads 3)', x: [1, 3, 10, 11], w: [4, 3, 7, 7], attrs: { strides: [2, 2], pads: [3, 3, 3, 3] } },
  { name: '1-D, stride 2', x: [2, 3, 11], w: [4, 3, 3], attrs: { strides: [2], pads: [1, 0] } },
];

describe('gradients at dynamic spatial sizes (finite differences)', () => {
  for (const cc of stridedCases) {
    it(`strided Conv, ${cc.name}`, async () => {
      const spatial = cc.x.slice(2).map((_, i) => `S${i}`);
      const model = buildModel((b) => b.op('Conv', [b.input('x', 'float32', ['N', cc.x[1]!, ...spatial]), b.input('w', 'float32', cc.w)], cc.attrs));
      await expectGradient({ model, wrt: ['x', 'w'], inputs: { x: cc.x, w: cc.w } });
    });
  }

  it('one strided-Conv gradient graph serves several input sizes', async () => {
    const model = buildModel((b) => b.op('Conv', [b.input('x', 'float32', ['N', 2, 'H', 'W']), b.input('w', 'float32', [2, 2, 3, 3])], { strides: [2, 2], pads: [1, 1, 1, 1] }));
    for (const x of [[1, 2, 6, 6], [2, 2, 7, 5], [1, 2, 9, 4]]) await expectGradient({ model, wrt: ['x'], inputs: { x, w: [2, 2, 3, 3] } });
  });

  for (const [mode, attrs] of [
    ['asymmetric/floor (torch nearest)', { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }],
    ['half_pixel/round_prefer_floor (ONNX default)', { mode: 'nearest' }],
  ] as const) {
    it(`integer nearest Resize x2 with dynamic height/width, ${mode}`, async () => {
      const model = buildModel((b) => b.op('Resize', [b.input('x', 'float32', ['N', 2, 'H', 'W']), '', b.constF32([1, 1, 2, 2])], attrs));
      for (const x of [[1, 2, 3, 4], [2, 2, 5, 2]]) await expectGradient({ model, wrt: ['x'], inputs: { x } });
    });
  }

  it('nearest Resize x3 with dynamic width, asymmetric coordinates and rounding (not a block repeat) is refused', () => {
    const b = new GraphBuilder();
    const attrs = { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'round_prefer_floor' };
    const y = b.node('Resize', [b.input('x', 'float32', [1, 1, 4, 'W']), '', b.constF32([1, 1, 1, 3])], attrs, { name: 'up' })[0]!;
    b.node('Identity', [y], {}, { outputs: ['out'] });
    b.output('out', 'float32');
    expect(() => vjp(b.build(), { of: ['out'], wrt: ['x'] })).toThrow(/Resize node "up".*integer nearest/);
  });
});

describe('symbolic shape arithmetic', () => {
  it('sizes multiply and divide as monomials in one canonical spelling', () => {
    expect(mulDims('batch', 4)).toBe('4*batch');
    expect(mulDims(4, 'batch')).toBe('4*batch');
    expect(mulDims('b', 'a')).toBe('a*b');
    expect(productOfDims(['b', 2, 'a', 3])).toBe('6*a*b');
    expect(divDims('6*a*b', 'b')).toBe('6*a');
    expect(divDims('6*a*b', '3*a*b')).toBe(2);
    expect(divDims('a', 'b')).toBeUndefined();
    expect(divDims(6, 4)).toBeUndefined();
  });

  it('a CLIPAttention-style round trip keeps every size: [b,s,64] -> [b*4,-1,16] -> [b,4,s,16] -> [b,s,64]', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', 'float32', ['batch', 'seq', 64]);
    const shape = b.op('Shape', [x]);
    const bsz = b.op('Gather', [shape, b.constI64([0], [])], { axis: 0 });
    const seq = b.op('Gather', [shape, b.constI64([1], [])], { axis: 0 });
    const u = (v: string): string => b.op('Unsqueeze', [v, b.constI64([0])]);
    const heads = b.op('Mul', [bsz, b.constI64([4], [])]);
    const flat = b.op('Reshape', [x, b.op('Concat', [u(heads), b.constI64([-1, 16])], { axis: 0 })]);
    const split = b.op('Reshape', [flat, b.op('Concat', [u(bsz), b.constI64([4]), u(seq), b.constI64([16])], { axis: 0 })]);
    const back = b.op('Reshape', [b.op('Transpose', [split], { perm: [0, 2, 1, 3] }), b.op('Concat', [u(bsz), u(seq), b.constI64([64])], { axis: 0 })]);
    // torch's expand(batch, 1, -1): Where(Equal(target, -1), ones, target) on a shape with a symbolic entry.
    const target = b.op('Concat', [u(bsz), b.constI64([1, -1])], { axis: 0 });
    const ones = b.op('ConstantOfShape', [b.op('Shape', [target])], { value: makeTensor('', TensorDataType.INT64, [1], BigInt64Array.of(1n)) });
    const fixed = b.op('Where', [b.op('Equal', [target, b.op('Mul', [ones, b.constI64([-1], [])])]), ones, target]);
    const token = b.op('Expand', [b.input('cls', 'float32', [64]), fixed]);
    b.output(back, 'float32');
    b.output(token, 'float32');
    const model = b.build();
    const facts = inferFacts(model.graph!, model.graph!.node!, 17);
    expect(facts.shape(flat)).toEqual(['4*batch', 'seq', 16]);
    expect(facts.shape(split)).toEqual(['batch', 4, 'seq', 16]);
    expect(facts.shape(back)).toEqual(['batch', 'seq', 64]);
    expect(facts.consts.get(fixed)?.values).toEqual(['batch', 1, 1]);
    expect(facts.shape(token)).toEqual(['batch', 1, 64]);
  });
});
