import { describe, expect, it } from 'vitest';
import { type AttrValue, GraphBuilder, vjp } from '../../src/main/onnx';
import { buildModel, expectGradient } from './gradcheck';

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  attrs: Record<string, AttrValue>;
  bias?: boolean;
}

const convCases: ConvCase[] = [
  { name: 'plain 3x3', x: [2, 3, 6, 6], w: [4, 3, 3, 3], attrs: {}, bias: true },
  { name: 'stride 2, pads 1', x: [1, 2, 7, 7], w: [3, 2, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'stride 3 with leftover rows', x: [1, 2, 8, 9], w: [2, 2, 2, 3], attrs: { strides: [3, 2] } },
  { name: 'asymmetric pads', x: [1, 2, 5, 6], w: [2, 2, 3, 2], attrs: { pads: [0, 2, 1, 0] } },
  { name: 'dilation 2', x: [1, 2, 9, 8], w: [3, 2, 3, 3], attrs: { dilations: [2, 2], pads: [1, 2, 1, 2] } },
  { name: 'groups 2', x: [2, 4, 6, 6], w: [6, 2, 3, 3], attrs: { group: 2, pads: [1, 1, 1, 1] }, bias: true },
  { name: 'depthwise stride 2', x: [1, 3, 7, 7], w: [3, 1, 3, 3], attrs: { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'auto_pad SAME_UPPER stride 2', x: [1, 2, 7, 8], w: [2, 2, 4, 3], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } },
  { name: 'auto_pad SAME_LOWER', x: [1, 2, 6, 5], w: [2, 2, 4, 4], attrs: { auto_pad: 'SAME_LOWER' } },
  { name: 'auto_pad VALID stride 2', x: [1, 2, 7, 7], w: [2, 2, 3, 3], attrs: { auto_pad: 'VALID', strides: [2, 2] } },
  { name: '1x1 stride 2 (ResNet downsample)', x: [2, 4, 6, 6], w: [5, 4, 1, 1], attrs: { strides: [2, 2] } },
  { name: '1-D conv', x: [2, 3, 10], w: [4, 3, 3], attrs: { strides: [2], pads: [1, 0], dilations: [2] } },
  { name: '1-D conv stride 1', x: [2, 3, 9], w: [2, 3, 4], attrs: { pads: [2, 1] }, bias: true },
  { name: '3-D conv stride 1 groups 2', x: [1, 4, 4, 5, 3], w: [4, 2, 3, 2, 3], attrs: { group: 2, pads: [1, 0, 1, 1, 1, 1] } },
  { name: '3-D conv stride 2', x: [1, 2, 5, 4, 5], w: [3, 2, 2, 3, 2], attrs: { strides: [2, 1, 2] } },
];

describe('Conv / ConvTranspose gradients (finite differences)', () => {
  for (const cc of convCases) {
    it(`Conv ${cc.name}`, async () => {
      const model = buildModel((b) => {
        const ins = [b.input('x', 'float32', cc.x), b.input('w', 'float32', cc.w)];
        if (cc.bias) ins.push(b.input('bias', 'float32', [cc.w[0]!]));
        return b.op('Conv', ins, cc.attrs);
      });
      const inputs: Record<string, number[]> = { x: cc.x, w: cc.w };
      if (cc.bias) inputs.bias = [cc.w[0]!];
      await expectGradient({ model, wrt: Object.keys(inputs), inputs });
    });
  }

  it('Conv with a dynamic batch dimension', async () => {
    const model = buildModel((b) =>
      b.op('Conv', [b.input('x', 'float32', ['N', 2, 6, 6]), b.input('w', 'float32', [4, 1, 3, 3])], { group: 2, strides: [2, 2] }),
    );
    await expectGradient({ model, wrt: ['x', 'w'], inputs: { x: [3, 2, 6, 6], w: [4, 1, 3, 3] } });
  });

  it('Conv with dynamic spatial size (stride 1, explicit pads): input and weight gradients', async () => {
    const model = buildModel((b) =>
      b.op('Conv', [b.input('x', 'float32', ['N', 2, 'H', 'W']), b.input('w', 'float32', [3, 2, 3, 3]), b.input('bias', 'float32', [3])], { pads: [1, 0, 1, 2] }),
    );
    await expectGradient({ model, wrt: ['x', 'w', 'bias'], inputs: { x: [2, 2, 7, 6], w: [3, 2, 3, 3], bias: [3] } });
  });

  it('strided Conv with dynamic spatial size and auto_pad SAME is refused, naming the node', () => {
    // (Explicit pads work at any size: tests/onnx/grad-dynamic-sizes.test.ts.)
    const b = new GraphBuilder();
    const y = b.node('Conv', [b.input('x', 'float32', ['N', 2, 'H', 'W']), b.input('w', 'float32', [3, 2, 3, 3])], { strides: [2, 2], auto_pad: 'SAME_UPPER' }, { name: 'stem' })[0]!;
    b.node('Identity', [y], {}, { outputs: ['out'] });
    b.output('out', 'float32');
    expect(() => vjp(b.build(), { of: ['out'], wrt: ['x'] })).toThrow(/Conv node "stem".*auto_pad SAME/);
  });

  const transposeCases: ConvCase[] = [
    { name: 'stride 2', x: [1, 3, 4, 4], w: [3, 2, 3, 3], attrs: { strides: [2, 2] }, bias: true },
    { name: 'pads and output_padding', x: [2, 2, 4, 5], w: [2, 3, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 0] } },
    { name: 'groups and dilation', x: [1, 4, 4, 4], w: [4, 1, 2, 2], attrs: { group: 2, dilations: [2, 2] } },
    { name: 'output_shape', x: [1, 2, 3, 3], w: [2, 2, 3, 3], attrs: { strides: [2, 2], output_shape: [6, 6] } },
    { name: 'auto_pad SAME_UPPER', x: [1, 2, 3, 4], w: [2, 2, 3, 2], attrs: { strides: [2, 2], auto_pad: 'SAME_UPPER' } },
    { name: 'auto_pad SAME_LOWER', x: [1, 2, 3, 3], w: [2, 2, 3, 3], attrs: { strides: [2, 2], auto_pad: 'SAME_LOWER' } },
  ];
  for (const cc of transposeCases) {
    it(`ConvTranspose ${cc.name}`, async () => {
      const model = buildModel((b) => {
        const ins = [b.input('x', 'float32', cc.x), b.input('w', 'float32', cc.w)];
        if (cc.bias) ins.push(b.input('bias', 'float32', [cc.w[1]! * Number(cc.attrs.group ?? 1)]));
        return b.op('ConvTranspose', ins, cc.attrs);
      });
      const inputs: Record<string, number[]> = { x: cc.x, w: cc.w };
      if (cc.bias) inputs.bias = [cc.w[1]! * Number(cc.attrs.group ?? 1)];
      await expectGradient({ model, wrt: Object.keys(inputs), inputs });
    });
  }
});

