import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateModel } from '../../src/main/models';
import { chooseVariant, presentVariants, variantFile } from '../../src/main/models/dtype-variants';
import { writeTinyClip } from '../../src/main/onnx/factory';
import { buildTinyClip } from '../../src/main/onnx/factory/clip';
import { writeFolderFile } from '../../src/main/onnx/factory/files';
import { tmpDir } from '../helpers/tmp';

// transformers.js names its precision variants `<name>_fp16.onnx`, `<name>_quantized.onnx`, `<name>_q4.onnx`, …
// (DEFAULT_DTYPE_SUFFIX_MAPPING in @huggingface/transformers); the expected names below are written out by hand.
describe('transformers.js precision variants at import', () => {
  let t: ReturnType<typeof tmpDir>;
  beforeAll(() => {
    t = tmpDir();
  });
  afterAll(() => t.cleanup());

  it('names each variant file as transformers.js does', () => {
    expect(variantFile('onnx/text_model.onnx', 'fp32')).toBe('onnx/text_model.onnx');
    expect(variantFile('onnx/text_model.onnx', 'q8')).toBe('onnx/text_model_quantized.onnx');
    expect(variantFile('onnx/decoder_model_merged.onnx', 'q4f16')).toBe('onnx/decoder_model_merged_q4f16.onnx');
    expect(variantFile('onnx/embed_tokens.onnx', 'fp16')).toBe('onnx/embed_tokens_fp16.onnx');
    expect(() => variantFile('onnx/x.bin', 'fp16')).toThrow(/not an \.onnx path/);
  });

  it('accepts a CLIP folder holding only quantized towers, records them, and a run picks them', () => {
    const dir = path.join(t.dir, 'q8-only');
    writeTinyClip(dir, { quantized: true });
    fs.rmSync(path.join(dir, 'onnx/text_model.onnx'));
    fs.rmSync(path.join(dir, 'onnx/vision_model.onnx'));
    const report = validateModel('clip', dir);
    expect(report.problems).toEqual([]);
    expect(report.layout).toBe('clip-split');
    expect(report.files).toEqual(expect.arrayContaining(['onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx']));
    expect(report.files).not.toContain('onnx/text_model.onnx');
    expect(chooseVariant(dir, 'onnx/text_model.onnx')).toEqual({ dtype: 'q8', file: path.join(dir, 'onnx/text_model_quantized.onnx') });
  });

  it('with both precisions present, records both and prefers full precision on the CPU', () => {
    const dir = path.join(t.dir, 'both');
    writeTinyClip(dir, { quantized: true });
    const report = validateModel('clip', dir);
    expect(report.ok).toBe(true);
    expect(report.files).toEqual(expect.arrayContaining(['onnx/text_model.onnx', 'onnx/text_model_quantized.onnx', 'onnx/vision_model.onnx', 'onnx/vision_model_quantized.onnx']));
    expect(presentVariants('onnx/vision_model.onnx', (rel) => fs.existsSync(path.join(dir, rel)))).toEqual(['fp32', 'q8']);
    expect(chooseVariant(dir, 'onnx/vision_model.onnx').dtype).toBe('fp32');
    expect(chooseVariant(dir, 'onnx/vision_model.onnx', 'q8').dtype).toBe('q8');
    expect(() => chooseVariant(dir, 'onnx/vision_model.onnx', 'q4')).toThrow(/onnx\/vision_model_q4\.onnx is not there \(present: fp32, q8\)/);
  });

  it('refuses a corrupt variant, naming it, even when the full-precision file is fine', () => {
    const dir = path.join(t.dir, 'corrupt-variant');
    writeTinyClip(dir);
    fs.writeFileSync(path.join(dir, 'onnx/vision_model_fp16.onnx'), Buffer.alloc(1000));
    const report = validateModel('clip', dir);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.file)).toEqual(['onnx/vision_model_fp16.onnx']);
    expect(report.problems[0]!.message).toMatch(/^onnx\/vision_model_fp16\.onnx is not a valid ONNX protobuf/);
  });

  it('checks cross-file rules per precision: a q8 vision tower of another width is refused by its own name', () => {
    const dir = path.join(t.dir, 'wrong-width-variant');
    writeTinyClip(dir, { quantized: true });
    // A vision tower from a CLIP with a different projection width, saved under the q8 variant's name.
    const other = buildTinyClip({ projectionDim: 24 });
    writeFolderFile(dir, 'onnx/vision_model_quantized.onnx', other.visionModel, 'onnx');
    const report = validateModel('clip', dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ code: 'mismatch', file: 'onnx/vision_model_quantized.onnx', found: '24' });
    expect(report.problems[0]!.message).toContain("onnx/vision_model_quantized.onnx: output 'image_embeds' has width 24");
    expect(report.problems[0]!.message).toContain("onnx/text_model_quantized.onnx's 'text_embeds'");
  });

  it('names every accepted variant when no precision of a tower is there', () => {
    const dir = path.join(t.dir, 'no-text');
    writeTinyClip(dir);
    fs.rmSync(path.join(dir, 'onnx/text_model.onnx'));
    const report = validateModel('clip', dir);
    const missing = report.problems.find((p) => p.code === 'missing-file');
    expect(missing?.file).toBe('onnx/text_model.onnx');
    expect(missing?.message).toContain('text_model_fp16.onnx, text_model_quantized.onnx');
    expect(missing?.message).toContain('text_model_q4.onnx');
  });
});
