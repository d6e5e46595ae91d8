import * as ort from 'onnxruntime-node';
import type { InpaintConditioning } from './inpaint-conditioning';
import type { InpaintModels } from './inpaint-models';
import type { GuidanceConditioning, PromptEmbedding } from './text-conditioning';

/**
 * One classifier-free-guided noise prediction: ε_u + g·(ε_c − ε_u). The unconditional and conditional
 * halves go through the UNet as one batch of 2 (diffusers' order: negative prompt first) unless the export
 * fixes its batch to 1; guidance ≤ 1 runs the conditional half alone, as diffusers does.
 */
export async function guidedNoisePrediction(
  models: InpaintModels,
  latent: Float32Array,
  timestep: number,
  text: GuidanceConditioning,
  inpaint: InpaintConditioning,
  guidanceScale: number,
): Promise<Float32Array> {
  // concat(latent 4, mask 1, masked-image latent 4) along channels; batch 1 is a plain concatenation.
  const sample = concat([latent, inpaint.mask, inpaint.maskedImageLatent]);
  const [, , h, w] = inpaint.latentDims as [number, number, number, number];
  const run = (batch: number, s: Float32Array, emb: PromptEmbedding) => runUnet(models, s, [batch, 9, h, w], timestep, emb);
  if (guidanceScale <= 1) return run(1, sample, text.cond);
  if (models.io.unetBatchesGuidance) {
    const both = await run(2, concat([sample, sample]), {
      data: concat([text.uncond.data, text.cond.data]),
      dims: [2, ...text.cond.dims.slice(1)],
    });
    const half = both.length / 2;
    return combine(both.subarray(0, half), both.subarray(half), guidanceScale);
  }
  return combine(await run(1, sample, text.uncond), await run(1, sample, text.cond), guidanceScale);
}

async function runUnet(models: InpaintModels, sample: Float32Array, dims: number[], timestep: number, text: PromptEmbedding): Promise<Float32Array> {
  const out = await models.unet.run({
    sample: new ort.Tensor('float32', sample, dims),
    timestep: timestepTensor(models, timestep),
    encoder_hidden_states: new ort.Tensor('float32', text.data, text.dims),
  });
  return out[models.io.unetOutput]!.data as Float32Array;
}

function timestepTensor(models: InpaintModels, t: number): ort.Tensor {
  const dims = models.io.timestepRank === 0 ? [] : [1];
  return models.io.timestepType === 'int64' ? new ort.Tensor('int64', BigInt64Array.of(BigInt(t)), dims) : new ort.Tensor('float32', Float32Array.of(t), dims);
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function combine(uncond: Float32Array, cond: Float32Array, scale: number): Float32Array {
  const out = new Float32Array(uncond.length);
  for (let i = 0; i < out.length; i++) out[i] = uncond[i]! + scale * (cond[i]! - uncond[i]!);
  return out;
}
