import type { GaussianNoise } from './gaussian-noise';
import type { InpaintModels } from './inpaint-models';
import { encodeLatent } from './vae';

/** The two extra UNet inputs of an inpainting model, at latent resolution. */
export interface InpaintConditioning {
  /** [1, 1, h, w]: 1 where the model repaints. */
  mask: Float32Array;
  /** [1, 4, h, w]: scaled latent of image·(mask < 0.5). */
  maskedImageLatent: Float32Array;
  /** [1, 4, h, w]. */
  latentDims: number[];
}

/**
 * Builds the mask and masked-image latent as diffusers' inpaint pipeline does: the pixel mask is binarised
 * at 0.5, the masked image keeps pixels where mask < 0.5, and the mask is shrunk to latent size by nearest
 * neighbour (F.interpolate's default). `pixelMask` absent = all ones, the official setting: the masked image
 * is then all zeros (mid-grey) and the source reaches the model only through the noisy start latent.
 */
export async function prepareInpaintConditioning(
  models: InpaintModels,
  image: Float32Array | null,
  height: number,
  width: number,
  pixelMask?: Float32Array,
  /** The posterior sample's noise, when the VAE latent is sampled (diffusers samples this latent too). */
  posterior?: GaussianNoise,
): Promise<InpaintConditioning> {
  const plane = height * width;
  if (pixelMask && pixelMask.length !== plane) throw new Error(`mask has ${pixelMask.length} values, expected ${height}×${width}`);
  if (pixelMask && !image) throw new Error('a partial mask needs a source image');
  const masked = new Float32Array(3 * plane);
  if (image && pixelMask) {
    for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) masked[c * plane + p] = pixelMask[p]! >= 0.5 ? 0 : image[c * plane + p]!;
  }
  const latent = await encodeLatent(models, masked, height, width, posterior);
  const [, , h, w] = latent.dims as [number, number, number, number];
  const mask = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!pixelMask) {
        mask[y * w + x] = 1;
        continue;
      }
      const sy = Math.floor((y * height) / h);
      const sx = Math.floor((x * width) / w);
      mask[y * w + x] = pixelMask[sy * width + sx]! >= 0.5 ? 1 : 0;
    }
  }
  return { mask, maskedImageLatent: latent.data, latentDims: latent.dims };
}
