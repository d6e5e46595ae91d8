import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '../random/mulberry32';

export type Painter = (x: number, y: number, size: number, r: () => number, p: Params) => [number, number, number];
interface Params {
  hue: number;
  phase: number;
  freq: number;
  cx: number;
  cy: number;
}

/**
 * In-distribution "classes": each a family of pictures with its own structure and palette, varied per image by a
 * seeded phase, frequency, centre and hue, so a classifier has something to learn and near-OOD has room to exist.
 */
export const IND_CLASSES: Record<string, Painter> = {
  rings: (x, y, s, _r, p) => {
    const d = Math.hypot(x - p.cx * s, y - p.cy * s);
    const v = 0.5 + 0.5 * Math.sin(d * p.freq + p.phase);
    return [200 * v + 30, 60 + 80 * p.hue, 220 - 150 * v];
  },
  stripes: (x, y, s, _r, p) => {
    const v = 0.5 + 0.5 * Math.sin(((x + y * 0.3) / s) * p.freq * 6 + p.phase);
    return [40 + 60 * p.hue, 180 * v + 40, 60];
  },
  checker: (x, y, s, _r, p) => {
    const k = Math.max(2, Math.round(p.freq));
    const v = (Math.floor((x / s) * k + p.phase) + Math.floor((y / s) * k)) % 2;
    return [v ? 230 : 30, v ? 210 : 40 + 40 * p.hue, 40];
  },
};

/** OOD sets: far (noise) and nearer (smooth blobs sharing InD palettes). */
export const OOD_SETS: Record<string, Painter> = {
  noise: (_x, _y, _s, r) => [255 * r(), 255 * r(), 255 * r()],
  blobs: (x, y, s, _r, p) => {
    const v = Math.exp(-((x / s - p.cx) ** 2 + (y / s - p.cy) ** 2) * 8 * p.freq);
    return [90 + 120 * v, 90 + 120 * v * p.hue, 160 - 60 * v];
  },
};

export async function paint(file: string, painter: Painter, seed: number, size: number): Promise<void> {
  const r = mulberry32(seed);
  const p: Params = { hue: r(), phase: r() * 6.28, freq: 2 + r() * 4, cx: 0.3 + 0.4 * r(), cy: 0.3 + 0.4 * r() };
  const px = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const [a, b, c] = painter(x, y, size, r, p);
      const o = (y * size + x) * 3;
      px[o] = Math.max(0, Math.min(255, a + (r() - 0.5) * 20));
      px[o + 1] = Math.max(0, Math.min(255, b + (r() - 0.5) * 20));
      px[o + 2] = Math.max(0, Math.min(255, c + (r() - 0.5) * 20));
    }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(px, { raw: { width: size, height: size, channels: 3 } }).png().toFile(file);
}

export interface DemoData {
  indTrain: string;
  indTest: string;
  ood: Record<string, string>;
}

/** Writes the demo's ImageFolder trees: InD train/test per class, and one flat folder per OOD set. */
export async function writeDemoData(root: string, opts: { trainPerClass: number; testPerClass: number; oodPerSet: number; size: number }): Promise<DemoData> {
  const out: DemoData = { indTrain: path.join(root, 'ind-train'), indTest: path.join(root, 'ind-test'), ood: {} };
  let seed = 1;
  for (const [name, painter] of Object.entries(IND_CLASSES)) {
    for (let i = 0; i < opts.trainPerClass; i++) await paint(path.join(out.indTrain, name, `${name}_${i}.png`), painter, seed++, opts.size);
    for (let i = 0; i < opts.testPerClass; i++) await paint(path.join(out.indTest, name, `${name}_${i}.png`), painter, 10_000 + seed++, opts.size);
  }
  for (const [name, painter] of Object.entries(OOD_SETS)) {
    out.ood[name] = path.join(root, `ood-${name}`);
    for (let i = 0; i < opts.oodPerSet; i++) await paint(path.join(out.ood[name]!, `${name}_${i}.png`), painter, 20_000 + seed++, opts.size);
  }
  return out;
}
