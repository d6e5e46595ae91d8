import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel, validateModel } from '../../src/main/models';
import { loadModel } from '../../src/main/onnx';
import { createOnnxClipEncoder, createTransformersClipEncoder, normalisationOf, preprocessInto, type ClipEncoder } from '../../src/main/pipeline/features';
import { normaliseRows } from '../../src/main/pipeline/features/normalise-rows';
import { OOD_PREPROCESSING } from '../../src/main/pipeline/mine-labels/project-clip';
import { IND_CLASS_NAMES, pngOf, worldSplit, type WorldImage } from '../../src/main/world';
import { normalisedBatch } from '../../src/main/world/classifier/pixels';
import { committedWorldClipFiles, writeWorldClipFolder } from '../../src/main/world/clip/pipeline-folder';
import { embedImages, embedTexts } from '../../src/main/world/clip/zero-shot';
import { CLIP_EMBED_DIM } from '../../src/main/world/clip/towers';

const RES = path.join(__dirname, '../../resources/world');
const towers = committedWorldClipFiles(RES);
const E = CLIP_EMBED_DIM;

let dir: string;
let images: WorldImage[];
let files: string[];

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The OOD stages' encoder, opened as openProjectClip opens a registered folder. */
function oodEncoder(): Promise<ClipEncoder> {
  const pre = JSON.parse(fs.readFileSync(path.join(dir, 'preprocessor_config.json'), 'utf8')) as unknown;
  return createOnnxClipEncoder({
    visionModelPath: path.join(dir, 'onnx', 'vision_model.onnx'),
    textModelPath: path.join(dir, 'onnx', 'text_model.onnx'),
    tokenizerDir: dir,
    preprocessing: OOD_PREPROCESSING,
    imageSize: 64,
    normalisation: normalisationOf(pre),
  });
}

beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'world-clip-folder-'));
  dir = path.join(root, 'world-clip');
  writeWorldClipFolder(dir, towers);
  images = worldSplit('ind-test');
  files = [];
  for (const img of images) {
    const f = path.join(root, `${img.id}.png`);
    fs.writeFileSync(f, await pngOf(img.pixels));
    files.push(f);
  }
});

afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

describe('the tiny CLIP as a pipeline CLIP folder', () => {
  it('passes validateModel and importModel for role clip', async () => {
    const report = validateModel('clip', dir);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const { record } = await importModel({ role: 'clip', source: dir });
    expect(record.role).toBe('clip');
  });

  it('the pipeline preprocessing of a 64×64 PNG gives exactly the tower input (both kernels, folder normalisation)', async () => {
    const pre = JSON.parse(fs.readFileSync(path.join(dir, 'preprocessor_config.json'), 'utf8')) as unknown;
    const plane = 3 * 64 * 64;
    for (const prep of ['clip', 'neglabel'] as const) {
      for (let i = 0; i < 8; i++) {
        const out = new Float32Array(plane);
        await preprocessInto(files[i]!, prep, 64, out, 0, normalisationOf(pre));
        expect(Array.from(out)).toEqual(Array.from(normalisedBatch([images[i]!.pixels], [0])));
      }
    }
  });

  it('image and text embeddings through the OOD encoder equal the world towers (≤ 1e-5), zero-shot InD accuracy ≥ 80%', async () => {
    const enc = await oodEncoder();
    try {
      const pipelineImg = normaliseRows(await enc.encodeImages(files), E);
      const towerImg = await embedImages(loadModel(towers.imageModel), images);
      expect(maxAbsDiff(pipelineImg, towerImg)).toBeLessThan(1e-5);

      // World captions, stop words, punctuation, capitals, an unknown word, one with only function words, > 16 words.
      const texts = [
        ...images.slice(0, 12).flatMap((i) => i.captions),
        'A photo of a red plain circle.',
        'a photo of a zebra on the grass',
        'a photo of a',
        'tree tree tree tree tree tree tree tree tree tree tree tree tree tree tree tree rock rock rock',
        'A photo of a dog, a boat and 3 clouds!',
      ];
      const pipelineTxt = normaliseRows(await enc.encodeTexts(texts), E);
      const towerTxt = await embedTexts(loadModel(towers.textModel), texts);
      expect(maxAbsDiff(pipelineTxt, towerTxt)).toBeLessThan(1e-5);
      // Not equal by construction: another image's caption (other words) gives a different embedding.
      expect(maxAbsDiff(pipelineTxt.subarray(0, E), towerTxt.subarray(3 * E, 4 * E))).toBeGreaterThan(1e-2);

      const prompts = normaliseRows(await enc.encodeTexts(IND_CLASS_NAMES.map((n) => `a photo of a ${n}`)), E);
      let hits = 0;
      images.forEach((img, r) => {
        let best = -1;
        let bestSim = -Infinity;
        for (let k = 0; k < IND_CLASS_NAMES.length; k++) {
          let s = 0;
          for (let j = 0; j < E; j++) s += pipelineImg[r * E + j]! * prompts[k * E + j]!;
          if (s > bestSim) [best, bestSim] = [k, s];
        }
        if (best === img.indClass) hits++;
      });
      console.log(`RESULT world_clip_pipeline zero_shot_ind_accuracy=${(hits / images.length).toFixed(3)} images=${images.length} image_max_abs_diff=${maxAbsDiff(pipelineImg, towerImg).toExponential(1)}`);
      expect(hits / images.length).toBeGreaterThanOrEqual(0.8);
    } finally {
      await enc.release();
    }
  }, 120_000);

  it('the describe job’s encoder (transformers.js, the folder’s own processor) gives the same embeddings (≤ 1e-5)', async () => {
    const enc = await createTransformersClipEncoder({ modelDir: dir });
    try {
      const n = 40;
      const pipelineImg = normaliseRows(await enc.encodeImages(files.slice(0, n)), E);
      const towerImg = await embedImages(loadModel(towers.imageModel), images.slice(0, n));
      expect(maxAbsDiff(pipelineImg, towerImg)).toBeLessThan(1e-5);
      const texts = ['a photo of a tree.', 'a photo of a brick wall.', 'a photo of a dog.', 'A photo only remain a tree, a cloud.'];
      const pipelineTxt = normaliseRows(await enc.encodeTexts(texts), E);
      const towerTxt = await embedTexts(loadModel(towers.textModel), texts.slice(0, 3));
      expect(maxAbsDiff(pipelineTxt.subarray(0, 3 * E), towerTxt)).toBeLessThan(1e-5);
    } finally {
      await enc.release();
    }
  }, 120_000);
});
