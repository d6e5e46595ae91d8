import * as ort from 'onnxruntime-node';
import { describe, it } from 'vitest';
import { buildModel, expectGradient } from './gradcheck';

const i64 = (values: number[], dims = [values.length]): ort.Tensor =>
  new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

describe('gradients of shape and indexing ops (finite differences)', () => {
  it('Reshape / Flatten / Squeeze / Unsqueeze chain with a dynamic batch', async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', ['N', 3, 4]);
      const r = b.op('Reshape', [x, b.constI64([0, 2, -1])]);
      const f = b.op('Flatten', [b.op('Tanh', [r])], { axis: 1 });
      const u = b.op('Unsqueeze', [f, b.constI64([1, -1])]);
      return b.op('Squeeze', [b.op('Sigmoid', [u]), b.constI64([1])]);
    });
    await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 3, 4] } });
  });

  it('Transpose with and without perm', async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', [2, 3, 4]);
      return [b.op('Transpose', [x], { perm: [1, 2, 0] }), b.op('Transpose', [x])];
    });
    await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 3, 4] } });
  });

  it('Concat along a middle axis, static and dynamic sizes', async () => {
    const model = buildModel((b) => {
      const [x, y, z] = [b.input('x', 'float32', [2, 3, 4]), b.input('y', 'float32', [2, 'K', 4]), b.input('z', 'float32', [2, 1, 4])];
      return b.op('Concat', [x, y, z], { axis: -2 });
    });
    await expectGradient({ model, wrt: ['x', 'y', 'z'], inputs: { x: [2, 3, 4], y: [2, 2, 4], z: [2, 1, 4] } });
  });

  it('Split with sizes, one output unused', async () => {
    const model = buildModel((b) => {
      const [p, , r] = b.node('Split', [b.input('x', 'float32', [2, 7]), b.constI64([2, 3, 2])], { axis: 1 }, { outputs: 3 });
      return b.op('Mul', [p!, r!]);
    });
    await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 7] } });
  });

  it('Split with num_outputs (opset 18)', async () => {
    const model = buildModel((b) => {
      const outs = b.node('Split', [b.input('x', 'float32', [5, 3])], { axis: 0, num_outputs: 2 }, { outputs: 2 });
      return [b.op('Exp', [outs[0]!]), b.op('Tanh', [outs[1]!])];
    }, 18);
    await expectGradient({ model, wrt: ['x'], inputs: { x: [5, 3] } });
  });

  it('Slice with steps 1 (center crop)', async () => {
    const model = buildModel((b) =>
      b.op('Slice', [b.input('x', 'float32', [2, 3, 8, 8]), b.constI64([1, 2]), b.constI64([7, 6]), b.constI64([2, 3])]),
    );
    await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 3, 8, 8] } });
  });

  it('Slice with negative indices and an INT64_MAX end', async () => {
    const model = buildModel((b) =>
      b.op('Slice', [b.input('x', 'float32', [4, 6]), b.constI64([-3]), b.constI64([9223372036854775807n]), b.constI64([1])]),
    );
    await expectGradient({ model, wrt: ['x'], inputs: { x: [4, 6] } });
  });

  it('Slice with steps 2 and -1', async () => {
    const model = buildModel((b) =>
      b.op('Slice', [b.input('x', 'float32', [5, 7]), b.constI64([0, -1]), b.constI64([5, -8]), b.constI64([0, 1]), b.constI64([2, -2])]),
    );
    await expectGradient({ model, wrt: ['x'], inputs: { x: [5, 7] } });
  });

  it('Slice with run-time bounds', async () => {
    const model = buildModel((b) =>
      b.op('Slice', [b.input('x', 'float32', [6, 4]), b.input('s', 'int64', [1]), b.input('e', 'int64', [1]), b.constI64([0])]),
    );
    await expectGradient({ model, wrt: ['x'], inputs: { x: [6, 4] }, fixed: { s: i64([1]), e: i64([5]) } });
  });

  it('Gather rows with repeats (embedding) and negative indices', async () => {
    const model = buildModel((b) => b.op('Gather', [b.input('table', 'float32', [5, 3]), b.input('ids', 'int64', [2, 4])]));
    await expectGradient({ model, wrt: ['table'], inputs: { table: [5, 3] }, fixed: { ids: i64([0, 3, 3, -1, 2, 0, 3, 1], [2, 4]) } });
  });

  it('Gather along axis 1 with a constant index and a scalar index', async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', [2, 5, 3]);
      return [b.op('Gather', [x, b.constI64([4, 1, 4])], { axis: 1 }), b.op('Gather', [x, b.constI64([2], [])], { axis: -1 })];
    });
    await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 5, 3] } });
  });

  it('Expand', async () => {
    const model = buildModel((b) => b.op('Expand', [b.input('x', 'float32', [3, 1]), b.constI64([2, 3, 4])]));
    await expectGradient({ model, wrt: ['x'], inputs: { x: [3, 1] } });
  });

  it('Tile, static and with a dynamic dim', async () => {
    const model = buildModel((b) => [
      b.op('Tile', [b.input('x', 'float32', [2, 3]), b.constI64([3, 2])]),
      b.op('Tile', [b.input('z', 'float32', ['N', 2]), b.constI64([2, 3])]),
    ]);
    await expectGradient({ model, wrt: ['x', 'z'], inputs: { x: [2, 3], z: [3, 2] } });
  });

  it('Cast round trip through float64', async () => {
    const model = buildModel((b) => b.op('Cast', [b.op('Mul', [b.op('Cast', [b.input('x', 'float32', [4])], { to: 11 }), b.op('Cast', [b.constF32([1, 2, 3, 4])], { to: 11 })])], { to: 1 }));
    await expectGradient({ model, wrt: ['x'], inputs: { x: [4] } });
  });

  it('Pad (constant mode)', async () => {
    const model = buildModel((b) => b.op('Pad', [b.input('x', 'float32', [2, 3, 4]), b.constI64([0, 1, 2, 1, 0, 3])]));
    await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 3, 4] } });
  });

  it('Dropout in inference mode', async () => {
    const model = buildModel((b) => b.op('Dropout', [b.input('x', 'float32', [3, 3])]));
    await expectGradient({ model, wrt: ['x'], inputs: { x: [3, 3] } });
  });
});

