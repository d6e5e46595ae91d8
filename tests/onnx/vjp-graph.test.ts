import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  GraphBuilder,
  MissingGradientError,
  gradientRegistry,
  loadModel,
  runModel,
  saveModel,
  vjp,
} from '../../src/main/onnx';
import { buildModel, expectGradient, randomArray, rng } from './gradcheck';

// A small conv net with weights as initializers: maxpool -> conv -> relu -> conv(+residual) -> relu -> GAP ->
// gemm. The max-pool reads the (well separated) input directly: behind a conv, near-ties between window
// candidates make central differences jump, which says nothing about the gradient.
function tinyNet(opset = 17): ReturnType<GraphBuilder['build']> {
  const next = rng(7);
  const b = new GraphBuilder({ opset, name: 'tiny' });
  const x = b.input('image', 'float32', ['N', 3, 12, 12]);
  const w1 = b.initializer('conv1.weight', randomArray(8 * 3 * 9, next, -0.3, 0.3), [8, 3, 3, 3]);
  const b1 = b.initializer('conv1.bias', randomArray(8, next), [8]);
  const pooled0 = b.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  const h = b.op('Relu', [b.op('Conv', [pooled0, w1, b1], { pads: [1, 1, 1, 1] })]);
  const w2 = b.initializer('conv2.weight', randomArray(8 * 8 * 9, next, -0.2, 0.2), [8, 8, 3, 3]);
  const r = b.op('Relu', [b.op('Add', [b.op('Conv', [h, w2], { pads: [1, 1, 1, 1] }), h])]);
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [r])]);
  const fw = b.initializer('fc.weight', randomArray(5 * 8, next), [5, 8]);
  const fb = b.initializer('fc.bias', randomArray(5, next), [5]);
  b.node('Gemm', [pooled, fw, fb], { transB: 1 }, { outputs: ['logits'] });
  b.output('logits', 'float32', ['N', 5]);
  return b.build();
}

