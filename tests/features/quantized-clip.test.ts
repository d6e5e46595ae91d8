// transformers.js' quantized CLIP variant (dtype 'q8' → onnx/*_model_quantized.onnx, onnxruntime's dynamic int8
// quantization: DynamicQuantizeLinear + MatMulInteger), as Xenova/onnx-community CLIP repositories ship it beside the
// float32 towers. Reduced width (the factory's tiny CLIP, width 32, 2 layers, 64-dim projection).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateModel } from '../../src/main/models';
import { loadModel } from '../../src/main/onnx';
import { writeTinyClip } from '../../src/main/onnx/factory';
import { ClipNounDescriber, WordNetNouns } from '../../src/main/pipeline/describe';
import { createTransformersClipEncoder, type ClipEncoder } from '../../src/main/pipeline/features';
import { TensorDataType } from '../../src/main/onnx/data-types';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';

const TEXTS = ['a photo of a tree.', 'a photo of a cat.', 'a photo of a dog.', 'a photo of water.'];

function rowCosines(a: Float32Array, b: Float32Array, d: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < a.length / d; r++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = r * d; j < (r + 1) * d; j++) {
      dot += a[j]! * b[j]!;
      na += a[j]! ** 2;
      nb += b[j]! ** 2;
    }
    out.push(dot / Math.sqrt(na * nb));
  }
  return out;
}

describe('quantized (q8) CLIP run by transformers.js', () => {
  let t: ReturnType<typeof tmpDir>;
  let dir: string;
  let image: string;
  let fp32: ClipEncoder;
  let q8: ClipEncoder;

  beforeAll(async () => {
    t = tmpDir('synood-q8-clip-');
    dir = path.join(t.dir, 'clip');
    writeTinyClip(dir, { seed: 21, imageSize: 32, projectionDim: 64, quantized: true });
    image = path.join(t.dir, 'img.png');
    await writeImage(image, 7, 40);
    fp32 = await createTransformersClipEncoder({ modelDir: dir, dtype: 'fp32' });
    q8 = await createTransformersClipEncoder({ modelDir: dir, dtype: 'q8' });
  });
  afterAll(async () => {
    await fp32?.release();
    await q8?.release();
    t.cleanup();
  });

  it('the quantized towers hold int8 weights behind MatMulInteger, no float MatMul weight left', () => {
    for (const tower of ['text', 'vision']) {
      const g = loadModel(path.join(dir, 'onnx', `${tower}_model_quantized.onnx`)).graph!;
      const ops = (g.node ?? []).map((n) => n.opType);
      expect(ops.filter((o) => o === 'MatMulInteger').length).toBeGreaterThan(0);
      expect(ops.filter((o) => o === 'DynamicQuantizeLinear').length).toBe(ops.filter((o) => o === 'MatMulInteger').length);
      const inits = new Map((g.initializer ?? []).map((i) => [i.name!, i]));
      for (const n of g.node ?? []) if (n.opType === 'MatMul') expect(inits.has(n.input![1]!), `${tower}: ${n.name}`).toBe(false);
      expect((g.initializer ?? []).some((i) => i.dataType === TensorDataType.INT8)).toBe(true);
    }
  });

  it('the folder (float32 towers plus the quantized ones) still imports as the split CLIP layout', () => {
    const r = validateModel('clip', dir);
    expect(r.problems).toEqual([]);
    expect(r.layout).toBe('clip-split');
  });

  it('q8 features follow the float32 ones (cosine > 0.98 per row) without being them', async () => {
    const [tf, tq] = [await fp32.encodeTexts(TEXTS), await q8.encodeTexts(TEXTS)];
    const [vf, vq] = [await fp32.encodeImages([image]), await q8.encodeImages([image])];
    expect(tq.length).toBe(tf.length);
    const cos = [...rowCosines(tq, tf, 64), ...rowCosines(vq, vf, 64)];
    console.info(`q8 vs fp32 cosines: ${cos.map((c) => c.toFixed(5)).join(', ')}`);
    for (const c of cos) expect(c).toBeGreaterThan(0.98);
    expect(Array.from(tq)).not.toEqual(Array.from(tf));
    // It is the quantized file that ran: another model hash.
    expect(q8.modelSha256).not.toBe(fp32.modelSha256);
  });

  it('runs one item of the describe stage (the CLIP-noun describer) on the q8 towers', async () => {
    const vocabulary = ['bamboo', 'tourist', 'leaf', 'railing', 'tree', 'water', 'panda', 'giant panda'];
    const describer = new ClipNounDescriber({ encoder: q8, wordnet: WordNetNouns.load(), vocabulary, topK: 3 });
    const { elements } = await describer.describe(image, 'giant panda');
    expect(elements).toHaveLength(3);
    for (const e of elements) expect(['bamboo', 'tourist', 'leaf', 'railing', 'tree', 'water']).toContain(e);
  });
});
