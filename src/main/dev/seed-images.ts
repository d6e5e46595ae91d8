import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** Thumbnails match the importer's: 160 px JPEG. */
const THUMB = 160;

/**
 * A procedural picture: a smooth two-colour field with a blob whose place and hue depend on the seed, so
 * thumbnails in a grid are told apart at a glance. `noise` mimics how far a diffusion iteration has drifted.
 */
function pixels(seed: number, size: number, hue: number, noise: number): Buffer {
  const px = Buffer.alloc(size * size * 3);
  const cx = ((seed * 37) % 100) / 100;
  const cy = ((seed * 61) % 100) / 100;
  const [r0, g0, b0] = [Math.sin(hue) * 90 + 120, Math.sin(hue + 2.1) * 90 + 120, Math.sin(hue + 4.2) * 90 + 120];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const u = x / size;
      const v = y / size;
      const d = Math.hypot(u - cx * 0.6 - 0.2, v - cy * 0.6 - 0.2);
      const blob = d < 0.22 ? 1 : 0;
      const jitter = noise ? (((x * 7919 + y * 104729 + seed * 31) % 97) / 97 - 0.5) * noise * 160 : 0;
      const o = (y * size + x) * 3;
      px[o] = Math.max(0, Math.min(255, (blob ? 255 - r0 : r0 * (0.6 + 0.4 * v)) + jitter));
      px[o + 1] = Math.max(0, Math.min(255, (blob ? 255 - g0 : g0 * (0.6 + 0.4 * u)) + jitter));
      px[o + 2] = Math.max(0, Math.min(255, (blob ? 200 : b0) + jitter));
    }
  return px;
}

export async function writePicture(root: string, rel: string, seed: number, size: number, hue: number, noise = 0, format: 'png' | 'jpeg' = 'png'): Promise<number> {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp(pixels(seed, size, hue, noise), { raw: { width: size, height: size, channels: 3 } });
  await (format === 'png' ? img.png() : img.jpeg({ quality: 85 })).toFile(file);
  return fs.statSync(file).size;
}

export async function writeThumb(root: string, fromRel: string, thumbRel: string): Promise<void> {
  const file = path.join(root, thumbRel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(path.join(root, fromRel)).resize(THUMB, THUMB, { fit: 'inside' }).jpeg({ quality: 80 }).toFile(file);
}