describe('vjp graph construction', () => {
  it('gradient of a small conv net wrt its input matches finite differences (dynamic batch, saved and reloaded)', async () => {
    const model = loadModel(saveModel(tinyNet()));
    await expectGradient({ model, wrt: ['image'], of: ['logits'], inputs: { image: [2, 3, 12, 12] }, distinct: ['image'], h: 3e-3 });
  });

  it('asking only for the input gradient emits no weight-gradient nodes', () => {
    const grad = vjp(tinyNet(), { of: ['logits'], wrt: ['image'] });
    const nodes = grad.graph!.node!;
    const backward = nodes.filter((n) => n.name?.startsWith('grad/'));
    expect(backward.length).toBeGreaterThan(0);
    // Weight gradients would need Conv with the activations as input and the cotangent as weight, or a Gemm
    // whose output is (5, 8); neither appears, and every output is the one asked for.
    expect(grad.graph!.output!.map((o) => o.name)).toEqual(['grad_image']);
    const weightNames = ['conv1.weight', 'conv2.weight', 'fc.weight'];
    const convsReadingActivationsAsData = backward.filter((n) => n.opType === 'Conv' && !weightNames.includes(n.input![1]!) && !n.input![1]!.startsWith('grad/'));
    expect(convsReadingActivationsAsData).toEqual([]);
    expect(backward.filter((n) => n.opType === 'Gemm').map((n) => n.input)).toEqual([[expect.stringContaining('grad_logits'), 'fc.weight']]);
    expect(backward.some((n) => n.opType === 'ReduceSum')).toBe(false);
    // The forward pass appears once: one node per original node, no recomputation.
    const forwardOps = nodes.filter((n) => !n.name?.startsWith('grad/')).map((n) => n.opType);
    expect(forwardOps.filter((o) => o === 'Conv')).toHaveLength(2);
  });

  it('gradients wrt initializers (weights) match finite differences', async () => {
    const model = tinyNet();
    // Turn two initializers into inputs for the finite-difference side; vjp still sees them as graph values.
    const graph = model.graph!;
    const asInput = ['conv1.weight', 'fc.bias'];
    const shapes: Record<string, number[]> = {};
    for (const name of asInput) {
      const t = graph.initializer!.find((i) => i.name === name)!;
      shapes[name] = t.dims!.map(Number);
      graph.initializer = graph.initializer!.filter((i) => i.name !== name);
      graph.input!.push({ name, type: { tensorType: { elemType: 1, shape: { dim: shapes[name]!.map((d) => ({ dimValue: d })) } } } });
    }
    await expectGradient({ model, wrt: asInput, of: ['logits'], inputs: { image: [2, 3, 12, 12], ...shapes }, distinct: ['image'], h: 3e-3 });
  });

  it('returns weight gradients for initializers that stay initializers', async () => {
    const grad = vjp(tinyNet(), { of: ['logits'], wrt: ['fc.bias', 'image'] });
    const out = await runModel(grad, {
      image: new ort.Tensor('float32', new Float32Array(2 * 3 * 12 * 12).fill(0.1), [2, 3, 12, 12]),
      grad_logits: new ort.Tensor('float32', Float32Array.from([1, 0, 0, 0, 2, 0, 1, 0, 0, 0]), [2, 5]),
    });
    // d logits / d fc.bias is the identity per sample, so the bias gradient is the cotangent summed over the batch.
    expect(Array.from(out['grad_fc.bias']!.data as Float32Array)).toEqual([1, 1, 0, 0, 2]);
    expect(out.grad_image!.dims).toEqual([2, 3, 12, 12]);
  });

  it("keepOutputs: the gradient graph's forward outputs equal the original model's", async () => {
    const model = tinyNet();
    const image = new ort.Tensor('float32', randomArray(2 * 3 * 12 * 12, rng(3)), [2, 3, 12, 12]);
    const original = await runModel(model, { image });
    const grad = vjp(model, { of: ['logits'], wrt: ['image'], keepOutputs: true });
    expect(grad.graph!.output!.map((o) => o.name)).toEqual(['grad_image', 'logits']);
    const out = await runModel(grad, { image, grad_logits: new ort.Tensor('float32', new Float32Array(10).fill(1), [2, 5]) });
    expect(Array.from(out.logits!.data as Float32Array)).toEqual(Array.from(original.logits!.data as Float32Array));
  });

  it('several `of` values, one feeding the other, accumulate both contributions', async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', [4]);
      const h = b.op('Tanh', [x]);
      return [h, b.op('Mul', [h, h])];
    });
    await expectGradient({ model, wrt: ['x'], inputs: { x: [4] } });
  });

  it('a wrt that does not reach any of gets a zero gradient of its shape', async () => {
    const model = buildModel((b) => {
      b.input('unused', 'float32', [2, 3]);
      return b.op('Exp', [b.input('x', 'float32', [3])]);
    });
    const grad = vjp(model, { of: ['out0'], wrt: ['unused', 'x'] });
    const out = await runModel(grad, {
      x: new ort.Tensor('float32', new Float32Array(3), [3]),
      unused: new ort.Tensor('float32', new Float32Array(6).fill(5), [2, 3]),
      grad_out0: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [3]),
    });
    expect(out.grad_unused!.dims).toEqual([2, 3]);
    expect(Array.from(out.grad_unused!.data as Float32Array)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(out.grad_x!.data as Float32Array)).toEqual([1, 2, 3]);
  });

  it('an op without a rule on the gradient path throws MissingGradientError naming op type and node', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [4]);
    const y = b.node('Cosh', [x], {}, { name: 'my_cosh' })[0]!;
    b.node('Identity', [y], {}, { outputs: ['out'] });
    b.output('out', 'float32', [4]);
    const model = b.build();
    expect(gradientRegistry.has('Cosh')).toBe(false);
    let caught: unknown;
    try {
      vjp(model, { of: ['out'], wrt: ['x'] });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MissingGradientError);
    expect((caught as MissingGradientError).opType).toBe('Cosh');
    expect((caught as MissingGradientError).nodeName).toBe('my_cosh');
    expect((caught as Error).message).toContain('Cosh');
    expect((caught as Error).message).toContain('my_cosh');
  });

  it('an op without a rule off the gradient path is fine', async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', [3]);
      const side = b.op('Cosh', [b.input('other', 'float32', [3])]);
      return b.op('Mul', [b.op('Exp', [x]), side]);
    });
    await expectGradient({ model, wrt: ['x'], inputs: { x: [3], other: [3] } });
  });

  it('opset 13 models stay opset 13 unless a rule needs newer ops (MaxPool needs 16)', async () => {
    const plain = vjp(buildModel((b) => b.op('Tanh', [b.input('x', 'float32', [3])]), 13), { of: ['out0'], wrt: ['x'] });
    expect(plain.opsetImport![0]!.version).toBe(13);
    const pooled = buildModel((b) => b.op('MaxPool', [b.input('x', 'float32', [1, 1, 4, 4])], { kernel_shape: [2, 2] }), 13);
    expect(vjp(pooled, { of: ['out0'], wrt: ['x'] }).opsetImport![0]!.version).toBe(16);
    await expectGradient({ model: pooled, wrt: ['x'], inputs: { x: [1, 1, 4, 4] }, distinct: ['x'] });
  });

  it('an opset-13 graph mixing attribute and input forms (ReduceMean axes attr, Split/Unsqueeze inputs)', async () => {
    const model = buildModel((b) => {
      const x = b.input('x', 'float32', ['N', 4, 6]);
      const [p, q] = b.node('Split', [x, b.constI64([2, 2])], { axis: 1 }, { outputs: 2 });
      const m = b.op('ReduceMean', [b.op('Mul', [p!, q!])], { axes: [2], keepdims: 0 });
      const u = b.op('Unsqueeze', [b.op('Softmax', [m], { axis: 1 }), b.constI64([1])]);
      const g = b.op('Gather', [b.op('Resize', [u, '', b.constF32([1, 1, 2])], { mode: 'nearest' }), b.constI64([0, 3])], { axis: 2 });
      return b.op('Squeeze', [g, b.constI64([1])]);
    }, 13);
    await expectGradient({ model, wrt: ['x'], inputs: { x: [3, 4, 6] } });
  });

  it('refuses models older than opset 13, and unknown names', () => {
    const old = buildModel((b) => b.op('Tanh', [b.input('x', 'float32', [3])]), 12);
    expect(() => vjp(old, { of: ['out0'], wrt: ['x'] })).toThrow(/opset 13/);
    const model = buildModel((b) => b.op('Tanh', [b.input('x', 'float32', [3])]));
    expect(() => vjp(model, { of: ['nope'], wrt: ['x'] })).toThrow(/nope/);
  });

  it('cotangent inputs and gradient outputs carry the types and shapes of their values', () => {
    const grad = vjp(tinyNet(), { of: ['logits'], wrt: ['image'] });
    const dims = (v: { type?: { tensorType?: { shape?: { dim?: { dimValue?: unknown; dimParam?: string | null }[] | null } | null } | null } | null }) =>
      v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    const cot = grad.graph!.input!.find((i) => i.name === 'grad_logits')!;
    expect(dims(cot)).toEqual(['N', 5]);
    expect(dims(grad.graph!.output![0]!)).toEqual(['N', 3, 12, 12]);
  });
});
