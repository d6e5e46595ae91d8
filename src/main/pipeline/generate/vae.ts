import * as ort from 'onnxruntime-node';
import type { InpaintModels } from './inpaint-models';

/**
 * Scaled VAE latent of an image (NCHW, batch 1, [-1, 1]): latentScale·E(x). Exports that return the
 * posterior parameters (mean ‖ log-variance, 8 channels) give their mean: deterministic, so the same seed
 * gives the same image; `latent_sample` exports give whatever their graph computes.
 */
export async function encodeLatent(models: InpaintModels, image: Float32Array, height: number, width: number): Promise<{ data: Float32Array; dims: number[] }> {
  const out = (await models.vaeEncoder.run({ sample: new ort.Tensor('float32', image, [1, 3, height, width]) }))[models.io.encoderOutput]!;
  const [n, c, h, w] = out.dims as number[];
  const channels = models.io.encoderOutput === 'latent_sample' ? c! : c! / 2;
  const src = out.data as Float32Array;
  const data = new Float32Array(n! * channels * h! * w!);
  // The mean is the first half of the channel axis; batch is 1, so it is a prefix of the buffer.
  for (let i = 0; i < data.length; i++) data[i] = src[i]! * models.io.latentScale;
  return { data, dims: [n!, channels, h!, w!] };
}
