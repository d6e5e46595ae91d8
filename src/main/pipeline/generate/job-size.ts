import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** SD-2-inpainting's size, and what a folder that states none gets (the official code resizes to 512×512). */
export const DEFAULT_DIFFUSION_SIZE = 512;

function readJson(file: string): Record<string, unknown> | null {
  if (!existsSync(file)) return null;
  const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
}

const positiveInt = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);

/**
 * The pixel size a diffusers export was trained at: the VAE config's `sample_size` (pixels), else the UNet's
 * `sample_size` (latents) times the VAE's downsampling 2^(levels−1) (8 for SD). A tiny test model is small,
 * a real SD-2 export gives 512.
 */
export function naturalDiffusionSize(dir: string): number {
  for (const rel of ['vae_decoder/config.json', 'vae_encoder/config.json']) {
    const size = positiveInt(readJson(join(dir, rel))?.sample_size);
    if (size !== null) return size;
  }
  const latent = positiveInt(readJson(join(dir, 'unet/config.json'))?.sample_size);
  if (latent !== null) {
    const levels = readJson(join(dir, 'vae_decoder/config.json'))?.block_out_channels;
    const factor = Array.isArray(levels) && levels.length > 0 ? 2 ** (levels.length - 1) : 8;
    return latent * factor;
  }
  return DEFAULT_DIFFUSION_SIZE;
}