describe('pooling gradients (finite differences)', () => {
  const maxCases: [string, number[], Record<string, AttrValue>][] = [
    ['3x3 stride 2 pads 1 (overlapping, ResNet stem)', [2, 3, 9, 9], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
    ['2x2 stride 2', [1, 2, 6, 6], { kernel_shape: [2, 2], strides: [2, 2] }],
    ['overlapping stride 1', [1, 2, 5, 5], { kernel_shape: [3, 3] }],
    ['ceil_mode', [1, 2, 8, 7], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }],
    ['dilations', [1, 2, 8, 8], { kernel_shape: [2, 2], dilations: [2, 2], pads: [1, 0, 1, 0] }],
    ['storage_order 1', [1, 2, 6, 5], { kernel_shape: [3, 2], strides: [1, 2], storage_order: 1 }],
    ['auto_pad SAME_UPPER', [1, 2, 7, 7], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }],
    ['1-D', [2, 3, 11], { kernel_shape: [3], strides: [2], pads: [1, 1] }],
  ];
  for (const [name, shape, attrs] of maxCases) {
    it(`MaxPool ${name}`, async () => {
      const model = buildModel((b) => b.op('MaxPool', [b.input('x', 'float32', shape)], attrs));
      await expectGradient({ model, wrt: ['x'], inputs: { x: shape }, distinct: ['x'] });
    });
  }

  it('MaxPool whose Indices output the model already uses', async () => {
    const model = buildModel((b) => {
      const [y, idx] = b.node('MaxPool', [b.input('x', 'float32', [1, 1, 4, 4])], { kernel_shape: [2, 2] }, { outputs: 2 });
      return b.op('Add', [y!, b.op('Cast', [idx!], { to: 1 })]);
    });
    await expectGradient({ model, wrt: ['x'], inputs: { x: [1, 1, 4, 4] }, distinct: ['x'] });
  });

  const avgCases: [string, number[], Record<string, AttrValue>][] = [
    ['2x2 stride 2', [2, 3, 6, 6], { kernel_shape: [2, 2], strides: [2, 2] }],
    ['3x3 pads count_include_pad=0', [1, 2, 7, 7], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
    ['3x3 pads count_include_pad=1', [1, 2, 7, 7], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }],
    ['ceil_mode count_include_pad=0', [1, 2, 8, 7], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1, pads: [1, 0, 1, 0] }],
    ['ceil_mode count_include_pad=1', [1, 2, 8, 7], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1, pads: [1, 0, 1, 0], count_include_pad: 1 }],
    ['auto_pad SAME_LOWER', [1, 2, 6, 7], { kernel_shape: [2, 3], auto_pad: 'SAME_LOWER' }],
    ['overlapping stride 1 asymmetric pads', [1, 2, 5, 6], { kernel_shape: [3, 2], pads: [0, 1, 2, 0] }],
  ];
  for (const [name, shape, attrs] of avgCases) {
    it(`AveragePool ${name}`, async () => {
      const model = buildModel((b) => b.op('AveragePool', [b.input('x', 'float32', shape)], attrs));
      await expectGradient({ model, wrt: ['x'], inputs: { x: shape } });
    });
  }

  it('GlobalAveragePool (static and dynamic spatial size)', async () => {
    const model = buildModel((b) => [
      b.op('GlobalAveragePool', [b.input('x', 'float32', [2, 3, 4, 5])]),
      b.op('GlobalAveragePool', [b.input('z', 'float32', ['N', 3, 'H', 'W'])]),
    ]);
    await expectGradient({ model, wrt: ['x', 'z'], inputs: { x: [2, 3, 4, 5], z: [2, 3, 3, 4] } });
  });

  it('GlobalMaxPool', async () => {
    const model = buildModel((b) => b.op('GlobalMaxPool', [b.input('x', 'float32', [2, 3, 4, 4])]));
    await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 3, 4, 4] }, distinct: ['x'] });
  });
});
