import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphBuilder, saveModel } from '../../src/main/onnx';
import { buildTinyClassifier, writeTinySdInpaint } from '../../src/main/onnx/factory';
import { GaussianNoise } from '../../src/main/pipeline/generate/gaussian-noise';
import { encodeLatent, generateCandidate, loadGuidanceClassifier, loadInpaintModels, releaseGuidance } from '../../src/main/pipeline/generate';
import { tmpDir } from '../helpers/tmp';

/** A stand-in model file with the given float inputs (Identity of the first one). */
function modelWithInputs(inputs: { name: string; shape: (number | string)[]; type?: 'float32' | 'int64' | 'int32' }[]): Uint8Array {
  const b = new GraphBuilder();
  for (const i of inputs) b.input(i.name, i.type ?? 'float32', i.shape);
  b.node('Identity', [inputs[0]!.name], {}, { outputs: ['out_sample'] });
  b.output('out_sample', inputs[0]!.type ?? 'float32');
  return saveModel(b.build());
}

describe('loadInpaintModels refuses a bad folder before any work', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tmpDir('synood-sd-folder-'));
    writeTinySdInpaint(dir, { seed: 5 });
  });
  afterEach(() => cleanup());

  it('loads the factory folder and reads how to feed it', async () => {
    const models = await loadInpaintModels(dir, { providers: ['cpu'] });
    try {
      expect(models.io.inputIdsType).toBe('int32');
      expect(models.io.timestepType).toBe('int64');
      expect(models.io.textLength).toBe(77);
      expect(models.io.latentScale).toBeCloseTo(0.18215, 6);
      expect(models.scheduler.declaredKind).toBe('pndm');
    } finally {
      await models.release();
    }
  });

  it('feeds a float timestep to a legacy-script export (diffusers\' own ONNX converter)', async () => {
    writeTinySdInpaint(dir, { seed: 5, unet: { timestepType: 'float32' } });
    const models = await loadInpaintModels(dir, { providers: ['cpu'] });
    try {
      expect(models.io.timestepType).toBe('float32');
      const classifier = loadGuidanceClassifier(buildTinyClassifier({ seed: 6 }));
      const c = await generateCandidate(models, classifier, { prompt: 'bamboo', objective: 'neg-text2img', width: 64, height: 64, steps: 2, seed: 1 });
      expect(c.image.data).toHaveLength(64 * 64 * 3);
    } finally {
      await releaseGuidance(models);
      await models.release();
    }
  });

  it('a UNet export with its batch fixed to 1 gets the two guidance halves as two calls, same image', async () => {
    const classifier = loadGuidanceClassifier(buildTinyClassifier({ seed: 6 }));
    const options = { prompt: 'bamboo', objective: 'neg-text2img' as const, width: 64, height: 64, steps: 2, seed: 1 };
    const batched = await loadInpaintModels(dir, { providers: ['cpu'] });
    const a = await generateCandidate(batched, classifier, options);
    await releaseGuidance(batched);
    await batched.release();
    writeTinySdInpaint(dir, { seed: 5, unet: { batch: 1 } });
    const single = await loadInpaintModels(dir, { providers: ['cpu'] });
    try {
      expect(single.io.unetBatchesGuidance).toBe(false);
      const b = await generateCandidate(single, classifier, options);
      expect(b.timings.unetCalls).toBe(2 * a.timings.unetCalls);
      let maxDiff = 0;
      b.image.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - a.image.data[i]!))));
      expect(maxDiff).toBeLessThanOrEqual(1);
    } finally {
      await releaseGuidance(single);
      await single.release();
    }
  });

  it('takes the posterior mean from a `latent_parameters` encoder (mean ‖ log-variance channels)', async () => {
    // sample [1,3,64,64] → 8×8 average pool → 1×1 conv to 8 channels: channel k = w_k · pooled RGB.
    const w = Float32Array.from({ length: 8 * 3 }, (_, i) => ((i * 7) % 5) - 2);
    const b = new GraphBuilder();
    b.input('sample', 'float32', [1, 3, 64, 64]);
    const pooled = b.op('AveragePool', ['sample'], { kernel_shape: [8, 8], strides: [8, 8] });
    b.node('Conv', [pooled, b.initializer('w', w, [8, 3, 1, 1])], {}, { outputs: ['latent_parameters'] });
    b.output('latent_parameters', 'float32', [1, 8, 8, 8]);
    writeFileSync(join(dir, 'vae_encoder/model.onnx'), saveModel(b.build()));
    const models = await loadInpaintModels(dir, { providers: ['cpu'] });
    try {
      expect(models.io.encoderOutput).toBe('latent_parameters');
      // A flat image of value v pools to v everywhere: mean channel k = v·Σ_c w[k,c], scaled by 0.18215.
      const image = new Float32Array(3 * 64 * 64).fill(0.5);
      const latent = await encodeLatent(models, image, 64, 64);
      expect(latent.dims).toEqual([1, 4, 8, 8]);
      for (let k = 0; k < 4; k++) {
        const expected = 0.18215 * 0.5 * (w[3 * k]! + w[3 * k + 1]! + w[3 * k + 2]!);
        expect(latent.data[k * 64 + 13]).toBeCloseTo(expected, 5);
      }
      // A posterior sample is mean + exp(logvar/2)·n with n from the given stream, then scaled.
      const n = new GaussianNoise(77).normals(4 * 64);
      const sampled = await encodeLatent(models, image, 64, 64, new GaussianNoise(77));
      for (let k = 0; k < 4; k++) {
        const mean = 0.5 * (w[3 * k]! + w[3 * k + 1]! + w[3 * k + 2]!);
        const logvar = 0.5 * (w[3 * (k + 4)]! + w[3 * (k + 4) + 1]! + w[3 * (k + 4) + 2]!);
        expect(sampled.data[k * 64 + 13]).toBeCloseTo(0.18215 * (mean + Math.exp(logvar / 2) * n[k * 64 + 13]!), 5);
      }
    } finally {
      await models.release();
    }
  });

  for (const file of ['unet/model.onnx', 'vae_decoder/model.onnx', 'tokenizer/tokenizer.json', 'scheduler/scheduler_config.json']) {
    it(`names the missing file ${file}`, async () => {
      rmSync(join(dir, file));
      await expect(loadInpaintModels(dir, { providers: ['cpu'] })).rejects.toThrow(new RegExp(`^${file.replace('.', '\\.')}: missing`));
    });
  }

  it('names the file and the input when an input is renamed', async () => {
    writeFileSync(join(dir, 'text_encoder/model.onnx'), modelWithInputs([{ name: 'ids', shape: [1, 77], type: 'int64' }]));
    await expect(loadInpaintModels(dir, { providers: ['cpu'] })).rejects.toThrow(/text_encoder\/model\.onnx: missing input "input_ids"/);
  });

  it('names the file and the input when a rank is wrong', async () => {
    writeFileSync(
      join(dir, 'unet/model.onnx'),
      modelWithInputs([
        { name: 'sample', shape: [2, 9, 64] },
        { name: 'timestep', shape: [1], type: 'int64' },
        { name: 'encoder_hidden_states', shape: [2, 77, 32] },
      ]),
    );
    await expect(loadInpaintModels(dir, { providers: ['cpu'] })).rejects.toThrow(/unet\/model\.onnx: input "sample" has rank 3, expected 4/);
  });

  it('refuses a text-to-image UNet (4 input channels instead of 9)', async () => {
    writeFileSync(
      join(dir, 'unet/model.onnx'),
      modelWithInputs([
        { name: 'sample', shape: ['batch', 4, 8, 8] },
        { name: 'timestep', shape: [1], type: 'int64' },
        { name: 'encoder_hidden_states', shape: ['batch', 77, 32] },
      ]),
    );
    await expect(loadInpaintModels(dir, { providers: ['cpu'] })).rejects.toThrow(/unet\/model\.onnx: input "sample" has channel count .* 4 at axis 1, expected 9/);
  });

  it('refuses a scheduler it does not implement faithfully', async () => {
    writeFileSync(join(dir, 'scheduler/scheduler_config.json'), JSON.stringify({ _class_name: 'PNDMScheduler', beta_schedule: 'squaredcos_cap_v2' }));
    await expect(loadInpaintModels(dir, { providers: ['cpu'] })).rejects.toThrow(/scheduler_config\.json: unsupported scheduler configuration/);
  });
});
