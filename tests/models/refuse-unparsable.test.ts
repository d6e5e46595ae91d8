import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel, ModelValidationError, type ModelRole, type ValidationProblem } from '../../src/main/models';
import { writeTinyClassifier, writeTinyClip, writeTinySdInpaint } from '../../src/main/onnx/factory';
import { writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import { tmpDir } from '../helpers/tmp';
import { writeWithExternalData } from './model-fixtures';
import { buildClipVisionModel } from '../../src/main/onnx/factory';

/**
 * Validation parses what it accepts: a file that exists but cannot be used (not JSON, a JSON without the field the
 * loader needs, a folder or an empty file where a model should be) is refused at import, naming the file (and
 * field), and the import writes nothing.
 */
describe('model import refuses files it could not use', () => {
  let t: ReturnType<typeof tmpDir>;
  const good = { clip: '', sd: '', vlm: '', classifier: '' };
  let n = 0;

  beforeAll(() => {
    t = tmpDir();
    good.clip = path.join(t.dir, 'clip');
    good.sd = path.join(t.dir, 'sd');
    good.vlm = path.join(t.dir, 'vlm');
    good.classifier = path.join(t.dir, 'classifier');
    writeTinyClip(good.clip);
    writeTinySdInpaint(good.sd);
    writeTinyVlm(good.vlm);
    writeTinyClassifier(good.classifier);
  });
  afterAll(() => t.cleanup());

  /** Breaks a fresh copy of a good folder, imports it with a copy into a project, and returns the one problem. */
  async function refused(role: ModelRole, src: string, breakIt: (dir: string) => void): Promise<ValidationProblem> {
    const dir = path.join(t.dir, `case-${n++}`);
    fs.cpSync(src, dir, { recursive: true });
    breakIt(dir);
    const projectModels = path.join(t.dir, `project-${n}`, 'models');
    fs.mkdirSync(projectModels, { recursive: true });
    let caught: unknown;
    try {
      await importModel({ role, source: dir, copyTo: path.join(projectModels, 'imported') });
    } catch (err) {
      caught = err;
    }
    expect(caught, 'the import should be refused with the validation report').toBeInstanceOf(ModelValidationError);
    // Nothing written: no model folder, no staging folder left behind.
    expect(fs.readdirSync(projectModels)).toEqual([]);
    const problems = (caught as ModelValidationError).report.problems;
    expect(problems).toHaveLength(1);
    return problems[0]!;
  }

  it('accepts the good folders (the fixtures carry what is now required)', async () => {
    for (const [role, dir] of [
      ['clip', good.clip],
      ['inpainting', good.sd],
      ['vlm', good.vlm],
      ['classifier', good.classifier],
    ] as const) {
      const { report } = await importModel({ role, source: dir });
      expect(report.problems, role).toEqual([]);
    }
  });

  it('refuses a tokenizer.json that is not JSON', async () => {
    const p = await refused('clip', good.clip, (dir) => fs.writeFileSync(path.join(dir, 'tokenizer.json'), '<html>rate limited</html>'));
    expect(p).toMatchObject({ code: 'bad-json', file: 'tokenizer.json' });
  });

  it('refuses a tokenizer.json without its model field, naming the field', async () => {
    for (const [role, src, file] of [
      ['clip', good.clip, 'tokenizer.json'],
      ['inpainting', good.sd, 'tokenizer/tokenizer.json'],
      ['vlm', good.vlm, 'tokenizer.json'],
    ] as const) {
      const p = await refused(role, src, (dir) => {
        const tok = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
        delete tok.model;
        fs.writeFileSync(path.join(dir, file), JSON.stringify(tok));
      });
      expect(p, role).toMatchObject({ code: 'missing-field', file, subject: 'field model', found: 'no such field' });
      expect(p.message).toMatch(new RegExp(`^${file.replace('/', '\\/')}: field model is missing`));
    }
    const wrongType = await refused('clip', good.clip, (dir) => fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({ version: '1.0', model: 'BPE' })));
    expect(wrongType).toMatchObject({ code: 'missing-field', file: 'tokenizer.json', subject: 'field model', found: 'a string' });
  });

  it('refuses a folder where an ONNX file should be', async () => {
    const p = await refused('clip', good.clip, (dir) => {
      fs.rmSync(path.join(dir, 'onnx/text_model.onnx'));
      fs.mkdirSync(path.join(dir, 'onnx/text_model.onnx'));
    });
    expect(p).toMatchObject({ code: 'not-a-file', file: 'onnx/text_model.onnx', found: 'a folder' });
    const cls = await refused('classifier', good.classifier, (dir) => {
      fs.rmSync(path.join(dir, 'model.onnx'));
      fs.mkdirSync(path.join(dir, 'model.onnx'));
    });
    expect(cls).toMatchObject({ code: 'not-a-file', file: 'model.onnx' });
  });

  it('refuses a zero-byte ONNX file, saying it is empty', async () => {
    const p = await refused('inpainting', good.sd, (dir) => fs.writeFileSync(path.join(dir, 'unet/model.onnx'), ''));
    expect(p).toMatchObject({ code: 'truncated-onnx', file: 'unet/model.onnx', found: '0 bytes' });
    expect(p.message).toContain('unet/model.onnx is empty (0 bytes)');
  });

  it('refuses a folder where external data should be', async () => {
    const p = await refused('clip', good.clip, (dir) => {
      writeWithExternalData(path.join(dir, 'onnx/vision_model.onnx'), buildClipVisionModel({ imageSize: 32, patchSize: 8, width: 16, heads: 2, layers: 1, projectionDim: 16 }));
      fs.rmSync(path.join(dir, 'onnx/vision_model.onnx_data'));
      fs.mkdirSync(path.join(dir, 'onnx/vision_model.onnx_data'));
    });
    expect(p).toMatchObject({ code: 'not-a-file', file: 'onnx/vision_model.onnx_data', found: 'a folder' });
  });

  it('refuses a config.json that is not JSON, is not an object, or is a folder', async () => {
    const notJson = await refused('clip', good.clip, (dir) => fs.writeFileSync(path.join(dir, 'config.json'), '{"model_type": "clip",'));
    expect(notJson).toMatchObject({ code: 'bad-json', file: 'config.json', expected: 'valid JSON' });
    const vlm = await refused('vlm', good.vlm, (dir) => fs.writeFileSync(path.join(dir, 'config.json'), 'not json'));
    expect(vlm).toMatchObject({ code: 'bad-json', file: 'config.json' });
    const array = await refused('clip', good.clip, (dir) => fs.writeFileSync(path.join(dir, 'config.json'), '[]'));
    expect(array).toMatchObject({ code: 'bad-json', file: 'config.json', expected: 'a JSON object', found: 'an array' });
    const folder = await refused('clip', good.clip, (dir) => {
      fs.rmSync(path.join(dir, 'config.json'));
      fs.mkdirSync(path.join(dir, 'config.json'));
    });
    expect(folder).toMatchObject({ code: 'not-a-file', file: 'config.json', found: 'a folder' });
    expect(folder.message).toContain('config.json is a folder, not a file');
  });
});
