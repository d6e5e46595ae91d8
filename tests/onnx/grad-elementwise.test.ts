import { describe, it } from 'vitest';
import { buildModel, expectGradient } from './gradcheck';

// Each case: one op (or a few) built with GraphBuilder, checked against central finite differences.
describe('gradients of elementwise ops (finite differences)', () => {
  const binary = ['Add', 'Sub', 'Mul', 'Div'] as const;
  const shapes: [number[], number[]][] = [
    [[2, 3, 4], [2, 3, 4]],
    [[2, 3, 4], [4]],
    [[2, 1, 4], [3, 1]],
    [[1], [2, 3]],
    [[], [2, 2]],
  ];
  for (const op of binary) {
    for (const [sa, sb] of shapes) {
      it(`${op} ${JSON.stringify(sa)} ∘ ${JSON.stringify(sb)}`, async () => {
        const model = buildModel((b) => b.op(op, [b.input('a', 'float32', sa), b.input('b', 'float32', sb)]));
        await expectGradient({ model, wrt: ['a', 'b'], inputs: { a: sa, b: sb }, range: op === 'Div' ? [0.5, 2] : [-1, 1] });
      });
    }
  }

  it('broadcasting with a dynamic batch dimension', async () => {
    const model = buildModel((b) => b.op('Mul', [b.input('a', 'float32', ['N', 3, 4]), b.input('b', 'float32', ['N', 1, 4])]));
    await expectGradient({ model, wrt: ['a', 'b'], inputs: { a: [2, 3, 4], b: [2, 1, 4] } });
  });

  it('broadcasting with unknown shapes (run-time reduction)', async () => {
    const model = buildModel((b) => {
      const a = b.input('a', 'float32', ['A', 'B']);
      const c = b.input('c', 'float32', ['C', 'D']);
      return b.op('Add', [a, c]);
    });
    await expectGradient({ model, wrt: ['a', 'c'], inputs: { a: [3, 1], c: [1, 4] } });
  });

  it('Pow with both base and exponent', async () => {
    const model = buildModel((b) => b.op('Pow', [b.input('a', 'float32', [2, 3]), b.input('e', 'float32', [3])]));
    await expectGradient({ model, wrt: ['a', 'e'], inputs: { a: [2, 3], e: [3] }, range: [0.5, 2] });
  });

  it('Pow with a constant integer exponent', async () => {
    const model = buildModel((b) => b.op('Pow', [b.input('a', 'float32', [5]), b.constI64([3], [])]));
    await expectGradient({ model, wrt: ['a'], inputs: { a: [5] } });
  });

  it('a value used twice accumulates (x * x + x)', async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', [6]);
      return b.op('Add', [b.op('Mul', [x, x]), x]);
    });
    await expectGradient({ model, wrt: ['x'], inputs: { x: [6] } });
  });

  const unary: [string, [number, number]][] = [
    ['Relu', [-1, 1]],
    ['Sigmoid', [-3, 3]],
    ['Tanh', [-2, 2]],
    ['Erf', [-2, 2]],
    ['Exp', [-1, 1]],
    ['Log', [0.2, 3]],
    ['Sqrt', [0.2, 3]],
    ['Neg', [-1, 1]],
    ['Abs', [-1, 1]],
    ['Reciprocal', [0.5, 2]],
    ['Softplus', [-2, 2]],
    ['Identity', [-1, 1]],
  ];
  for (const [op, range] of unary) {
    it(op, async () => {
      const model = buildModel((b) => b.op(op, [b.input('x', 'float32', [3, 7])]));
      await expectGradient({ model, wrt: ['x'], inputs: { x: [3, 7] }, range, distinct: op === 'Relu' || op === 'Abs' ? ['x'] : [] });
    });
  }

  it('LeakyRelu with alpha', async () => {
    const model = buildModel((b) => b.op('LeakyRelu', [b.input('x', 'float32', [4, 5])], { alpha: 0.2 }));
    await expectGradient({ model, wrt: ['x'], inputs: { x: [4, 5] }, distinct: ['x'] });
  });

  it('Clip with min and max inputs (gradient to x and to the bounds)', async () => {
    const model = buildModel((b) =>
      b.op('Clip', [b.input('x', 'float32', [40]), b.input('lo', 'float32', []), b.input('hi', 'float32', [])]),
    );
    await expectGradient({
      model,
      wrt: ['x', 'lo', 'hi'],
      inputs: { x: [40], lo: [], hi: [] },
      distinct: ['x'],
      fixed: {},
    });
  });

  it('Clip with only a max', async () => {
    const model = buildModel((b) => b.op('Clip', [b.input('x', 'float32', [30]), '', b.constF32([0.1], [])]));
    await expectGradient({ model, wrt: ['x'], inputs: { x: [30] }, distinct: ['x'] });
  });

  for (const op of ['Min', 'Max']) {
    it(`${op} with broadcasting`, async () => {
      const model = buildModel((b) => b.op(op, [b.input('a', 'float32', [3, 4]), b.input('c', 'float32', [4])]));
      await expectGradient({ model, wrt: ['a', 'c'], inputs: { a: [3, 4], c: [4] }, distinct: ['a', 'c'] });
    });
  }

  it('Sum and Mean (variadic, broadcasting)', async () => {
    const model = buildModel((b) => {
      const [x, y, z] = [b.input('x', 'float32', [2, 3]), b.input('y', 'float32', [3]), b.input('z', 'float32', [2, 1])];
      return [b.op('Sum', [x, y, z]), b.op('Mean', [x, y, z])];
    });
    await expectGradient({ model, wrt: ['x', 'y', 'z'], inputs: { x: [2, 3], y: [3], z: [2, 1] } });
  });

  it('Where with a data-dependent condition', async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', [3, 4]);
      const y = b.input('y', 'float32', [4]);
      return b.op('Where', [b.op('Greater', [x, b.constF32([0], [])]), x, y]);
    });
    await expectGradient({ model, wrt: ['x', 'y'], inputs: { x: [3, 4], y: [4] }, distinct: ['x'] });
  });

  for (const op of ['Softmax', 'LogSoftmax']) {
    for (const axis of [-1, 1, 0]) {
      it(`${op} axis=${axis}`, async () => {
        const model = buildModel((b) => b.op(op, [b.input('x', 'float32', [2, 5, 3])], { axis }));
        await expectGradient({ model, wrt: ['x'], inputs: { x: [2, 5, 3] }, range: [-2, 2] });
      });
    }
  }
});
