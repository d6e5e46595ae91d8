// transformers.js' CLIP precision variants through the stages (reduced width: the factory's tiny CLIP, TINY_CLIP's
// seed, so every folder holds the same weights in another precision): a split folder with only `_fp16` towers
// (transformers.js' conversion, float32 IO), one with only `_quantized` (q8) towers, and one with fp32 and q8 side by
// side. Each is imported through the real import code and registered in one project; then the describe stage's CLIP
// (openRegisteredClip: transformers.js, the dtype of the file present) describes one image with the CLIP-noun
// describer, and a labels.mine job (openProjectClip: onnxruntime, fp16 widened on load) runs the text tower. The
// fp32 folder is the reference; the per-user text-feature cache and the project's image-feature cache must keep the
// precisions apart.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateModel } from '../../src/main/models';
import * as ort from 'onnxruntime-node';
import { hasFloat16, loadModel, runModel, TensorDataType } from '../../src/main/onnx';
import { exportScorerOnnx } from '../../src/main/pipeline/evaluate/scorer-export';
import { combineClipTowers, quantizeDynamicInt8, writeTinyClip, type SplitVariant } from '../../src/main/onnx/factory';
import { writeFolderFile, writeJsonFiles } from '../../src/main/onnx/factory/files';
import { toFloat16 } from '../../src/main/onnx/factory/to-float16';
import { ClipNounDescriber, WordNetNouns } from '../../src/main/pipeline/describe';
import { openRegisteredClip } from '../../src/main/pipeline/describe/job-clip';
import { clipTowerFiles, createOnnxClipEncoder, createTransformersClipEncoder, textEncoderKey } from '../../src/main/pipeline/features';
import { openProjectClip } from '../../src/main/pipeline/mine-labels/project-clip';
import { openProject } from '../../src/main/project/project';
import { textFeatureCachePath } from '../../src/main/store/text-feature-cache';
import { cosine } from '../ood/helpers';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { oodProject, query, TINY_CLIP, type OodProject } from '../pipeline/ood-project';
import { jobDone, registerModel, value } from '../pipeline/stage-project';

const TEXTS = ['a photo of a tree.', 'a photo of a cat.', 'a photo of a dog.', 'a photo of water.'];
const VOCABULARY = ['bamboo', 'tourist', 'leaf', 'railing', 'tree', 'water', 'panda', 'giant panda'];

/** What one folder gives through each stage's CLIP: features of TEXTS and the images, the mining scores. */
interface StageRun {
  dim: number;
  describeText: Float32Array;
  describeImages: Float32Array;
  describeSha: string;
  mineText: Float32Array;
  mineImages: Float32Array;
  mineSha: string;
  mineImageRuns: number;
  scores: Map<string, number>;
  /** ood_score of scorer.onnx (the evaluate stage's export: the stage's vision tower + a head) on fixed pixels. */
  exported: { score: number; float16: boolean };
}

function rowCosines(a: Float32Array, b: Float32Array, d: number): number[] {
  return Array.from({ length: a.length / d }, (_, r) => cosine(Array.from(a.subarray(r * d, (r + 1) * d)), Array.from(b.subarray(r * d, (r + 1) * d))));
}

const show = (label: string, cos: number[]) => console.info(`${label} 1 − cosine: ${cos.map((c) => (1 - c).toExponential(1)).join(', ')}`);

/** The per-user text-feature cache's encoders: key → (rows, served). Read from the file the studio writes. */
function textCacheModels(home: string): Map<string, { rows: number; served: number }> {
  const db = new Database(textFeatureCachePath(home), { readonly: true });
  try {
    const rows = db.prepare('SELECT m.model_key AS key, m.served AS served, (SELECT COUNT(*) FROM text_features f WHERE f.model_id = m.id) AS n FROM text_models m').all() as { key: string; served: number; n: number }[];
    return new Map(rows.map((r) => [r.key, { rows: r.n, served: r.served }]));
  } finally {
    db.close();
  }
}

