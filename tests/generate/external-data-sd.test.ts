// An SD-2-inpainting export whose ONNX files keep their weights in external data files (Optimum's
// `<part>/model.onnx` + `<part>/model.onnx_data`; the real SD-2 UNet, ~865M parameters, must, being over protobuf's
// 2 GB limit): imported, loaded, and run for one candidate. Reduced width (the factory's tiny SD-2 layout, 64×64).
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateModel } from '../../src/main/models';
import { loadModel, saveModel, TensorDataType } from '../../src/main/onnx';
import { writeTinyClassifier, writeTinySdInpaint } from '../../src/main/onnx/factory';
import { toFloat16 } from '../../src/main/onnx/factory/to-float16';
import { generateCandidate, loadGuidanceClassifier, loadInpaintModels, releaseGuidance, type GuidanceClassifier } from '../../src/main/pipeline/generate';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { writeWithExternalData } from '../models/model-fixtures';

const PARTS = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'];

describe('SD-2 inpainting with external data (model.onnx + model.onnx_data per part)', () => {
  let t: ReturnType<typeof tmpDir>;
  let inline: string;
  let external: string;
  let classifier: GuidanceClassifier;
  let source: string;

  beforeAll(async () => {
    t = tmpDir('synood-sd-external-');
    inline = join(t.dir, 'sd');
    external = join(t.dir, 'sd-external');
    writeTinySdInpaint(inline, { seed: 21 });
    fs.cpSync(inline, external, { recursive: true });
    for (const part of PARTS) {
      const file = join(external, part, 'model.onnx');
      // As onnx.save_model(save_as_external_data=True, size_threshold=1024) writes them: small shape constants stay inline
      // (onnxruntime's shape inference cannot read a Reshape's shape from external data).
      writeWithExternalData(file, loadModel(file), 'model.onnx_data', 1024);
    }
    classifier = loadGuidanceClassifier(writeTinyClassifier(join(t.dir, 'classifier.onnx'), { seed: 22, numClasses: 10 }));
    source = join(t.dir, 'source.png');
    await writeImage(source, 7, 40);
  });
  afterAll(() => t.cleanup());

  it('every part keeps its weights outside model.onnx, and the folder imports', () => {
    for (const part of PARTS) {
      const onnxBytes = fs.statSync(join(external, part, 'model.onnx')).size;
      const dataBytes = fs.statSync(join(external, part, 'model.onnx_data')).size;
      expect(dataBytes, part).toBeGreaterThan(onnxBytes);
      expect(fs.statSync(join(inline, part, 'model.onnx')).size, part).toBeGreaterThanOrEqual(dataBytes);
    }
    const r = validateModel('inpainting', external);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('generates one candidate, byte for byte the one of the same weights stored inline', async () => {
    const options = { image: source, prompt: 'A photo only remain bamboo, tourist, leaf.', width: 64, height: 64, steps: 4, objective: 'official' as const, seed: 1 };
    const images: Buffer[] = [];
    for (const dir of [inline, external]) {
      const models = await loadInpaintModels(dir, { providers: ['cpu'] });
      try {
        const c = await generateCandidate(models, classifier, options);
        expect(c.timesteps).toEqual([501, 251, 1]);
        images.push(Buffer.from(c.image.data));
      } finally {
        await releaseGuidance(models);
        await models.release();
      }
    }
    expect(images[1]!.length).toBe(64 * 64 * 3);
    expect(Buffer.compare(images[0]!, images[1]!)).toBe(0);
  });
});

describe('SD-2 inpainting in float16 (Optimum --fp16), inline and with external data', () => {
  let t: ReturnType<typeof tmpDir>;
  let fp32: string;
  let classifier: GuidanceClassifier;
  let source: string;

  beforeAll(async () => {
    t = tmpDir('synood-sd-fp16-');
    fp32 = join(t.dir, 'sd');
    writeTinySdInpaint(fp32, { seed: 21 });
    classifier = loadGuidanceClassifier(writeTinyClassifier(join(t.dir, 'classifier.onnx'), { seed: 22, numClasses: 10 }));
    source = join(t.dir, 'source.png');
    await writeImage(source, 7, 40);
  });
  afterAll(() => t.cleanup());

  /** A copy of the fp32 folder with every part converted to float16, optionally with external data. */
  function half(name: string, external: boolean): string {
    const dir = join(t.dir, name);
    fs.cpSync(fp32, dir, { recursive: true });
    for (const part of PARTS) {
      const file = join(dir, part, 'model.onnx');
      const model = toFloat16(loadModel(file));
      if (external) writeWithExternalData(file, model, 'model.onnx_data', 1024);
      else fs.writeFileSync(file, saveModel(model));
    }
    return dir;
  }

  const generate = async (dir: string): Promise<Uint8Array> => {
    const models = await loadInpaintModels(dir, { providers: ['cpu'] });
    try {
      const c = await generateCandidate(models, classifier, { image: source, prompt: 'A photo only remain bamboo, tourist, leaf.', width: 64, height: 64, steps: 4, objective: 'official', seed: 1 });
      expect(c.timesteps).toEqual([501, 251, 1]);
      return c.image.data;
    } finally {
      await releaseGuidance(models);
      await models.release();
    }
  };

  it('imports and generates one candidate, inline and with external data (the same image), near the float32 one', async () => {
    const inline = half('sd-fp16', false);
    const external = half('sd-fp16-external', true);
    for (const dir of [inline, external]) {
      expect(loadModel(join(dir, 'unet', 'model.onnx')).graph!.input!.find((i) => i.name === 'sample')!.type!.tensorType!.elemType).toBe(TensorDataType.FLOAT16);
      expect(validateModel('inpainting', dir).problems).toEqual([]);
    }
    const [a, b, full] = [await generate(inline), await generate(external), await generate(fp32)];
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    // float16 weights: another image, but close to the float32 one (mean |Δ| in 8-bit levels).
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - full[i]!);
    const mean = diff / a.length;
    console.info(`fp16 vs fp32 candidate: mean |Δ| ${mean.toFixed(3)} of 255`);
    expect(mean).toBeGreaterThan(0);
    expect(mean).toBeLessThan(8);
  });
});
