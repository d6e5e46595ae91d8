import { describe, it } from 'vitest';
import type { AttrValue } from '../../src/main/onnx';
import { buildModel, expectGradient } from './gradcheck';

describe('normalization gradients (finite differences)', () => {
  it('BatchNormalization (inference) wrt input, scale, bias, mean and var', async () => {
    const model = buildModel((b) =>
      b.op('BatchNormalization', ['x', 'scale', 'bias', 'mean', 'var'].map((n, i) => b.input(n, 'float32', i === 0 ? [2, 3, 4, 4] : [3])), { epsilon: 1e-3 }),
    );
    await expectGradient({
      model,
      wrt: ['x', 'scale', 'bias', 'mean', 'var'],
      inputs: { x: [2, 3, 4, 4], scale: [3], bias: [3], mean: [3], var: [3] },
      range: [0.5, 1.5],
    });
  });

  it('InstanceNormalization', async () => {
    const model = buildModel((b) =>
      b.op('InstanceNormalization', [b.input('x', 'float32', [2, 3, 5, 4]), b.input('s', 'float32', [3]), b.input('b', 'float32', [3])], { epsilon: 1e-5 }),
    );
    await expectGradient({ model, wrt: ['x', 's', 'b'], inputs: { x: [2, 3, 5, 4], s: [3], b: [3] } });
  });

  for (const axis of [-1, 1]) {
    it(`LayerNormalization axis=${axis}`, async () => {
      const norm = axis === -1 ? [6] : [4, 6];
      const model = buildModel((b) =>
        b.op('LayerNormalization', [b.input('x', 'float32', [2, 4, 6]), b.input('s', 'float32', norm), b.input('b', 'float32', norm)], { axis, epsilon: 1e-5 }),
      );
      await expectGradient({ model, wrt: ['x', 's', 'b'], inputs: { x: [2, 4, 6], s: norm, b: norm } });
    });
  }

  it('GroupNormalization (opset 18, per-group scale)', async () => {
    const model = buildModel(
      (b) =>
        b.op('GroupNormalization', [b.input('x', 'float32', [2, 6, 3, 3]), b.input('s', 'float32', [3]), b.input('b', 'float32', [3])], { num_groups: 3, epsilon: 1e-5 }),
      18,
    );
    await expectGradient({ model, wrt: ['x', 's', 'b'], inputs: { x: [2, 6, 3, 3], s: [3], b: [3] } });
  });

  it('GroupNormalization (opset 21, per-channel scale)', async () => {
    const model = buildModel(
      (b) =>
        b.op('GroupNormalization', [b.input('x', 'float32', [2, 6, 3, 2]), b.input('s', 'float32', [6]), b.input('b', 'float32', [6])], { num_groups: 2, epsilon: 1e-5 }),
      21,
    );
    await expectGradient({ model, wrt: ['x', 's', 'b'], inputs: { x: [2, 6, 3, 2], s: [6], b: [6] } });
  });

  it("torch's GroupNorm export: Reshape -> InstanceNormalization -> Reshape -> Mul -> Add", async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', ['N', 6, 4, 4]);
      const grouped = b.op('Reshape', [x, b.constI64([0, 2, -1])]);
      const normed = b.op('InstanceNormalization', [grouped, b.constF32([1, 1]), b.constF32([0, 0])], { epsilon: 1e-5 });
      const back = b.op('Reshape', [normed, b.op('Shape', [x])]);
      const scaled = b.op('Mul', [back, b.input('gamma', 'float32', [6, 1, 1])]);
      return b.op('Add', [scaled, b.input('beta', 'float32', [6, 1, 1])]);
    });
    await expectGradient({ model, wrt: ['x', 'gamma', 'beta'], inputs: { x: [2, 6, 4, 4], gamma: [6, 1, 1], beta: [6, 1, 1] } });
  });
});

