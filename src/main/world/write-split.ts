import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { BACKGROUNDS, ELEMENTS, FAR_TEXTURES, IND_CLASS_NAMES, OBJECT_KINDS } from './catalogue';
import { WORLD_IMAGE_SIZE } from './scene';
import { SPLIT_NAMES, WORLD_SEED, worldSplit, type SplitName, type WorldImage } from './splits';

export const ManifestEntry = z.object({
  id: z.string(),
  file: z.string(),
  index: z.number().int().nonnegative(),
  seed: z.number().int().nonnegative(),
  kind: z.number().int().min(0).max(OBJECT_KINDS.length - 1).nullable(),
  kindName: z.string().nullable(),
  indClass: z.number().int().nonnegative().nullable(),
  background: z.enum(BACKGROUNDS).nullable(),
  elements: z.array(z.enum(ELEMENTS)).max(3),
  farTexture: z.enum(FAR_TEXTURES).nullable(),
  captions: z.array(z.string()).min(1),
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export const SplitManifest = z.object({
  world: z.literal('synood-world-v1'),
  split: z.enum(SPLIT_NAMES as [SplitName, ...SplitName[]]),
  worldSeed: z.number().int(),
  imageSize: z.number().int().positive(),
  indClassNames: z.array(z.string()),
  images: z.array(ManifestEntry),
});
export type SplitManifest = z.infer<typeof SplitManifest>;

export function manifestEntry(img: WorldImage): ManifestEntry {
  return {
    id: img.id,
    file: `${img.id}.png`,
    index: img.index,
    seed: img.seed,
    kind: img.kind,
    kindName: img.kind === null ? null : OBJECT_KINDS[img.kind]!.name,
    indClass: img.indClass,
    background: img.background,
    elements: img.elements,
    farTexture: img.farTexture,
    captions: img.captions,
  };
}

export function pngOf(pixels: Uint8Array, size = WORLD_IMAGE_SIZE): Promise<Buffer> {
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

/** Writes a split (or its first `count` images) to `<dir>/<id>.png` plus `<dir>/manifest.json`; returns the manifest. */
export async function writeSplit(dir: string, split: SplitName, opts: { count?: number; worldSeed?: number } = {}): Promise<SplitManifest> {
  mkdirSync(dir, { recursive: true });
  const images = worldSplit(split, opts);
  for (const img of images) writeFileSync(path.join(dir, `${img.id}.png`), await pngOf(img.pixels));
  const manifest: SplitManifest = {
    world: 'synood-world-v1',
    split,
    worldSeed: opts.worldSeed ?? WORLD_SEED,
    imageSize: WORLD_IMAGE_SIZE,
    indClassNames: [...IND_CLASS_NAMES],
    images: images.map(manifestEntry),
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export function readSplitManifest(dir: string): SplitManifest {
  const file = path.join(dir, 'manifest.json');
  const parsed = SplitManifest.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a world split manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** A grid of a split's first `cols × rows` images, enlarged `scale`× (nearest), as PNG: for looking at the world. */
export async function contactSheet(split: SplitName, cols: number, rows: number, scale = 3): Promise<Buffer> {
  const s = WORLD_IMAGE_SIZE;
  const w = cols * s;
  const h = rows * s;
  const buf = new Uint8Array(w * h * 3);
  worldSplit(split, { count: cols * rows }).forEach((img, i) => {
    const ox = (i % cols) * s;
    const oy = Math.floor(i / cols) * s;
    for (let y = 0; y < s; y++) buf.set(img.pixels.subarray(y * s * 3, (y + 1) * s * 3), ((oy + y) * w + ox) * 3);
  });
  return sharp(buf, { raw: { width: w, height: h, channels: 3 } }).resize(w * scale, h * scale, { kernel: 'nearest' }).png().toBuffer();
}
