import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSession, vjp } from '../../src/main/onnx';
import { buildVaeDecoder, Rng, writeTinySdInpaint } from '../../src/main/onnx/factory';
import { pick } from '../helpers/session-outputs';

const ROOT = mkdtempSync(join(tmpdir(), 'factory-sd-'));
const DIR = join(ROOT, 'tiny-sd');

beforeAll(() => {
  writeTinySdInpaint(DIR, { seed: 5 });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function run(path: string, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const handle = await createSession(readFileSync(path), { providers: ['cpu'] });
  try {
    return await handle.run(feeds);
  } finally {
    await handle.release();
  }
}

function finiteRms(t: ort.Tensor): number {
  const v = t.data as Float32Array;
  let s = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) return NaN;
    s += x * x;
  }
  return Math.sqrt(s / v.length);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('tiny Stable-Diffusion-2-inpainting parts', () => {
  it('has the diffusers ONNX layout, a few MB, byte-identical for the same seed', () => {
    const files = listFiles(DIR);
    for (const f of ['model_index.json', 'scheduler/scheduler_config.json', 'text_encoder/model.onnx', 'unet/model.onnx', 'vae_encoder/model.onnx', 'vae_decoder/model.onnx', 'tokenizer/tokenizer.json', 'tokenizer/tokenizer_config.json']) {
      expect(files).toContain(f);
    }
    const total = files.reduce((n, f) => n + statSync(join(DIR, f)).size, 0);
    expect(total).toBeLessThan(5_000_000);
    const again = join(ROOT, 'again');
    writeTinySdInpaint(again, { seed: 5 });
    expect(listFiles(again)).toEqual(files);
    for (const f of files) expect(readFileSync(join(again, f)).equals(readFileSync(join(DIR, f))), f).toBe(true);
  });

  it('scheduler config carries the SD-2 inpainting PNDM settings', () => {
    const cfg = JSON.parse(readFileSync(join(DIR, 'scheduler/scheduler_config.json'), 'utf8'));
    expect(cfg).toMatchObject({
      _class_name: 'PNDMScheduler',
      beta_start: 0.00085,
      beta_end: 0.012,
      beta_schedule: 'scaled_linear',
      num_train_timesteps: 1000,
      steps_offset: 1,
      skip_prk_steps: true,
      set_alpha_to_one: false,
      prediction_type: 'epsilon',
    });
  });

  it('tokenizer pads to 77 with "!" (id 0) like SD-2, and the text encoder maps int32 ids to [N,77,C]', async () => {
    env.allowRemoteModels = false;
    env.localModelPath = ROOT;
    const tokenizer = await AutoTokenizer.from_pretrained('tiny-sd/tokenizer', { local_files_only: true });
    const { input_ids } = tokenizer(['a photo only remain bamboo.'], { padding: 'max_length', max_length: 77, truncation: true });
    const ids = Array.from(input_ids.data as BigInt64Array, Number);
    expect(ids).toHaveLength(77);
    const eos = ids.indexOf(Math.max(...ids));
    expect(ids.slice(eos + 1).every((id) => id === 0)).toBe(true);
    const out = pick(await run(join(DIR, 'text_encoder/model.onnx'), { input_ids: new ort.Tensor('int32', Int32Array.from(ids), [1, 77]) }), 'last_hidden_state', 'pooler_output');
    expect(out.last_hidden_state.dims).toEqual([1, 77, 32]);
    expect(out.pooler_output.dims).toEqual([1, 32]);
    expect(finiteRms(out.last_hidden_state)).toBeGreaterThan(0.1);
  });

  it('UNet, VAE encoder and decoder run with the pipeline tensor names and shapes', async () => {
    const rng = new Rng(9);
    const unet = pick(await run(join(DIR, 'unet/model.onnx'), {
      sample: new ort.Tensor('float32', rng.normalArray(2 * 9 * 8 * 8, 1), [2, 9, 8, 8]),
      timestep: new ort.Tensor('int64', BigInt64Array.from([601n]), [1]),
      encoder_hidden_states: new ort.Tensor('float32', rng.normalArray(2 * 77 * 32, 1), [2, 77, 32]),
    }), 'out_sample');
    expect(unet.out_sample.dims).toEqual([2, 4, 8, 8]);
    const image = new ort.Tensor('float32', rng.normalArray(3 * 64 * 64, 0.5), [1, 3, 64, 64]);
    // Optimum's current VaeEncoder layout: posterior mean ‖ log-variance along channels.
    const enc = pick(await run(join(DIR, 'vae_encoder/model.onnx'), { sample: image }), 'latent_parameters');
    expect(enc.latent_parameters.dims).toEqual([1, 8, 8, 8]);
    const mean = new ort.Tensor('float32', (enc.latent_parameters.data as Float32Array).slice(0, 4 * 64), [1, 4, 8, 8]);
    const dec = pick(await run(join(DIR, 'vae_decoder/model.onnx'), { latent_sample: mean }), 'sample');
    expect(dec.sample.dims).toEqual([1, 3, 64, 64]);
    for (const t of [unet.out_sample, mean, dec.sample]) {
      const rms = finiteRms(t);
      expect(rms).toBeGreaterThan(0.01);
      expect(rms).toBeLessThan(100);
    }
  });

  it('the VAE decoder is differentiable by vjp: <J^T u, d> matches a central finite difference', async () => {
    const model = buildVaeDecoder({ seed: 4 });
    const rng = new Rng(10);
    const z = rng.normalArray(4 * 8 * 8, 1);
    const d = rng.normalArray(z.length, 1);
    const u = rng.normalArray(3 * 64 * 64, 1);
    const zShape = [1, 4, 8, 8];
    const forward = await createSession(model, { providers: ['cpu'] });
    const backward = await createSession(vjp(model, { of: ['sample'], wrt: ['latent_sample'] }), { providers: ['cpu'] });
    const { grad_latent_sample } = pick(await backward.run({
      latent_sample: new ort.Tensor('float32', z, zShape),
      grad_sample: new ort.Tensor('float32', u, [1, 3, 64, 64]),
    }), 'grad_latent_sample');
    const h = 1e-2;
    const along = async (sign: number) => {
      const { sample } = pick(await forward.run({ latent_sample: new ort.Tensor('float32', z.map((v, i) => v + sign * h * d[i]!), zShape) }), 'sample');
      return dot(sample.data as Float32Array, u);
    };
    const numeric = ((await along(1)) - (await along(-1))) / (2 * h);
    const analytic = dot(grad_latent_sample.data as Float32Array, d);
    await forward.release();
    await backward.release();
    expect(Math.abs(numeric - analytic) / Math.abs(analytic)).toBeLessThan(1e-2);
  });
});