describe('reduction gradients (finite differences)', () => {
  it('ReduceSum with axes input, keepdims 0 and 1, and all axes', async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', [2, 3, 4]);
      return [
        b.op('ReduceSum', [x, b.constI64([1])], { keepdims: 0 }),
        b.op('ReduceSum', [x, b.constI64([-1, 0])], { keepdims: 1 }),
        b.op('ReduceSum', [x], { keepdims: 0 }),
      ];
    });
    await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 3, 4] } });
  });

  for (const opset of [17, 18]) {
    const axesAttr = (b: Parameters<Parameters<typeof buildModel>[0]>[0], x: string, op: string, axes: number[], keepdims: number): string =>
      opset >= 18 ? b.op(op, [x, b.constI64(axes)], { keepdims }) : b.op(op, [x], { axes, keepdims } as Record<string, AttrValue>);
    it(`ReduceMean / ReduceMax / ReduceMin / ReduceLogSumExp / ReduceL2 / ReduceSumSquare / ReduceL1 (opset ${opset})`, async () => {
      const model = buildModel((b) => {
        const x = b.input('x', 'float32', ['N', 3, 4]);
        return [
          axesAttr(b, x, 'ReduceMean', [1, 2], 0),
          axesAttr(b, x, 'ReduceMax', [2], 1),
          axesAttr(b, x, 'ReduceMin', [0], 0),
          axesAttr(b, x, 'ReduceLogSumExp', [-1], 0),
          axesAttr(b, x, 'ReduceL2', [1], 1),
          axesAttr(b, x, 'ReduceSumSquare', [0, 2], 0),
          axesAttr(b, x, 'ReduceL1', [2], 0),
        ];
      }, opset);
      await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 3, 4] }, distinct: ['x'] });
    });
  }
});

describe('Resize gradients (finite differences)', () => {
  const cases: [string, number[], number[], Record<string, AttrValue>][] = [
    ['nearest x2 (asymmetric, floor: torch Upsample)', [1, 2, 3, 4], [1, 1, 2, 2], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }],
    ['nearest x3 half_pixel round_prefer_floor', [2, 1, 3, 2], [1, 1, 3, 3], { mode: 'nearest' }],
    ['nearest downscale x0.5', [1, 1, 6, 4], [1, 1, 0.5, 0.5], { mode: 'nearest' }],
    ['bilinear half_pixel upscale', [1, 2, 4, 5], [1, 1, 1.75, 1.6], { mode: 'linear' }],
    ['bilinear pytorch_half_pixel downscale', [1, 2, 9, 7], [1, 1, 0.5, 0.6], { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }],
    ['bilinear align_corners', [1, 1, 4, 5], [1, 1, 2, 1.4], { mode: 'linear', coordinate_transformation_mode: 'align_corners' }],
    ['bilinear asymmetric', [1, 1, 5, 4], [1, 1, 1.4, 2], { mode: 'linear', coordinate_transformation_mode: 'asymmetric' }],
  ];
  for (const [name, shape, scales, attrs] of cases) {
    it(`Resize ${name}`, async () => {
      const model = buildModel((b) => b.op('Resize', [b.input('x', 'float32', shape), '', b.constF32(scales)], attrs));
      await expectGradient({ model, wrt: ['x'], inputs: { x: shape } });
    });
  }

  it('Resize with sizes', async () => {
    const model = buildModel((b) =>
      b.op('Resize', [b.input('x', 'float32', [2, 3, 9, 8]), '', '', b.constI64([2, 3, 5, 11])], { mode: 'linear' }),
    );
    await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 3, 9, 8] } });
  });

  it('Resize then center crop with a dynamic batch (classifier preprocessing 512 -> 232 -> 224, scaled down)', async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', ['N', 3, 16, 16]);
      const scales = b.constF32([1, 1, 13 / 16, 13 / 16]);
      const resized = b.op('Resize', [x, '', scales], { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' });
      return b.op('Slice', [resized, b.constI64([1, 1]), b.constI64([12, 12]), b.constI64([2, 3])]);
    });
    await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 3, 16, 16] } });
  });
});
