import { GraphBuilder, type ModelProto } from '../../onnx';
import { LATENT_CHANNELS, LATENT_DIMS, LATENT_FACTOR, LATENT_SCALE } from '../latent-map';
import { WORLD_IMAGE_SIZE } from '../scene';

/**
 * The latent map's encoder in the SD I/O names: `sample` [1,3,64,64] in [−1, 1] → `latent_sample` [1,4,32,32] =
 * u = z / LATENT_SCALE, where z holds the 2×2 means of the image in channels 0–2 and 0 in channel 3 (latent-map.ts).
 * The pipeline multiplies by the config's scaling_factor (LATENT_SCALE), so it works with z, the diffusion latent.
 * One 2×2 stride-2 Conv does the pooling, the channel padding and the scaling at once.
 */
export function buildLatentEncoder(): ModelProto {
  const b = new GraphBuilder({ opset: 17, name: 'world_latent_encoder' });
  b.input('sample', 'float32', [1, 3, WORLD_IMAGE_SIZE, WORLD_IMAGE_SIZE]);
  const k = LATENT_FACTOR;
  const w = new Float32Array(LATENT_CHANNELS * 3 * k * k);
  for (let c = 0; c < 3; c++) for (let i = 0; i < k * k; i++) w[(c * 3 + c) * k * k + i] = 1 / (k * k * LATENT_SCALE);
  const weight = b.initializer('encoder.pool.weight', w, [LATENT_CHANNELS, 3, k, k]);
  b.node('Conv', ['sample', weight], { kernel_shape: [k, k], strides: [k, k] }, { outputs: ['latent_sample'] });
  b.output('latent_sample', 'float32', LATENT_DIMS);
  return b.build();
}
