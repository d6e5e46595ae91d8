import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertValidModel, ModelValidationError, validateModel, type ValidationProblem } from '../../src/main/models';
import { buildClipTextModel, buildClipVisionModel, writeTinyClassifier, writeTinyClip, writeTinySdInpaint } from '../../src/main/onnx/factory';
import { writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import { tmpDir } from '../helpers/tmp';
import { ioModel, writeJson, writeModel, writeWithExternalData } from './model-fixtures';

describe('validateModel', () => {
  let t: ReturnType<typeof tmpDir>;
  const good = { clip: '', sd: '', vlm: '' };
  let n = 0;
  /** A fresh copy of a good folder to break. */
  const copy = (src: string): string => {
    const dest = path.join(t.dir, `case-${n++}`);
    fs.cpSync(src, dest, { recursive: true });
    return dest;
  };
  /** The tiny CLIP's vocabulary size: a replacement text tower keeps it, so only the intended problem shows. */
  const clipVocab = (): number => (JSON.parse(fs.readFileSync(path.join(good.clip, 'config.json'), 'utf8')) as { text_config: { vocab_size: number } }).text_config.vocab_size;
  const only = (problems: ValidationProblem[]) => {
    expect(problems).toHaveLength(1);
    return problems[0]!;
  };

  beforeAll(() => {
    t = tmpDir();
    good.clip = path.join(t.dir, 'clip');
    good.sd = path.join(t.dir, 'sd');
    good.vlm = path.join(t.dir, 'vlm');
    writeTinyClip(good.clip);
    writeTinySdInpaint(good.sd);
    writeTinyVlm(good.vlm);
  });
  afterAll(() => t.cleanup());

  describe('good folders', () => {
    it('accepts the transformers.js CLIP layout and records its tensor names', () => {
      const r = validateModel('clip', good.clip);
      expect(r.problems).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.layout).toBe('clip-split');
      expect(r.io['onnx/vision_model.onnx']).toEqual({ pixel_values: 'pixel_values', image_embeds: 'image_embeds' });
      expect(r.files).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx']);
    });

    it('accepts the single CLIPModel export (onnx/model.onnx)', () => {
      const dir = copy(good.clip);
      fs.rmSync(path.join(dir, 'onnx'), { recursive: true });
      writeModel(
        path.join(dir, 'onnx/model.onnx'),
        ioModel(
          [
            ['input_ids', 'int64', ['text_batch', 'sequence_length']],
            ['pixel_values', 'float32', ['image_batch', 3, 224, 224]],
            ['attention_mask', 'int64', ['text_batch', 'sequence_length']],
          ],
          [
            ['logits_per_image', 'float32', ['image_batch', 'text_batch']],
            ['logits_per_text', 'float32', ['text_batch', 'image_batch']],
            ['text_embeds', 'float32', ['text_batch', 512]],
            ['image_embeds', 'float32', ['image_batch', 512]],
          ],
        ),
      );
      const r = validateModel('clip', dir);
      expect(r.problems).toEqual([]);
      expect(r.layout).toBe('clip-combined');
    });

    it('accepts the SD-2-inpainting ONNX export', () => {
      const r = validateModel('inpainting', good.sd);
      expect(r.problems).toEqual([]);
      expect(r.io['unet/model.onnx']).toEqual({ sample: 'sample', timestep: 'timestep', encoder_hidden_states: 'encoder_hidden_states', out_sample: 'out_sample' });
    });

    it('accepts a LLaVA-layout VLM', () => {
      const r = validateModel('vlm', good.vlm);
      expect(r.problems).toEqual([]);
      expect(r.layout).toBe('vlm-llava');
    });

    it('accepts a classifier given as a file, recording whatever its tensors are called', () => {
      const file = writeTinyClassifier(path.join(t.dir, 'cls/resnet.onnx'), { inputName: 'input', numClasses: 7 });
      const r = validateModel('classifier', file);
      expect(r.problems).toEqual([]);
      expect(r.entry).toBe('resnet.onnx');
      expect(r.io['resnet.onnx']).toEqual({ input: 'input', output: 'logits' });
    });

    it('accepts a classifier folder holding model.onnx', () => {
      writeTinyClassifier(path.join(t.dir, 'cls-folder'), { inputName: 'pixel_values' });
      const r = validateModel('classifier', path.join(t.dir, 'cls-folder'));
      expect(r.problems).toEqual([]);
      expect(r.io['model.onnx']).toEqual({ input: 'pixel_values', output: 'logits' });
    });
  });

  describe('broken folders', () => {
    it('names a missing file and where it should be', () => {
      const dir = copy(good.clip);
      fs.rmSync(path.join(dir, 'onnx/vision_model.onnx'));
      const p = only(validateModel('clip', dir).problems);
      expect(p.code).toBe('missing-file');
      expect(p.file).toBe('onnx/vision_model.onnx');
      expect(p.message).toContain(path.join(dir, 'onnx/vision_model.onnx'));
      expect(p.message).toContain('onnx/model.onnx');
    });

    it('names a missing tokenizer file', () => {
      const dir = copy(good.sd);
      fs.rmSync(path.join(dir, 'tokenizer/tokenizer.json'));
      const p = only(validateModel('inpainting', dir).problems);
      expect(p).toMatchObject({ code: 'missing-file', file: 'tokenizer/tokenizer.json' });
      expect(p.message).toContain('vocab.json + merges.txt');
    });

    it('names a renamed input, listing what the model has instead', () => {
      const dir = copy(good.clip);
      writeModel(path.join(dir, 'onnx/vision_model.onnx'), ioModel([['images', 'float32', ['n', 3, 32, 32]]], [['image_embeds', 'float32', ['n', 16]]]));
      const problems = validateModel('clip', dir).problems;
      expect(problems.map((p) => p.code).sort()).toEqual(['missing-input', 'unexpected-input']);
      const missing = problems.find((p) => p.code === 'missing-input')!;
      expect(missing.message).toBe("onnx/vision_model.onnx: has no input 'pixel_values' (its inputs: 'images')");
    });

    it('names a UNet with the wrong channel count (a text-to-image UNet offered for inpainting)', () => {
      const dir = copy(good.sd);
      writeModel(
        path.join(dir, 'unet/model.onnx'),
        ioModel(
          [
            ['sample', 'float32', ['batch', 4, 8, 8]],
            ['timestep', 'int64', ['steps']],
            ['encoder_hidden_states', 'float32', ['batch', 77, 32]],
          ],
          [['out_sample', 'float32', ['batch', 4, 8, 8]]],
        ),
      );
      const p = only(validateModel('inpainting', dir).problems);
      expect(p).toMatchObject({ code: 'wrong-dim', file: 'unet/model.onnx', subject: "input 'sample'", expected: '9 channels', found: '4 channels' });
      expect(p.message).toContain("unet/model.onnx: input 'sample' has 4 channels");
      expect(p.message).toContain('expected 9 (an inpainting UNet');
    });

    it('names a wrong element type', () => {
      const dir = copy(good.clip);
      writeModel(path.join(dir, 'onnx/text_model.onnx'), buildClipTextModel({ vocabSize: clipVocab(), width: 16, heads: 2, layers: 1, projectionDim: 16, idsType: 'int32' }));
      const p = only(validateModel('clip', dir).problems);
      expect(p.message).toBe("onnx/text_model.onnx: input 'input_ids' is int32, expected int64");
    });

    it('names a wrong rank', () => {
      writeTinyClassifier(path.join(t.dir, 'rank'), {});
      writeModel(path.join(t.dir, 'rank/model.onnx'), ioModel([['x', 'float32', ['n', 3072]]], [['logits', 'float32', ['n', 10]]]));
      const p = only(validateModel('classifier', path.join(t.dir, 'rank')).problems);
      expect(p).toMatchObject({ code: 'wrong-rank', subject: "input 'x'", expected: 'rank 4', found: 'rank 2 [n, 3072]' });
    });

    it('refuses a classifier with two outputs', () => {
      const file = writeModel(path.join(t.dir, 'two-out.onnx'), ioModel([['x', 'float32', ['n', 3, 8, 8]]], [['logits', 'float32', ['n', 10]], ['features', 'float32', ['n', 64]]]));
      const p = only(validateModel('classifier', file).problems);
      expect(p.code).toBe('wrong-count');
      expect(p.message).toContain("has 2 outputs ('logits', 'features'), expected exactly one");
    });

    it('names towers whose embedding widths differ', () => {
      const dir = copy(good.clip);
      writeModel(path.join(dir, 'onnx/vision_model.onnx'), buildClipVisionModel({ imageSize: 32, patchSize: 8, width: 16, heads: 2, layers: 1, projectionDim: 8 }));
      const p = only(validateModel('clip', dir).problems);
      expect(p).toMatchObject({ code: 'mismatch', file: 'onnx/vision_model.onnx', expected: '16', found: '8' });
    });

    it('refuses an unsupported VLM architecture by its config field', () => {
      const dir = copy(good.vlm);
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
      writeJson(path.join(dir, 'config.json'), { ...config, model_type: 'blip-2' });
      const p = only(validateModel('vlm', dir).problems);
      expect(p).toMatchObject({ code: 'bad-config', file: 'config.json', subject: 'field model_type', found: '"blip-2"' });
    });

    it('asks a Florence-2 folder for its encoder model', () => {
      const dir = copy(good.vlm);
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
      writeJson(path.join(dir, 'config.json'), { ...config, model_type: 'florence2', is_encoder_decoder: true });
      const p = only(validateModel('vlm', dir).problems);
      expect(p).toMatchObject({ code: 'missing-file', file: 'onnx/encoder_model.onnx' });
    });

    it('names a missing external data file', () => {
      const dir = copy(good.clip);
      writeWithExternalData(path.join(dir, 'onnx/vision_model.onnx'), buildClipVisionModel({ imageSize: 32, patchSize: 8, width: 32, heads: 2, layers: 2, projectionDim: 16 }));
      expect(validateModel('clip', dir).problems).toEqual([]);
      fs.rmSync(path.join(dir, 'onnx/vision_model.onnx_data'));
      const p = only(validateModel('clip', dir).problems);
      expect(p).toMatchObject({ code: 'missing-external-data', file: 'onnx/vision_model.onnx_data' });
      expect(p.message).toContain(path.join(dir, 'onnx/vision_model.onnx_data'));
    });

    it('names truncated external data', () => {
      const dir = copy(good.clip);
      const { dataBytes } = writeWithExternalData(path.join(dir, 'onnx/text_model.onnx'), buildClipTextModel({ vocabSize: clipVocab(), width: 32, heads: 2, layers: 2, projectionDim: 16 }));
      fs.truncateSync(path.join(dir, 'onnx/text_model.onnx_data'), 1000);
      const p = only(validateModel('clip', dir).problems);
      expect(p).toMatchObject({ code: 'short-external-data', file: 'onnx/text_model.onnx_data', expected: `at least ${dataBytes} bytes`, found: '1000 bytes' });
    });

    it('names a truncated ONNX file (a half-finished download)', () => {
      const dir = copy(good.sd);
      const file = path.join(dir, 'unet/model.onnx');
      fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
      const p = only(validateModel('inpainting', dir).problems);
      expect(p.code).toBe('truncated-onnx');
      expect(p.message).toMatch(/^unet\/model\.onnx is truncated/);
    });

    it('names a leftover .partial download', () => {
      const dir = copy(good.clip);
      fs.renameSync(path.join(dir, 'onnx/vision_model.onnx'), path.join(dir, 'onnx/vision_model.onnx.partial'));
      const problems = validateModel('clip', dir).problems;
      expect(problems.map((p) => [p.code, p.file])).toEqual([
        ['partial-download', 'onnx/vision_model.onnx.partial'],
        ['missing-file', 'onnx/vision_model.onnx'],
      ]);
      expect(problems[0]!.message).toContain('run the download again to resume it');
    });

    it('names a Git LFS pointer left in place of the weights', () => {
      const dir = copy(good.clip);
      fs.writeFileSync(path.join(dir, 'onnx/text_model.onnx'), 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
      expect(only(validateModel('clip', dir).problems)).toMatchObject({ code: 'lfs-pointer', file: 'onnx/text_model.onnx' });
    });

    it('names an HTML error page saved in place of a model', () => {
      const dir = copy(good.clip);
      fs.writeFileSync(path.join(dir, 'onnx/vision_model.onnx'), '<!DOCTYPE html><html><body>429 Too Many Requests</body></html>');
      const p = only(validateModel('clip', dir).problems);
      expect(p).toMatchObject({ code: 'unreadable-onnx', file: 'onnx/vision_model.onnx' });
      expect(p.message).toContain('not a valid ONNX protobuf');
    });

    it('names a JSON file cut short', () => {
      const dir = copy(good.clip);
      fs.writeFileSync(path.join(dir, 'preprocessor_config.json'), '{"crop_size": {"height": 3');
      expect(only(validateModel('clip', dir).problems)).toMatchObject({ code: 'bad-json', file: 'preprocessor_config.json' });
    });

    it('refuses with a typed error carrying the report', () => {
      const dir = copy(good.clip);
      fs.rmSync(path.join(dir, 'config.json'));
      let caught: unknown;
      try {
        assertValidModel('clip', dir);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ModelValidationError);
      const err = caught as ModelValidationError;
      expect(err.report.problems.map((p) => p.file)).toEqual(['config.json']);
      expect(err.message).toContain('config.json is missing');
    });

    it('says when the folder does not exist', () => {
      expect(only(validateModel('clip', path.join(t.dir, 'nowhere')).problems).message).toContain('does not exist');
    });
  });
});
