import { GraphBuilder, type ModelProto } from '../onnx';
import { WORLD_IMAGE_SIZE } from './scene';

/**
 * The world's stand-in for a VAE until one is trained: a fixed linear latent map in the SD layout (4 latent
 * channels, decoder input `latent_sample`, output in [−1, 1]) at a 2× downsampling, not SD's 8×: at 64×64 an 8×
 * map leaves 8×8 blobs in which no silhouette survives, so a classifier could not be confident on any decode and
 * a guidance test would measure nothing.
 * - Diffusion latent z (what ε and z0 live in): 2×2 means of 2·x − 1 in channels 0–2, channel 3 = 0.
 * - Decoder input u = z / LATENT_SCALE, SD's convention (u = z0 / 0.18215, the variable the official code
 *   differentiates), with SD's factor, so a step taken in z-space moves the decode by as much per unit of r as in SD.
 * - Decoder: rgb_c = LATENT_SCALE·(u_c + ¼·u_3) (1×1 conv), then bilinear 2× upsampling (ONNX Resize, half_pixel,
 *   which the engine differentiates). decode(encode(x)) is x slightly blurred.
 */
export const LATENT_SCALE = 0.18215;
export const LATENT_FACTOR = 2;
export const LATENT_CHANNELS = 4;
export const LATENT_SIDE = WORLD_IMAGE_SIZE / LATENT_FACTOR;
export const LATENT_DIMS = [1, LATENT_CHANNELS, LATENT_SIDE, LATENT_SIDE];

/** Decoded images (RGB bytes) whose training index i has i mod 20 ≥ 10: half of every class (classes cycle with period 10). */
export function isDecodeAugmented(index: number): boolean {
  return index % 20 >= 10;
}

/**
 * decode(encode(x)) computed here, for training the classifier on what the guidance graph shows it: 2×2 means, then
 * bilinear 2× upsampling with half-pixel centres and edge clamping (ONNX Resize linear/half_pixel); channel 3 is 0
 * after encoding, so the 1×1 mix is the identity on RGB.
 */
export function latentRoundTrip(pixels: Uint8Array): Uint8Array {
  const s = WORLD_IMAGE_SIZE;
  const side = LATENT_SIDE;
  const u = encodeWorldDiffusionLatent(pixels);
  const out = new Uint8Array(pixels.length);
  const coord = (d: number) => {
    const src = Math.min(side - 1, Math.max(0, (d + 0.5) / LATENT_FACTOR - 0.5));
    const i0 = Math.floor(src);
    return { i0, i1: Math.min(side - 1, i0 + 1), f: src - i0 };
  };
  for (let y = 0; y < s; y++) {
    const cy = coord(y);
    for (let x = 0; x < s; x++) {
      const cx = coord(x);
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => u[(c * side + yy) * side + xx]!;
        const top = at(cy.i0, cx.i0) * (1 - cx.f) + at(cy.i0, cx.i1) * cx.f;
        const bottom = at(cy.i1, cx.i0) * (1 - cx.f) + at(cy.i1, cx.i1) * cx.f;
        const v = top * (1 - cy.f) + bottom * cy.f;
        out[(y * s + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(((v + 1) / 2) * 255)));
      }
    }
  }
  return out;
}

export function buildLatentDecoder(): ModelProto {
  const b = new GraphBuilder({ opset: 17, name: 'world_latent_decoder' });
  b.input('latent_sample', 'float32', LATENT_DIMS);
  const w = new Float32Array(3 * LATENT_CHANNELS);
  for (let c = 0; c < 3; c++) {
    w[c * LATENT_CHANNELS + c] = LATENT_SCALE;
    w[c * LATENT_CHANNELS + 3] = 0.25 * LATENT_SCALE;
  }
  const mixed = b.op('Conv', ['latent_sample', b.initializer('decoder.mix.weight', w, [3, LATENT_CHANNELS, 1, 1])], { kernel_shape: [1, 1] });
  b.node('Resize', [mixed, '', b.constF32([1, 1, LATENT_FACTOR, LATENT_FACTOR])], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }, { outputs: ['sample'] });
  b.output('sample', 'float32', [1, 3, WORLD_IMAGE_SIZE, WORLD_IMAGE_SIZE]);
  return b.build();
}

/** RGB bytes (HWC, WORLD_IMAGE_SIZE²) → the decoder input u = z / LATENT_SCALE, [1, 4, side, side]. */
export function encodeWorldLatent(pixels: Uint8Array): Float32Array {
  return encodeWorldDiffusionLatent(pixels).map((v) => v / LATENT_SCALE);
}

/** RGB bytes → the diffusion latent z [1, 4, side, side] (2×2 means of 2·x − 1; channel 3 = 0). */
export function encodeWorldDiffusionLatent(pixels: Uint8Array): Float32Array {
  const s = WORLD_IMAGE_SIZE;
  const side = LATENT_SIDE;
  const u = new Float32Array(LATENT_CHANNELS * side * side);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        let sum = 0;
        for (let dy = 0; dy < LATENT_FACTOR; dy++) for (let dx = 0; dx < LATENT_FACTOR; dx++) sum += pixels[((y * LATENT_FACTOR + dy) * s + x * LATENT_FACTOR + dx) * 3 + c]!;
        u[(c * side + y) * side + x] = (2 * sum) / (255 * LATENT_FACTOR * LATENT_FACTOR) - 1;
      }
    }
  }
  return u;
}
