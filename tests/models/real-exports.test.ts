import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel, ModelValidationError, validateModel, type ValidationProblem } from '../../src/main/models';
import { GraphBuilder, type ModelProto } from '../../src/main/onnx';
import { buildClipTextModel, writeTinyClip, writeTinySdInpaint } from '../../src/main/onnx/factory';
import { writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import { loadInpaintModels } from '../../src/main/pipeline/generate/inpaint-models';
import { tmpDir } from '../helpers/tmp';
import { ioModel, writeModel, writeWithExternalData } from './model-fixtures';

/** What real exports ship (docs/REAL-LAYOUTS.md), accepted; what breaks them, refused by file and tensor with nothing written. */

/** Rewrites a folder's fast tokenizer.json as the slow vocab.json + merges.txt pair, as Optimum's SD-2 export ships it. */
function toVocabMerges(dir: string): void {
  const tok = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number>; merges: (string | string[])[] } };
  fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(tok.model.vocab));
  const merges = tok.model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m));
  fs.writeFileSync(path.join(dir, 'merges.txt'), `#version: 0.2\n${merges.join('\n')}\n`);
  fs.rmSync(path.join(dir, 'tokenizer.json'));
}

/** An --fp16 UNet stand-in: float16 sample/encoder_hidden_states, out_sample = the first 4 channels of sample. */
function fp16Unet(textWidth: number, latent = 8): ModelProto {
  const b = new GraphBuilder({ name: 'unet_fp16' });
  const sample = b.input('sample', 'float16', ['batch', 9, latent, latent]);
  b.input('timestep', 'int64', [1]);
  b.input('encoder_hidden_states', 'float16', ['batch', 77, textWidth]);
  b.node('Slice', [sample, b.constI64([0]), b.constI64([4]), b.constI64([1])], {}, { outputs: ['out_sample'] });
  b.output('out_sample', 'float16', ['batch', 4, latent, latent]);
  return b.build();
}

const hiddenSize = (sd: string): number => (JSON.parse(fs.readFileSync(path.join(sd, 'text_encoder/config.json'), 'utf8')) as { hidden_size: number }).hidden_size;
const vocabSize = (clip: string): number => (JSON.parse(fs.readFileSync(path.join(clip, 'config.json'), 'utf8')) as { text_config: { vocab_size: number } }).text_config.vocab_size;

