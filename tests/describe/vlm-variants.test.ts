// transformers.js precision variants of a LLaVA-layout VLM, as onnx-community repositories ship them: a folder with
// only `onnx/*_fp16.onnx` (float16 weights and float16 embeddings, image features, logits and key/value cache) and one
// with only `onnx/*_q4.onnx` (onnxruntime MatMulNBits, 4-bit blocks). Reduced width: the factory's tiny VLM (hidden 16,
// one layer, 59-word vocabulary), the same seed in every precision, so the float32 folder is the reference.
import fs from 'node:fs';
import path from 'node:path';
import { AutoModelForImageTextToText, AutoProcessor, RawImage, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel, ModelValidationError } from '../../src/main/models';
import { loadModel, saveModel, type ModelProto } from '../../src/main/onnx';
import { makeTensor } from '../../src/main/onnx/tensor';
import { TensorDataType } from '../../src/main/onnx/data-types';
import { DEFAULT_CONTEXT_QUESTION, LLAVA_PROMPT_TEMPLATE, VlmDescriber, type VlmDescriberOptions } from '../../src/main/pipeline/describe';
import { TINY_VLM_WORDS, writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';

const SESSIONS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'];
const SEED = 3;

/** The last prompt position's logits (the first generated token's), through transformers.js' own forward pass. */
async function firstStepLogits(dir: string, dtype: 'fp32' | 'fp16' | 'q4', image: string): Promise<Float32Array> {
  const processor = await AutoProcessor.from_pretrained(dir, { local_files_only: true });
  const model = await AutoModelForImageTextToText.from_pretrained(dir, { local_files_only: true, dtype, device: 'cpu' });
  try {
    const prompt = LLAVA_PROMPT_TEMPLATE.replaceAll('{question}', DEFAULT_CONTEXT_QUESTION.replaceAll('{class}', 'giant panda'));
    const inputs = await processor(await RawImage.read(image), prompt);
    const { logits } = (await model(inputs)) as { logits: Tensor };
    const vocab = logits.dims.at(-1)!;
    return Float32Array.from((logits.to('float32').data as Float32Array).slice(-vocab));
  } finally {
    await model.dispose();
  }
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const argmax = (a: Float32Array) => a.reduce((best, v, i) => (v > a[best]! ? i : best), 0);

function expectVocabularyWords(answer: string, maxWords: number): void {
  const words = answer.match(/[a-z]+/g) ?? [];
  expect(words.length).toBeGreaterThan(0);
  expect(words.length).toBeLessThanOrEqual(maxWords);
  for (const w of words) expect(TINY_VLM_WORDS).toContain(w);
}

async function describeOnce(dir: string, image: string, opts: VlmDescriberOptions = {}) {
  const d = await VlmDescriber.load(dir, { maxNewTokens: 10, ...opts });
  try {
    return { dtypes: { ...d.dtypes }, answer: await d.describe(image, 'giant panda') };
  } finally {
    await d.release();
  }
}

describe('LLaVA-class VLM precision variants (fp16, q4) through import and the describer', () => {
  let t: ReturnType<typeof tmpDir>;
  let image: string;
  const folder = (name: string) => path.join(t.dir, name);
  let reference: { answer: Awaited<ReturnType<typeof describeOnce>>['answer']; logits: Float32Array };

  beforeAll(async () => {
    t = tmpDir('synood-vlm-variants-');
    image = path.join(t.dir, 'img.png');
    await writeImage(image, 9, 32);
    writeTinyVlm(folder('fp32'), { seed: SEED });
    writeTinyVlm(folder('fp16-only'), { seed: SEED, dtypes: ['fp16'] });
    writeTinyVlm(folder('q4-only'), { seed: SEED, dtypes: ['q4'] });
    reference = { answer: (await describeOnce(folder('fp32'), image)).answer, logits: await firstStepLogits(folder('fp32'), 'fp32', image) };
  }, 60_000);

  afterAll(() => t.cleanup());

  it('fp16 only: imports (float16 IO recorded), describes one item with vocabulary words, the same greedy answer as fp32, first-step logits within float16 rounding', async () => {
    const dir = folder('fp16-only');
    expect(fs.readdirSync(path.join(dir, 'onnx')).sort()).toEqual(SESSIONS.map((s) => `${s}_fp16.onnx`).sort());
    const { record, report } = await importModel({ role: 'vlm', source: dir, provider: 'cpu' });
    expect(report.problems).toEqual([]);
    type Io = { inputs: { name: string; dtype: string }[]; outputs: { name: string; dtype: string }[] };
    const recorded = JSON.parse(record.signature_json).onnx as Record<string, Io>;
    const [vision, embed, decoder] = SESSIONS.map((s) => recorded[`onnx/${s}_fp16.onnx`]!);
    const dtypeOf = (list: { name: string; dtype: string }[], name: string) => list.find((x) => x.name === name)?.dtype;
    // pixel_values stays float32 (transformers.js feeds float32 pixels); what passes between the sessions is float16.
    expect([dtypeOf(vision!.inputs, 'pixel_values'), dtypeOf(vision!.outputs, 'image_features'), dtypeOf(embed!.outputs, 'inputs_embeds')]).toEqual(['float32', 'float16', 'float16']);
    expect([dtypeOf(decoder!.inputs, 'inputs_embeds'), dtypeOf(decoder!.inputs, 'past_key_values.0.key'), dtypeOf(decoder!.outputs, 'logits'), dtypeOf(decoder!.outputs, 'present.0.value')]).toEqual(['float16', 'float16', 'float16', 'float16']);
    expect([dtypeOf(decoder!.inputs, 'attention_mask'), dtypeOf(decoder!.inputs, 'position_ids')]).toEqual(['int64', 'int64']);

    const { dtypes, answer } = await describeOnce(dir, image);
    expect(dtypes).toEqual({ vision_encoder: 'fp16', embed_tokens: 'fp16', decoder_model_merged: 'fp16' });
    expectVocabularyWords(answer.rawAnswer, 10);
    expect(answer).toEqual(reference.answer);

    const logits = await firstStepLogits(dir, 'fp16', image);
    const scale = Math.max(...reference.logits.map(Math.abs));
    // Measured 2.5e-4 with logits up to 0.47 (float16 keeps 11 significant bits: 2^-11 ≈ 4.9e-4 relative per rounding).
    expect(maxAbsDiff(logits, reference.logits)).toBeLessThan(4 * 2 ** -10 * scale);
    expect(argmax(logits)).toBe(argmax(reference.logits));
  });

  it('q4 only: imports, describes one item with vocabulary words, first-step logits within a bound of fp32 and not equal to them', async () => {
    const dir = folder('q4-only');
    expect(fs.readdirSync(path.join(dir, 'onnx')).sort()).toEqual(SESSIONS.map((s) => `${s}_q4.onnx`).sort());
    const decoderGraph = loadModel(path.join(dir, 'onnx/decoder_model_merged_q4.onnx'));
    expect(decoderGraph.graph!.node!.filter((n) => n.opType === 'MatMulNBits').length).toBe(5); // q, k, v, o, lm_head
    const { report } = await importModel({ role: 'vlm', source: dir, provider: 'cpu' });
    expect(report.problems).toEqual([]);
    expect(report.files).toEqual(expect.arrayContaining(SESSIONS.map((s) => `onnx/${s}_q4.onnx`)));

    const { dtypes, answer } = await describeOnce(dir, image);
    expect(dtypes).toEqual({ vision_encoder: 'q4', embed_tokens: 'q4', decoder_model_merged: 'q4' });
    expectVocabularyWords(answer.rawAnswer, 10);

    const logits = await firstStepLogits(dir, 'q4', image);
    const diff = maxAbsDiff(logits, reference.logits);
    const scale = Math.max(...reference.logits.map(Math.abs));
    // Measured 0.038 with logits up to 0.47, the same first token (4-bit weights: each within half a step, a step
    // being 1/8 of its block's largest weight, except the clipped +8th level: one step).
    expect(diff).toBeLessThan(0.15 * scale);
    // The 4-bit weights were used: not the float32 numbers, nor float16 rounding of them.
    expect(diff).toBeGreaterThan(4 * 2 ** -10 * scale);
  });

  it('refuses a q4 folder whose decoder has no key/value cache inputs, naming onnx/decoder_model_merged_q4.onnx', async () => {
    const dir = folder('q4-no-cache');
    writeTinyVlm(dir, { seed: SEED, dtypes: ['q4'] });
    const file = path.join(dir, 'onnx/decoder_model_merged_q4.onnx');
    fs.writeFileSync(file, saveModel(withoutCacheInputs(loadModel(file))));
    const err = await importModel({ role: 'vlm', source: dir, provider: 'cpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelValidationError);
    const problems = (err as ModelValidationError).report.problems;
    expect(problems.map((p) => [p.code, p.file, p.subject])).toEqual([['missing-input', 'onnx/decoder_model_merged_q4.onnx', "input 'past_key_values.*'"]]);
    expect(problems[0]!.message).toMatch(/^onnx\/decoder_model_merged_q4\.onnx: no input 'past_key_values/);
  });

  it('runs the precision asked for, and refuses one the folder lacks or precisions transformers.js cannot pass between sessions', async () => {
    const dir = folder('all');
    writeTinyVlm(dir, { seed: SEED, dtypes: ['fp32', 'fp16', 'q4'] });
    expect((await describeOnce(dir, image)).dtypes.decoder_model_merged).toBe('fp32');
    const q4 = await describeOnce(dir, image, { dtype: 'q4' });
    expect(q4.dtypes).toEqual({ vision_encoder: 'q4', embed_tokens: 'q4', decoder_model_merged: 'q4' });
    expect(q4.answer).toEqual((await describeOnce(folder('q4-only'), image)).answer);
    const mixed = await describeOnce(dir, image, { dtype: { decoder_model_merged: 'q4' } });
    expect(mixed.dtypes).toEqual({ vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'q4' });
    expectVocabularyWords(mixed.answer.rawAnswer, 10);
    // fp16 image features cannot be copied into fp32 embeddings (transformers.js copies the raw values).
    await expect(VlmDescriber.load(dir, { dtype: { vision_encoder: 'fp16' } })).rejects.toThrow(/onnx\/vision_encoder_fp16\.onnx gives float16 image_features but onnx\/embed_tokens\.onnx gives float32 inputs_embeds/);
    // A folder whose decoder is there only in fp16 runs every session in fp16 by default, not fp32 vision into it.
    const partly = folder('fp16-decoder-only');
    writeTinyVlm(partly, { seed: SEED, dtypes: ['fp32', 'fp16'] });
    fs.rmSync(path.join(partly, 'onnx/decoder_model_merged.onnx'));
    const shared = await describeOnce(partly, image);
    expect(shared.dtypes).toEqual({ vision_encoder: 'fp16', embed_tokens: 'fp16', decoder_model_merged: 'fp16' });
    expect(shared.answer).toEqual(reference.answer);
    await expect(VlmDescriber.load(folder('fp16-only'), { dtype: 'q4' })).rejects.toThrow(/onnx\/vision_encoder_q4\.onnx is not there \(present: fp16\)/);
  });
});

/** The decoder as exported without its cache: the past inputs become empty constants (present.* outputs stay). */
function withoutCacheInputs(model: ModelProto): ModelProto {
  const g = model.graph!;
  const past = (g.input ?? []).filter((i) => i.name!.startsWith('past_key_values.'));
  const empty = past.map((i) => {
    const [, heads, , headDim] = i.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue ?? 0));
    return makeTensor(i.name!, TensorDataType.FLOAT, [1, heads!, 0, headDim!], new Float32Array(0));
  });
  return { ...model, graph: { ...g, input: (g.input ?? []).filter((i) => !past.includes(i)), initializer: [...(g.initializer ?? []), ...empty] } };
}