describe('MatMul / Gemm gradients (finite differences)', () => {
  const cases: [number[], number[]][] = [
    [[3, 4], [4, 5]],
    [[2, 3, 4], [4, 5]],
    [[2, 1, 3, 4], [3, 4, 2]],
    [[4], [4, 5]],
    [[2, 3, 4], [4]],
    [[4], [4]],
  ];
  for (const [sa, sb] of cases) {
    it(`MatMul ${JSON.stringify(sa)} @ ${JSON.stringify(sb)}`, async () => {
      const model = buildModel((b) => b.op('MatMul', [b.input('a', 'float32', sa), b.input('b', 'float32', sb)]));
      await expectGradient({ model, wrt: ['a', 'b'], inputs: { a: sa, b: sb } });
    });
  }

  for (const transA of [0, 1]) {
    for (const transB of [0, 1]) {
      it(`Gemm transA=${transA} transB=${transB} alpha/beta, C broadcast`, async () => {
        const sa = transA ? [4, 3] : [3, 4];
        const sb = transB ? [5, 4] : [4, 5];
        const sc = transA ? [5] : [3, 1];
        const model = buildModel((b) =>
          b.op('Gemm', [b.input('a', 'float32', sa), b.input('b', 'float32', sb), b.input('c', 'float32', sc)], {
            transA,
            transB,
            alpha: 0.7,
            beta: 1.3,
          }),
        );
        await expectGradient({ model, wrt: ['a', 'b', 'c'], inputs: { a: sa, b: sb, c: sc } });
      });
    }
  }
});
