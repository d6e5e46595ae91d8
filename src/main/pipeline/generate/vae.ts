import * as ort from 'onnxruntime-node';
import type { GaussianNoise } from './gaussian-noise';
import type { InpaintModels } from './inpaint-models';

/**
 * Scaled VAE latent of an image (NCHW, batch 1, [-1, 1]): latentScale·E(x). Exports that return the posterior
 * parameters (mean ‖ log-variance, 8 channels) give its mean, or — with `posterior` noise — a sample
 * mean + exp(logvar/2)·n as diffusers' DiagonalGaussianDistribution.sample (log-variance clamped to [−30, 20]),
 * which is what the official pipeline does (docs/METHOD.md §3). `latent_sample` exports give whatever their
 * graph computes.
 */
export async function encodeLatent(
  models: InpaintModels,
  image: Float32Array,
  height: number,
  width: number,
  posterior?: GaussianNoise,
): Promise<{ data: Float32Array; dims: number[] }> {
  const out = (await models.vaeEncoder.run({ sample: new ort.Tensor('float32', image, [1, 3, height, width]) }))[models.io.encoderOutput]!;
  const [n, c, h, w] = out.dims as number[];
  const parameters = models.io.encoderOutput !== 'latent_sample';
  const channels = parameters ? c! / 2 : c!;
  const src = out.data as Float32Array;
  const data = new Float32Array(n! * channels * h! * w!);
  // Batch is 1: the mean is the first half of the channel axis (a prefix of the buffer), the log-variance the rest.
  const noise = parameters && posterior ? posterior.normals(data.length) : null;
  for (let i = 0; i < data.length; i++) {
    let z = src[i]!;
    if (noise) z += Math.exp(0.5 * Math.min(20, Math.max(-30, src[data.length + i]!))) * noise[i]!;
    data[i] = z * models.io.latentScale;
  }
  return { data, dims: [n!, channels, h!, w!] };
}