describe('CLIP precision variants through the describe and mine stages', () => {
  let t: ReturnType<typeof tmpDir>;
  let p: OodProject;
  const images: string[] = [];
  const folders: Record<'fp32' | 'fp16' | 'q8' | 'both', string> = { fp32: '', fp16: '', q8: '', both: '' };
  const runs: Partial<Record<keyof typeof folders, StageRun>> = {};

  beforeAll(async () => {
    t = tmpDir('synood-clip-variants-');
    p = await oodProject(path.join(t.dir, 'ood'), { perClass: 1, indTest: 1 });
    folders.fp32 = p.clipDir; // TINY_CLIP, float32 towers only: the reference, registered by oodProject
    const write = (name: string, variants: SplitVariant[]) => {
      const dir = path.join(t.dir, name);
      writeTinyClip(dir, { ...TINY_CLIP, variants });
      return dir;
    };
    folders.fp16 = write('fp16-only', ['fp16']);
    folders.q8 = write('q8-only', ['q8']);
    folders.both = write('fp32-and-q8', ['fp32', 'q8']);
    for (const seed of [3, 4]) {
      const f = path.join(t.dir, `img-${seed}.png`);
      await writeImage(f, seed, 24);
      images.push(f);
    }
  });
  afterAll(async () => {
    await p?.studio.close();
    t.cleanup();
  });

  /** Registers `folder` (the newest CLIP: the one the stages use), runs both stages' CLIP and a mining job. */
  async function throughStages(folder: string): Promise<StageRun> {
    await registerModel(p.projectDir, 'clip', folder);
    const project = openProject(p.projectDir);
    try {
      const { encoder: describer } = await openRegisteredClip(project.db);
      const mine = await openProjectClip(project);
      try {
        // One describe item: the CLIP-noun describer on the stage's encoder (the 118k-noun job is describe-job.test.ts').
        const { elements } = await new ClipNounDescriber({ encoder: describer, wordnet: WordNetNouns.load(), vocabulary: VOCABULARY, topK: 3 }).describe(images[0]!, 'giant panda');
        expect(elements).toHaveLength(3);
        for (const e of elements) expect(['bamboo', 'tourist', 'leaf', 'railing', 'tree', 'water']).toContain(e);
        const before = mine.encoder.runs.vision;
        expect(mine.encoder.dim).toBe(describer.dim);
        const run = {
          dim: describer.dim,
          describeText: await describer.encodeTexts(TEXTS),
          describeImages: await describer.encodeImages(images),
          describeSha: describer.modelSha256,
          mineText: await mine.encoder.encodeTexts(TEXTS),
          mineImages: await mine.encoder.encodeImages(images),
          mineSha: mine.encoder.modelSha256,
        };
        const mineImageRuns = mine.encoder.runs.vision - before;
        const scorer = exportScorerOnnx({ visionModel: mine.visionTower(), dim: describer.dim, classes: run.mineText.slice(0, 2 * describer.dim), negatives: run.mineText.slice(2 * describer.dim), ngroups: 1, temperature: 50 });
        const side = TINY_CLIP.imageSize;
        const pixels = Float32Array.from({ length: 3 * side * side }, (_, i) => Math.sin(i * 0.37));
        const out = await runModel(scorer, { pixel_values: new ort.Tensor('float32', pixels, [1, 3, side, side]) });
        const exported = { score: (out.ood_score!.data as Float32Array)[0]!, float16: hasFloat16(scorer) };
        const { jobId } = value<{ jobId: number }>(await p.studio.call('labels.mine', { candidateLimit: 200 }));
        const job = await jobDone(p.studio, jobId, 120_000);
        expect(job.state.status).toBe('completed');
        const rows = query<{ word: string; pos: string; mining_score: number | null }>(p.projectDir, 'SELECT word, pos, mining_score FROM neg_labels');
        expect(rows).toHaveLength(200);
        const scores = new Map(rows.map((r) => [`${r.word}/${r.pos}`, r.mining_score!]));
        for (const s of scores.values()) expect(Number.isFinite(s)).toBe(true);
        return { ...run, mineImageRuns, scores, exported };
      } finally {
        await describer.release();
        await mine.encoder.release();
      }
    } finally {
      project.db.close();
    }
  }

  /** Largest |Δ| between two minings' scores, word by word. */
  const maxScoreDiff = (a: Map<string, number>, b: Map<string, number>) => Math.max(...[...a].map(([k, v]) => Math.abs(v - b.get(k)!)));

  it('the float32 reference folder runs through both stages', async () => {
    runs.fp32 = await throughStages(folders.fp32);
    expect(runs.fp32.mineImageRuns).toBe(1);
  }, 180_000);

  it('a split folder with only fp16 towers imports, describes one item and mines, within float16 rounding of fp32', async () => {
    // transformers.js' fp16 files: float16 weights, float32 IO (Casts inside).
    for (const tower of ['text', 'vision']) {
      const g = loadModel(path.join(folders.fp16, 'onnx', `${tower}_model_fp16.onnx`)).graph!;
      expect((g.initializer ?? []).some((i) => i.dataType === TensorDataType.FLOAT16)).toBe(true);
      expect((g.initializer ?? []).some((i) => i.dataType === TensorDataType.FLOAT)).toBe(false);
      expect(g.output![0]!.type!.tensorType!.elemType).toBe(TensorDataType.FLOAT);
    }
    const report = validateModel('clip', folders.fp16);
    expect(report.problems).toEqual([]);
    expect(report.files).toEqual(expect.arrayContaining(['onnx/text_model_fp16.onnx', 'onnx/vision_model_fp16.onnx']));
    expect(report.files).not.toContain('onnx/text_model.onnx');

    const half = (runs.fp16 = await throughStages(folders.fp16));
    const full = runs.fp32!;
    const d = full.dim;
    // onnxruntime path (mine): widened to float32 on load, so only the weights' rounding differs.
    const widened = [...rowCosines(half.mineText, full.mineText, d), ...rowCosines(half.mineImages, full.mineImages, d)];
    // transformers.js path (describe): the fp16 file run as it is, activations float16 on the CPU too.
    const native = [...rowCosines(half.describeText, full.describeText, d), ...rowCosines(half.describeImages, full.describeImages, d)];
    show('fp16 vs fp32, onnxruntime widened', widened);
    show('fp16 vs fp32, transformers.js native', native);
    // Measured at this width: 1 − cosine ≤ 4e-7 widened, ≤ 8e-7 native; the bound leaves a factor 10.
    for (const c of [...widened, ...native]) expect(c).toBeGreaterThan(1 - 1e-5);
    // The float16 weights ran: not the fp32 features.
    expect(Array.from(half.mineText)).not.toEqual(Array.from(full.mineText));
    expect(Array.from(half.describeText)).not.toEqual(Array.from(full.describeText));
    const diff = maxScoreDiff(half.scores, full.scores);
    console.info(`fp16 vs fp32 mining scores: max |Δ| ${diff.toExponential(2)}`);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(2e-3); // measured 4.2e-4
    // The evaluate stage's scorer.onnx holds the tower widened to float32, as the stages ran it.
    expect(half.exported.float16).toBe(false);
    console.info(`scorer.onnx ood_score fp16 ${half.exported.score} vs fp32 ${full.exported.score}`);
    expect(full.exported.score).toBeGreaterThan(0.05); // not saturated: logits 2·cos (temperature 50)
    expect(full.exported.score).toBeLessThan(0.95);
    expect(Math.abs(half.exported.score - full.exported.score)).toBeLessThan(4e-4); // measured 3.9e-5
  }, 180_000);

  it('a folder with only q8 towers imports, describes one item and mines; q8 follows fp32 without being it', async () => {
    const report = validateModel('clip', folders.q8);
    expect(report.problems).toEqual([]);
    expect(report.files).not.toContain('onnx/vision_model.onnx');
    const q8 = (runs.q8 = await throughStages(folders.q8));
    const full = runs.fp32!;
    const d = full.dim;
    const cos = [
      ...rowCosines(q8.mineText, full.mineText, d),
      ...rowCosines(q8.mineImages, full.mineImages, d),
      ...rowCosines(q8.describeText, full.describeText, d),
      ...rowCosines(q8.describeImages, full.describeImages, d),
    ];
    show('q8 vs fp32', cos);
    // Measured at this width: 1 − cosine ≤ 6e-4.
    for (const c of cos) expect(c).toBeGreaterThan(0.998);
    // The int8 weights ran: other bytes, another model hash, not served from fp32's image cache.
    expect(Array.from(q8.mineText)).not.toEqual(Array.from(full.mineText));
    expect(Array.from(q8.describeImages)).not.toEqual(Array.from(full.describeImages));
    expect(q8.mineSha).not.toBe(full.mineSha);
    expect(q8.describeSha).not.toBe(full.describeSha);
    expect(q8.mineImageRuns).toBe(1);
    const diff = maxScoreDiff(q8.scores, full.scores);
    console.info(`q8 vs fp32 mining scores: max |Δ| ${diff.toExponential(2)}`);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(0.06); // measured 3.3e-2: int8 weights move scores 80× more than fp16
    console.info(`scorer.onnx ood_score q8 ${q8.exported.score} vs fp32 ${full.exported.score}`);
    expect(q8.exported.score).not.toBe(full.exported.score);
    expect(Math.abs(q8.exported.score - full.exported.score)).toBeLessThan(0.03); // measured 3.4e-3
  }, 180_000);

  it('a folder with fp32 and q8 runs fp32; its cache entries are fp32’s, apart from the q8-only folder’s', async () => {
    const modelsBefore = textCacheModels(p.home);
    // fp32, fp16 and q8 text towers: three encoders in the per-user cache, none sharing rows.
    expect(modelsBefore.size).toBe(3);
    const both = await throughStages(folders.both);
    const full = runs.fp32!;
    const q8 = runs.q8!;
    // The preference: the fp32 towers ran, bit for bit the fp32 folder's features and scores.
    expect(Array.from(both.mineText)).toEqual(Array.from(full.mineText));
    expect(Array.from(both.describeImages)).toEqual(Array.from(full.describeImages));
    expect([...both.scores]).toEqual([...full.scores]);
    expect(both.exported.score).toBe(full.exported.score);
    // Image features: keyed by the fp32 vision file, so the fp32 folder's cached rows served it (no vision run) …
    expect(both.mineSha).toBe(full.mineSha);
    expect(both.mineImageRuns).toBe(0);
    // … and never the q8 folder's.
    expect(both.mineSha).not.toBe(q8.mineSha);
    // Text features: no new encoder in the per-user cache; the fp32 one served this mining, the q8 one nothing more.
    const modelsAfter = textCacheModels(p.home);
    expect([...modelsAfter.keys()].sort()).toEqual([...modelsBefore.keys()].sort());
    const key = async (folder: string, file: string) => `${await textEncoderKey(path.join(folder, 'onnx', file), folder)}:float32`;
    const fp32Key = await key(folders.fp32, 'text_model.onnx');
    const q8Key = await key(folders.q8, 'text_model_quantized.onnx');
    expect(modelsAfter.has(q8Key)).toBe(true);
    expect(q8Key).not.toBe(fp32Key);
    expect([...modelsAfter].filter(([k, v]) => v.served > modelsBefore.get(k)!.served).map(([k]) => k)).toEqual([fp32Key]);
    for (const [k, v] of modelsAfter) expect(v.rows).toBe(modelsBefore.get(k)!.rows);
    // A caller that asks for q8 in the two-precision folder gets the q8 file, keyed as the q8-only folder's.
    const files = clipTowerFiles(folders.both, 'q8');
    expect(files).toMatchObject({ layout: 'split', visionDtype: 'q8', textDtype: 'q8', vision: path.join(folders.both, 'onnx', 'vision_model_quantized.onnx') });
    const asked = await createTransformersClipEncoder({ modelDir: folders.both, dtype: 'q8' });
    try {
      expect(asked.modelSha256).toBe(q8.describeSha);
      expect(Array.from(await asked.encodeTexts(TEXTS))).toEqual(Array.from(q8.describeText));
    } finally {
      await asked.release();
    }
    expect(() => clipTowerFiles(folders.q8, 'fp32')).toThrow(/onnx\/vision_model\.onnx is not there \(present: q8\)/);
  }, 180_000);
});

