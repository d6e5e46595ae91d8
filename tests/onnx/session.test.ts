import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphBuilder, createSession, providerOrder, saveModel } from '../../src/main/onnx';

function reluModel(): ReturnType<GraphBuilder['build']> {
  const b = new GraphBuilder();
  b.node('Relu', [b.input('x', 'float32', [3])], {}, { outputs: ['y'] });
  b.output('y', 'float32', [3]);
  return b.build();
}

const x = (): ort.Tensor => new ort.Tensor('float32', Float32Array.from([-1, 0.5, 2]), [3]);

describe('createSession', () => {
  const saved = { providers: process.env.SYNOOD_PROVIDERS, threads: process.env.SYNOOD_THREADS };
  afterEach(() => {
    for (const [key, value] of [['SYNOOD_PROVIDERS', saved.providers], ['SYNOOD_THREADS', saved.threads]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('default order is cuda, webgpu, cpu (as far as this build knows them) and always ends with cpu', () => {
    delete process.env.SYNOOD_PROVIDERS;
    const order = providerOrder();
    expect(order[order.length - 1]).toBe('cpu');
    const known = ['cuda', 'webgpu', 'cpu'];
    expect(order.map((p) => known.indexOf(p))).toEqual([...order.map((p) => known.indexOf(p))].sort());
  });

  it('falls back past providers that fail to start and reports the one used', async () => {
    const handle = await createSession(reluModel(), { providers: ['cuda', 'webgpu', 'cpu'] });
    try {
      expect(['cuda', 'webgpu', 'cpu']).toContain(handle.provider);
      const out = await handle.run({ x: x() });
      expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 0.5, 2]);
    } finally {
      await handle.release();
    }
  });

  it('SYNOOD_PROVIDERS overrides the order; SYNOOD_THREADS sets threads; bad values are rejected', async () => {
    process.env.SYNOOD_PROVIDERS = 'cpu';
    process.env.SYNOOD_THREADS = '1';
    expect(providerOrder()).toEqual(['cpu']);
    const handle = await createSession(saveModel(reluModel()));
    expect(handle.provider).toBe('cpu');
    await handle.release();
    process.env.SYNOOD_PROVIDERS = 'cpu,tpu';
    expect(() => providerOrder()).toThrow(/tpu/);
    process.env.SYNOOD_PROVIDERS = 'cpu';
    process.env.SYNOOD_THREADS = 'many';
    await expect(createSession(reluModel())).rejects.toThrow(/SYNOOD_THREADS/);
  });

  it('reports every provider that failed when none can load the model', async () => {
    const broken = reluModel();
    broken.graph!.node![0]!.opType = 'NoSuchOp';
    await expect(createSession(broken, { providers: ['cpu'] })).rejects.toThrow(/cpu: .*NoSuchOp/s);
  });
});
