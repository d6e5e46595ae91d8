import sharp from 'sharp';

/**
 * The two CLIP preprocessings the studio offers. Both: resize the shorter side to `size`, center-crop
 * size×size, scale to [0,1], normalise with CLIP's mean/std (or the folder's own), layout CHW.
 *  - 'clip': OpenAI CLIP's own `_transform` (torchvision Resize(size, BICUBIC)). sharp's 'cubic' kernel is
 *    Catmull-Rom, the same cubic (a = −0.5) PIL's BICUBIC uses.
 *  - 'neglabel': NegLabel's `Resize(224, BILINEAR)`; sharp's 'linear' kernel is the triangle filter PIL's
 *    BILINEAR uses.
 * Like PIL, libvips widens the kernel by the shrink factor when reducing (antialiasing). Known differences
 * from PIL: libvips may box-shrink first for large reductions and rounds differently, so pixel values can
 * differ by a few 1/255 steps (decoding to raw pixels first also rules out JPEG shrink-on-load). EXIF
 * orientation is ignored, as PIL's Image.open ignores it. Crop offsets follow torchvision's CenterCrop (Python round, half to even).
 */
export type ClipPreprocessing = 'clip' | 'neglabel';

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/**
 * Per-channel mean/std applied after scaling to [0,1]. CLIP's by default; a folder whose preprocessor_config.json
 * names others (a tower trained with ImageNet's, say) is fed with those, or its features would be off.
 */
export interface ChannelNormalisation {
  mean: readonly number[];
  std: readonly number[];
}

export const CLIP_NORMALISATION: ChannelNormalisation = { mean: CLIP_MEAN, std: CLIP_STD };

const KERNEL: Record<ClipPreprocessing, 'cubic' | 'linear'> = { clip: 'cubic', neglabel: 'linear' };

function isClipNormalisation(n: ChannelNormalisation): boolean {
  return n.mean.every((m, c) => m === CLIP_MEAN[c]) && n.std.every((s, c) => s === CLIP_STD[c]);
}

/** The cache key part that names the preprocessing (unchanged for CLIP's normalisation, so old caches stay valid). */
export function preprocessingKey(prep: ClipPreprocessing, size: number, norm: ChannelNormalisation = CLIP_NORMALISATION): string {
  const base = `${prep}-${KERNEL[prep]}-${size}`;
  return isClipNormalisation(norm) ? base : `${base}-mean${norm.mean.join(',')}-std${norm.std.join(',')}`;
}

/** image_mean/image_std of a preprocessor_config.json object, when both are three numbers; else CLIP's. */
export function normalisationOf(preprocessorConfig: unknown): ChannelNormalisation {
  const c = (preprocessorConfig ?? {}) as { image_mean?: unknown; image_std?: unknown };
  const three = (v: unknown): v is number[] => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (three(c.image_mean) && three(c.image_std) && c.image_std.every((s) => s > 0)) return { mean: c.image_mean, std: c.image_std };
  return CLIP_NORMALISATION;
}

/** Python 3's round(): halves go to the even neighbour. */
function pythonRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** torchvision Resize(int): the shorter side becomes `size`, the longer `int(size·long/short)`. */
export function resizedShape(width: number, height: number, size: number): { width: number; height: number } {
  if (width <= height) return { width: size, height: Math.floor((size * height) / width) };
  return { width: Math.floor((size * width) / height), height: size };
}

/**
 * Decodes to 8-bit sRGB with the alpha channel dropped (PIL's convert('RGB')). This is a separate pass
 * because sharp premultiplies alpha around a resize, which would darken semi-transparent pixels.
 */
async function decodeRgb(image: string | Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image, { failOn: 'error' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion to RGB, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

/** Writes one image as CHW float32 into `out` at `offset` (3·size·size values). */
export async function preprocessInto(
  image: string | Buffer,
  prep: ClipPreprocessing,
  size: number,
  out: Float32Array,
  offset: number,
  norm: ChannelNormalisation = CLIP_NORMALISATION,
): Promise<void> {
  const rgb = await decodeRgb(image);
  const r = resizedShape(rgb.width, rgb.height, size);
  const left = pythonRound((r.width - size) / 2);
  const top = pythonRound((r.height - size) / 2);
  const data = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize(r.width, r.height, { fit: 'fill', kernel: KERNEL[prep] })
    .extract({ left, top, width: size, height: size })
    .raw()
    .toBuffer();
  const plane = size * size;
  for (let c = 0; c < 3; c++) {
    const mean = norm.mean[c]!;
    const std = norm.std[c]!;
    const base = offset + c * plane;
    for (let p = 0; p < plane; p++) out[base + p] = (data[p * 3 + c]! / 255 - mean) / std;
  }
}
