import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BACKGROUNDS,
  COLOUR_NAMES,
  ELEMENTS,
  IND_KIND_INDICES,
  NEAR_OOD_KIND_INDICES,
  negativeVocabulary,
  OBJECT_KINDS,
  readSplitManifest,
  SHAPES,
  SPLITS,
  TEXTURES,
  WORLD_IMAGE_SIZE,
  worldImage,
  worldSplit,
  writeSplit,
} from '../../src/main/world';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('world catalogue', () => {
  it('meets the issue floors: ≥30 kinds, ≥8 backgrounds, ≥10 InD kinds, test sets ≥500', () => {
    expect(OBJECT_KINDS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(OBJECT_KINDS.map((k) => k.name)).size).toBe(OBJECT_KINDS.length);
    expect(BACKGROUNDS.length).toBeGreaterThanOrEqual(8);
    expect(ELEMENTS.length).toBeGreaterThanOrEqual(4);
    expect(IND_KIND_INDICES.length).toBeGreaterThanOrEqual(10);
    for (const s of ['ind-test', 'near-ood-test', 'far-ood-test'] as const) expect(SPLITS[s].count).toBeGreaterThanOrEqual(500);
    // Every shape, colour and texture is used by some kind.
    expect(new Set(OBJECT_KINDS.map((k) => k.shape)).size).toBe(SHAPES.length);
    expect(new Set(OBJECT_KINDS.map((k) => k.colour)).size).toBe(COLOUR_NAMES.length);
    expect(new Set(OBJECT_KINDS.map((k) => k.texture)).size).toBe(TEXTURES.length);
  });

  it('InD and near-OOD kinds partition the kinds', () => {
    expect(IND_KIND_INDICES.filter((i) => NEAR_OOD_KIND_INDICES.includes(i))).toEqual([]);
    expect(IND_KIND_INDICES.length + NEAR_OOD_KIND_INDICES.length).toBe(OBJECT_KINDS.length);
  });

  it('the negative vocabulary holds object, element, background and adjective words, and no InD class name', () => {
    const vocab = negativeVocabulary();
    const groups = new Set(vocab.map((w) => w.group));
    for (const g of ['object', 'element', 'background', 'adjective'] as const) expect(groups.has(g)).toBe(true);
    const names = new Set(IND_KIND_INDICES.map((i) => OBJECT_KINDS[i]!.name));
    expect(vocab.filter((w) => names.has(w.word))).toEqual([]);
    expect(new Set(vocab.map((w) => w.word)).size).toBe(vocab.length);
  });
});

describe('world images', () => {
  it('the same seed renders identical bytes; another index differs', () => {
    const a = worldImage('ind-test', 7);
    const b = worldImage('ind-test', 7);
    expect(a.pixels.length).toBe(WORLD_IMAGE_SIZE * WORLD_IMAGE_SIZE * 3);
    expect(sha(a.pixels)).toBe(sha(b.pixels));
    expect(a.captions).toEqual(b.captions);
    expect(sha(worldImage('ind-test', 8).pixels)).not.toBe(sha(a.pixels));
  });

  it('splits are what they say: InD kinds, near-OOD kinds, far-OOD without objects', () => {
    for (const img of worldSplit('ind-test', { count: 40 })) {
      expect(IND_KIND_INDICES).toContain(img.kind);
      expect(img.indClass).toBe(IND_KIND_INDICES.indexOf(img.kind!));
    }
    for (const img of worldSplit('near-ood-test', { count: 40 })) {
      expect(NEAR_OOD_KIND_INDICES).toContain(img.kind);
      expect(img.indClass).toBeNull();
    }
    const far = worldSplit('far-ood-test', { count: 40 });
    for (const img of far) expect(img.kind).toBeNull();
    expect(far.some((i) => i.farTexture !== null)).toBe(true);
    expect(far.some((i) => i.farTexture === null && i.background !== null && i.elements.length > 0)).toBe(true);
  });

  it('train and test images never coincide', () => {
    const train = new Set(worldSplit('ind-train', { count: 150 }).map((i) => sha(i.pixels)));
    const test = worldSplit('ind-test', { count: 150 }).map((i) => sha(i.pixels));
    expect(test.filter((h) => train.has(h))).toEqual([]);
  });

  it('captions name the ground truth: kind adjectives, shape, background phrase and every element', () => {
    for (const img of [...worldSplit('ind-test', { count: 30 }), ...worldSplit('near-ood-test', { count: 30 })]) {
      const kind = OBJECT_KINDS[img.kind!]!;
      for (const caption of img.captions) {
        expect(caption).toContain(`${kind.colour} ${kind.texture} ${kind.shape}`);
        for (const e of img.elements) expect(caption).toContain(e);
      }
      expect(img.captions[0]).toMatch(/^a photo of an? /);
      expect(img.elements.length).toBeLessThanOrEqual(3);
    }
    for (const img of worldSplit('far-ood-test', { count: 10 })) {
      const word = img.farTexture ?? img.background!.split(' ')[0]!;
      for (const caption of img.captions) expect(caption).toContain(word);
    }
  });

  it('objects differ from their background: the object region is not the background colour', () => {
    // A crude visibility check: the centre pixel differs from a corner by a clear margin in most images.
    const imgs = worldSplit('ind-test', { count: 50 });
    const s = WORLD_IMAGE_SIZE;
    const visible = imgs.filter((img) => {
      const c = ((s / 2) * s + s / 2) * 3;
      const diffs = [0, 1, 2].map((k) => Math.abs(img.pixels[c + k]! - img.pixels[k]!));
      return Math.max(...diffs) > 30;
    });
    expect(visible.length).toBeGreaterThanOrEqual(40);
  });
});

describe('split writer', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'world-split-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes PNGs that decode to the rendered pixels and a manifest that reads back', async () => {
    const manifest = await writeSplit(dir, 'near-ood-test', { count: 6 });
    expect(manifest.images).toHaveLength(6);
    const back = readSplitManifest(dir);
    expect(back).toEqual(manifest);
    const first = back.images[0]!;
    const { data, info } = await sharp(path.join(dir, first.file)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([WORLD_IMAGE_SIZE, WORLD_IMAGE_SIZE, 3]);
    expect(sha(new Uint8Array(data))).toBe(sha(worldImage('near-ood-test', 0).pixels));
    expect(first.kindName).toBe(OBJECT_KINDS[first.kind!]!.name);
    // Same seed, same files.
    const again = mkdtempSync(path.join(os.tmpdir(), 'world-split-'));
    await writeSplit(again, 'near-ood-test', { count: 6 });
    expect(sha(readFileSync(path.join(again, first.file)))).toBe(sha(readFileSync(path.join(dir, first.file))));
    rmSync(again, { recursive: true, force: true });
  });

  it('a broken manifest is rejected with the file and field named', async () => {
    const manifestFile = path.join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    m.images[0].background = 'moon';
    const { writeFileSync } = await import('node:fs');
    writeFileSync(manifestFile, JSON.stringify(m));
    expect(() => readSplitManifest(dir)).toThrow(/manifest\.json.*images\.0\.background/);
  });
});