describe('real export layouts', () => {
  let t: ReturnType<typeof tmpDir>;
  const good = { clip: '', sd: '', vlm: '' };
  let n = 0;
  const copy = (src: string): string => {
    const dest = path.join(t.dir, `case-${n++}`);
    fs.cpSync(src, dest, { recursive: true });
    return dest;
  };
  const only = (problems: ValidationProblem[]) => {
    expect(problems).toHaveLength(1);
    return problems[0]!;
  };
  /** importModel with copyTo must refuse and leave no trace of the destination. */
  const refusedWithNothingWritten = async (role: 'clip' | 'inpainting' | 'vlm', source: string) => {
    const dest = path.join(t.dir, `project-${n++}/models/m`);
    await expect(importModel({ role, source, copyTo: dest })).rejects.toBeInstanceOf(ModelValidationError);
    expect(fs.existsSync(path.dirname(dest)) ? fs.readdirSync(path.dirname(dest)) : []).toEqual([]);
  };

  beforeAll(() => {
    t = tmpDir();
    good.clip = path.join(t.dir, 'clip');
    good.sd = path.join(t.dir, 'sd');
    good.vlm = path.join(t.dir, 'vlm');
    writeTinyClip(good.clip);
    writeTinySdInpaint(good.sd, { seed: 3 });
    writeTinyVlm(good.vlm);
  });
  afterAll(() => t.cleanup());

  describe('accepted', () => {
    it("accepts an SD-2 export whose tokenizer/ is Optimum's vocab.json + merges.txt, and the pipeline tokenizes it as the fast file", async () => {
      const fast = await loadInpaintModels(good.sd, { providers: ['cpu'] });
      const expected = fast.tokenizer.encode('a photo only remain bamboo leaves.');
      await fast.release();
      const dir = copy(good.sd);
      toVocabMerges(path.join(dir, 'tokenizer'));
      const r = validateModel('inpainting', dir);
      expect(r.problems).toEqual([]);
      expect(r.files).toEqual(expect.arrayContaining(['tokenizer/vocab.json', 'tokenizer/merges.txt']));
      const models = await loadInpaintModels(dir, { providers: ['cpu'] });
      try {
        expect(models.tokenizer.encode('a photo only remain bamboo leaves.')).toEqual(expected);
      } finally {
        await models.release();
      }
    });

    it('accepts a CLIP folder with vocab.json + merges.txt instead of tokenizer.json', () => {
      const dir = copy(good.clip);
      toVocabMerges(dir);
      expect(validateModel('clip', dir).problems).toEqual([]);
    });

    it('names merges.txt when only vocab.json is there', () => {
      const dir = copy(good.sd);
      toVocabMerges(path.join(dir, 'tokenizer'));
      fs.rmSync(path.join(dir, 'tokenizer/merges.txt'));
      expect(only(validateModel('inpainting', dir).problems)).toMatchObject({ code: 'missing-file', file: 'tokenizer/merges.txt' });
    });

    it('accepts a float16 UNet, at import and when the pipeline loads it with its half-precision inputs kept', async () => {
      const dir = copy(good.sd);
      writeModel(path.join(dir, 'unet/model.onnx'), fp16Unet(hiddenSize(dir)));
      expect(validateModel('inpainting', dir).problems).toEqual([]);
      const models = await loadInpaintModels(dir, { providers: ['cpu'], float16: 'native' });
      try {
        expect(models.unet.session.inputMetadata.find((m) => m.name === 'sample')).toMatchObject({ type: 'float16' });
        expect(models.io.unetOutput).toBe('out_sample');
      } finally {
        await models.release();
      }
    });
  });

  describe('refused at import, naming the file and tensor, nothing written', () => {
    it('missing external data', async () => {
      const dir = copy(good.clip);
      writeWithExternalData(path.join(dir, 'onnx/text_model.onnx'), buildClipTextModel({ vocabSize: vocabSize(dir), width: 32, heads: 2, layers: 1, projectionDim: 16 }));
      fs.rmSync(path.join(dir, 'onnx/text_model.onnx_data'));
      const p = only(validateModel('clip', dir).problems);
      expect(p).toMatchObject({ code: 'missing-external-data', file: 'onnx/text_model.onnx_data' });
      expect(p.message).toContain('onnx/text_model.onnx');
      await refusedWithNothingWritten('clip', dir);
    });

    it('truncated external data (a weights download cut short)', async () => {
      const dir = copy(good.clip);
      writeWithExternalData(path.join(dir, 'onnx/text_model.onnx'), buildClipTextModel({ vocabSize: vocabSize(dir), width: 32, heads: 2, layers: 1, projectionDim: 16 }));
      const data = path.join(dir, 'onnx/text_model.onnx_data');
      fs.truncateSync(data, fs.statSync(data).size - 4);
      const p = only(validateModel('clip', dir).problems);
      expect(p).toMatchObject({ code: 'short-external-data', file: 'onnx/text_model.onnx_data' });
      expect(p.message).toMatch(/tensor '[^']+'/);
      await refusedWithNothingWritten('clip', dir);
    });

    it('a float16 UNet whose encoder_hidden_states width is not the float32 text encoder’s hidden size', async () => {
      const dir = copy(good.sd);
      const width = hiddenSize(dir);
      writeModel(path.join(dir, 'unet/model.onnx'), fp16Unet(width * 2));
      const p = only(validateModel('inpainting', dir).problems);
      expect(p).toMatchObject({ code: 'mismatch', file: 'unet/model.onnx', subject: "input 'encoder_hidden_states'", expected: String(width), found: String(width * 2) });
      await refusedWithNothingWritten('inpainting', dir);
    });

    it('a tokenizer with more ids than the text encoder has embedding rows (fast tokenizer.json)', async () => {
      const dir = copy(good.clip);
      const rows = vocabSize(dir) - 10;
      writeModel(path.join(dir, 'onnx/text_model.onnx'), buildClipTextModel({ vocabSize: rows, width: 32, heads: 2, layers: 1, projectionDim: 16 }));
      const p = only(validateModel('clip', dir).problems);
      expect(p).toMatchObject({ code: 'mismatch', file: 'tokenizer.json', subject: "tensor 'text_model.embeddings.token_embedding.weight'", expected: `ids below ${rows}` });
      expect(p.message).toContain('onnx/text_model.onnx');
      await refusedWithNothingWritten('clip', dir);
    });

    it('a vocab.json with more ids than the SD text encoder has embedding rows', async () => {
      const dir = copy(good.sd);
      toVocabMerges(path.join(dir, 'tokenizer'));
      const vocabFile = path.join(dir, 'tokenizer/vocab.json');
      const vocab = JSON.parse(fs.readFileSync(vocabFile, 'utf8')) as Record<string, number>;
      const top = Math.max(...Object.values(vocab));
      vocab['<|extra|>'] = top + 5000;
      fs.writeFileSync(vocabFile, JSON.stringify(vocab));
      const p = only(validateModel('inpainting', dir).problems);
      expect(p).toMatchObject({ code: 'mismatch', file: 'tokenizer/vocab.json', found: `ids up to ${top + 5000}` });
      expect(p.message).toContain('text_encoder/model.onnx');
      await refusedWithNothingWritten('inpainting', dir);
    });

    it('a LLaVA folder whose decoder has no key/value cache inputs', async () => {
      const dir = copy(good.vlm);
      expect(validateModel('vlm', dir).problems).toEqual([]);
      writeModel(
        path.join(dir, 'onnx/decoder_model_merged.onnx'),
        ioModel(
          [
            ['inputs_embeds', 'float32', ['batch', 'seq', 16]],
            ['attention_mask', 'int64', ['batch', 'seq']],
          ],
          [['logits', 'float32', ['batch', 'seq', 32]]],
        ),
      );
      const problems = validateModel('vlm', dir).problems;
      expect(problems.map((p) => [p.code, p.file, p.subject])).toEqual([
        ['missing-input', 'onnx/decoder_model_merged.onnx', "input 'past_key_values.*'"],
        ['missing-output', 'onnx/decoder_model_merged.onnx', "output 'present.*'"],
      ]);
      expect(problems[0]!.message).toContain('inputs_embeds, attention_mask');
      await refusedWithNothingWritten('vlm', dir);
    });
  });
});