// Other exporters' variants, through the encoders the stages open.
describe('other CLIP variant layouts through the stage encoders', () => {
  let t: ReturnType<typeof tmpDir>;
  beforeAll(() => {
    t = tmpDir('synood-clip-variant-layouts-');
  });
  afterAll(() => t.cleanup());

  // Optimum's `--fp16` keeps no float32 IO (float16 pixel_values and embeddings); import accepts such split towers
  // too, so transformers.js must be fed float16 pixels and its float16 embeddings read as float32.
  it('split fp16 towers with float16 IO (Optimum --fp16): both encoders give the fp32 towers’ features within float16 rounding', async () => {
    const full = path.join(t.dir, 'fp32');
    const half = path.join(t.dir, 'fp16-io');
    const clip = writeTinyClip(full, TINY_CLIP);
    writeJsonFiles(half, clip.jsonFiles);
    writeFolderFile(half, 'onnx/text_model_fp16.onnx', toFloat16(clip.textModel), 'onnx');
    writeFolderFile(half, 'onnx/vision_model_fp16.onnx', toFloat16(clip.visionModel), 'onnx');
    const g = loadModel(path.join(half, 'onnx', 'vision_model_fp16.onnx')).graph!;
    expect(g.input!.find((i) => i.name === 'pixel_values')!.type!.tensorType!.elemType).toBe(TensorDataType.FLOAT16);
    expect(validateModel('clip', half).problems).toEqual([]);
    const image = path.join(t.dir, 'img.png');
    await writeImage(image, 6, 24);
    const features = async (dir: string) => {
      const files = clipTowerFiles(dir);
      if (files.layout !== 'split') throw new Error('split expected');
      const a = await createTransformersClipEncoder({ modelDir: dir });
      const b = await createOnnxClipEncoder({ visionModelPath: files.vision, textModelPath: files.text, tokenizerDir: dir, imageSize: TINY_CLIP.imageSize });
      try {
        return { dim: a.dim, dtype: files.visionDtype, rows: [await a.encodeTexts(TEXTS), await a.encodeImages([image]), await b.encodeTexts(TEXTS), await b.encodeImages([image])] };
      } finally {
        await a.release();
        await b.release();
      }
    };
    const [h, f] = [await features(half), await features(full)];
    expect([h.dtype, f.dtype]).toEqual(['fp16', 'fp32']);
    const cos = h.rows.flatMap((r, i) => rowCosines(r, f.rows[i]!, f.dim));
    show('fp16 (float16 IO) vs fp32', cos);
    for (const c of cos) expect(c).toBeGreaterThan(1 - 1e-4);
    expect(Array.from(h.rows[1]!)).not.toEqual(Array.from(f.rows[1]!));
  });

  // Optimum's single CLIPModel file in transformers.js' variant names: a folder with only onnx/model_quantized.onnx.
  it('single file with only onnx/model_quantized.onnx: imports, the stages pick the variant (each tower cut out of it), features follow the fp32 file', async () => {
    const full = path.join(t.dir, 'single-fp32');
    const q8 = path.join(t.dir, 'single-q8');
    writeTinyClip(full, { ...TINY_CLIP, layout: 'single' });
    const clip = writeTinyClip(q8, { ...TINY_CLIP, layout: 'single' });
    fs.rmSync(path.join(q8, 'onnx', 'model.onnx'));
    writeFolderFile(q8, 'onnx/model_quantized.onnx', quantizeDynamicInt8(combineClipTowers(clip.textModel, clip.visionModel)), 'onnx');
    const report = validateModel('clip', q8);
    expect(report.problems).toEqual([]);
    expect(report.layout).toBe('clip-combined');
    expect(clipTowerFiles(q8)).toEqual({ layout: 'single', model: path.join(q8, 'onnx', 'model_quantized.onnx'), dtype: 'q8' });
    const image = path.join(t.dir, 'img.png');
    await writeImage(image, 8, 24);
    const features = async (dir: string) => {
      const files = clipTowerFiles(dir);
      if (files.layout !== 'single') throw new Error('single file expected');
      const e = await createOnnxClipEncoder({ combinedModelPath: files.model, tokenizerDir: dir, imageSize: TINY_CLIP.imageSize });
      try {
        return { dim: e.dim, sha: e.modelSha256, text: await e.encodeTexts(TEXTS), image: await e.encodeImages([image]) };
      } finally {
        await e.release();
      }
    };
    const [a, b] = [await features(q8), await features(full)];
    const cos = [...rowCosines(a.text, b.text, b.dim), ...rowCosines(a.image, b.image, b.dim)];
    show('single-file q8 vs fp32', cos);
    for (const c of cos) expect(c).toBeGreaterThan(0.998);
    expect(Array.from(a.text)).not.toEqual(Array.from(b.text));
    expect(a.sha).not.toBe(b.sha);
  });
});
