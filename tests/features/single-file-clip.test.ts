// Optimum's single CLIPModel export (onnx/model.onnx: input_ids, pixel_values, attention_mask → logits_per_image,
// logits_per_text, text_embeds, image_embeds, with separate text and image batch axes), reduced width (the factory's
// tiny CLIP towers joined into one graph). It imports, each tower is cut out of it and runs alone, and it runs one
// item of the describe stage (the CLIP-noun describer) and a mining job.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateModel } from '../../src/main/models';
import { createSession, loadModel, TensorDataType } from '../../src/main/onnx';
import { writeTinyClip } from '../../src/main/onnx/factory';
import { ClipNounDescriber, WordNetNouns } from '../../src/main/pipeline/describe';
import { createOnnxClipEncoder, type ClipEncoder } from '../../src/main/pipeline/features';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { oodProject, query, TINY_CLIP } from '../pipeline/ood-project';
import { jobDone, registerModel, value } from '../pipeline/stage-project';

const TEXTS = ['a photo of a tree.', 'a photo of a cat.', 'a photo of water.'];

describe('single-file CLIP export (onnx/model.onnx)', () => {
  let t: ReturnType<typeof tmpDir>;
  let split: string;
  let single: string;
  const images: string[] = [];
  const encoders: ClipEncoder[] = [];

  beforeAll(async () => {
    t = tmpDir('synood-single-clip-');
    split = path.join(t.dir, 'split');
    single = path.join(t.dir, 'single');
    // The same weights in both layouts (same seed; the single export's text tower takes attention_mask).
    writeTinyClip(split, { ...TINY_CLIP, attentionMask: true });
    writeTinyClip(single, { ...TINY_CLIP, layout: 'single' });
    for (const seed of [1, 2]) {
      const f = path.join(t.dir, `img-${seed}.png`);
      await writeImage(f, seed, 24);
      images.push(f);
    }
  });
  afterAll(async () => {
    for (const e of encoders) await e.release();
    t.cleanup();
  });

  const encoder = async (o: Parameters<typeof createOnnxClipEncoder>[0]) => {
    const e = await createOnnxClipEncoder({ preprocessing: 'clip', imageSize: TINY_CLIP.imageSize, ...o });
    encoders.push(e);
    return e;
  };

  it('imports as the combined layout, the real graph validated (not only its IO)', () => {
    const r = validateModel('clip', single);
    expect(r.problems).toEqual([]);
    expect(r.layout).toBe('clip-combined');
  });

  it('the whole graph runs with 2 images and 3 texts: logits_per_image is [2, 3]', async () => {
    const enc = await encoder({ combinedModelPath: path.join(single, 'onnx', 'model.onnx'), tokenizerDir: single });
    const handle = await createSession(path.join(single, 'onnx', 'model.onnx'), { providers: ['cpu'] });
    try {
      const ids = new ort.Tensor('int64', new BigInt64Array([1n, 2n, 3n, 2n, 4n, 2n]), [3, 2]);
      const mask = new ort.Tensor('int64', new BigInt64Array(6).fill(1n), [3, 2]);
      const size = TINY_CLIP.imageSize;
      const pixels = new ort.Tensor('float32', new Float32Array(2 * 3 * size * size).fill(0.1), [2, 3, size, size]);
      const out = await handle.run({ input_ids: ids, attention_mask: mask, pixel_values: pixels });
      expect(out.logits_per_image!.dims).toEqual([2, 3]);
      expect(out.logits_per_text!.dims).toEqual([3, 2]);
      expect(out.image_embeds!.dims).toEqual([2, enc.dim]);
    } finally {
      await handle.release();
    }
  });

  it('each tower cut out of model.onnx gives the split towers’ features', async () => {
    const a = await encoder({ visionModelPath: path.join(split, 'onnx', 'vision_model.onnx'), textModelPath: path.join(split, 'onnx', 'text_model.onnx'), tokenizerDir: split });
    const b = await encoder({ combinedModelPath: path.join(single, 'onnx', 'model.onnx'), tokenizerDir: single });
    expect(b.dim).toBe(a.dim);
    const [ia, ib] = [await a.encodeImages(images), await b.encodeImages(images)];
    const [ta, tb] = [await a.encodeTexts(TEXTS), await b.encodeTexts(TEXTS)];
    ib.forEach((v, i) => expect(v).toBeCloseTo(ia[i]!, 5));
    tb.forEach((v, i) => expect(v).toBeCloseTo(ta[i]!, 5));
    expect(b.runs).toEqual({ vision: 1, text: 1 });
  });

  it('runs one describe item (the CLIP-noun describer)', async () => {
    const enc = await encoder({ combinedModelPath: path.join(single, 'onnx', 'model.onnx'), tokenizerDir: single });
    const vocabulary = ['bamboo', 'tourist', 'leaf', 'railing', 'tree', 'water', 'panda'];
    const { elements } = await new ClipNounDescriber({ encoder: enc, wordnet: WordNetNouns.load(), vocabulary, topK: 3 }).describe(images[0]!, 'giant panda');
    expect(elements).toHaveLength(3);
    for (const e of elements) expect(vocabulary.filter((w) => w !== 'panda')).toContain(e);
  });

  it('float16 (Optimum --fp16): imports, widened on the CPU, features within float16 rounding, one describe item', async () => {
    const half = path.join(t.dir, 'single-fp16');
    writeTinyClip(half, { ...TINY_CLIP, layout: 'single', precision: 'fp16' });
    const g = loadModel(path.join(half, 'onnx', 'model.onnx')).graph!;
    expect((g.initializer ?? []).some((i) => i.dataType === TensorDataType.FLOAT16)).toBe(true);
    expect((g.initializer ?? []).some((i) => i.dataType === TensorDataType.FLOAT)).toBe(false);
    expect(g.input!.find((i) => i.name === 'pixel_values')!.type!.tensorType!.elemType).toBe(TensorDataType.FLOAT16);
    const r = validateModel('clip', half);
    expect(r.problems).toEqual([]);
    expect(r.layout).toBe('clip-combined');

    const full = await encoder({ combinedModelPath: path.join(single, 'onnx', 'model.onnx'), tokenizerDir: single });
    const enc = await encoder({ combinedModelPath: path.join(half, 'onnx', 'model.onnx'), tokenizerDir: half });
    const cosines = (a: Float32Array, b: Float32Array) =>
      Array.from({ length: a.length / enc.dim }, (_, r) => {
        const x = a.subarray(r * enc.dim, (r + 1) * enc.dim);
        const y = b.subarray(r * enc.dim, (r + 1) * enc.dim);
        const dot = x.reduce((acc, v, j) => acc + v * y[j]!, 0);
        return dot / Math.sqrt(x.reduce((acc, v) => acc + v * v, 0) * y.reduce((acc, v) => acc + v * v, 0));
      });
    const [ih, iF, th, tF] = [await enc.encodeImages(images), await full.encodeImages(images), await enc.encodeTexts(TEXTS), await full.encodeTexts(TEXTS)];
    const cos = [...cosines(ih, iF), ...cosines(th, tF)];
    console.info(`fp16 vs fp32 single-file 1 − cosine: ${cos.map((c) => (1 - c).toExponential(1)).join(', ')}`);
    for (const c of cos) expect(c).toBeGreaterThan(0.999);
    // The float16 weights ran (rounded values give other features), not a float32 copy.
    expect(Array.from(th)).not.toEqual(Array.from(tF));
    expect(Array.from(ih)).not.toEqual(Array.from(iF));
    const vocabulary = ['bamboo', 'tourist', 'leaf', 'railing', 'tree', 'water'];
    const { elements } = await new ClipNounDescriber({ encoder: enc, wordnet: WordNetNouns.load(), vocabulary, topK: 2 }).describe(images[0]!, 'giant panda');
    expect(elements).toHaveLength(2);
  });

  it('a project whose CLIP is the single file mines negative labels (the job, through the studio)', async () => {
    const p = await oodProject(path.join(t.dir, 'project'), { perClass: 1, indTest: 1 });
    try {
      await registerModel(p.projectDir, 'clip', single); // the newest CLIP: the one the stages use
      const { jobId } = value<{ jobId: number }>(await p.studio.call('labels.mine', { candidateLimit: 200 }));
      const job = await jobDone(p.studio, jobId, 120_000);
      expect(job.state.status).toBe('completed');
      const rows = query<{ mining_score: number | null }>(p.projectDir, 'SELECT mining_score FROM neg_labels');
      expect(rows).toHaveLength(200);
      expect(rows.every((r) => r.mining_score !== null && Number.isFinite(r.mining_score))).toBe(true);
    } finally {
      await p.studio.close();
    }
  }, 120_000);
});
