import sharp from 'sharp';

/** An 8-bit RGB image, rows top to bottom, pixels interleaved (HWC). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The diffusion input: decoded, resized to width×height WITHOUT keeping the aspect ratio (as the official code
 * resizes to 512×512), mapped to [-1, 1], NCHW with batch 1. Lanczos3 matches diffusers' PIL lanczos default.
 */
export async function loadImageForDiffusion(source: string | Buffer, width: number, height: number): Promise<Float32Array> {
  const { data, info } = await sharp(source)
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 colour channels after conversion, got ${info.channels}`);
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) out[c * plane + p] = data[p * 3 + c]! / 127.5 - 1;
  }
  return out;
}

/** A [0, 1] image (NCHW, batch 1) to 8-bit RGB, ·255 and rounded as diffusers' numpy_to_pil. */
export function unitImageToRgb(x: Float32Array, width: number, height: number): RgbImage {
  const plane = width * height;
  if (x.length !== 3 * plane) throw new Error(`image has ${x.length} values, expected 3×${height}×${width}`);
  const data = new Uint8Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.round(Math.min(1, Math.max(0, x[c * plane + p]!)) * 255);
  }
  return { width, height, data };
}

export async function encodePng(image: RgbImage): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .png()
    .toBuffer();
}
