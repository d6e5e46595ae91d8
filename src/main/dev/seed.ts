import crypto from 'node:crypto';
import type { OpenProject } from '../project/project';
import { composePrompt } from '../../shared/api/routes/prompts';
import { NEGLABEL_ADJ_TEMPLATE, NEGLABEL_NOUN_TEMPLATE } from '../ood/prompts';
import { insertSelectedLabelIfNew, selectedLabelIds } from '../store/neg-labels';
import { insertModelAssignment } from '../store/label-assignments';
import { insertClass } from '../store/classes';
import { insertModelRow } from '../store/models';
import { writePicture, writeThumb } from './seed-images';
import { gaussian, mulberry32 } from './seed-random';
import { SEED_ADJECTIVES, SEED_CLASSES, SEED_NOUNS } from './seed-words';
import { seedRuns, SEED_OOD_SETS } from './seed-runs';
import { insertSeedCandidate } from '../store/candidates';
import { countDatasets, insertDataset, type DatasetKind } from '../store/datasets';
import { insertImage } from '../store/images';
import { insertVersion } from '../store/prompts';
import { analyze } from '../store/maintenance';

export interface SeedOptions {
  /** InD classes (at most the 12 built in). */
  classes?: number;
  imagesPerClass?: number;
  candidates?: number;
  /**
   * Distinct candidate pictures written to disk; candidates beyond this reuse them (a 100k gallery needs 100k
   * rows, not 100k files, to measure the UI). Each picture also gets one preview per iteration.
   */
  pictures?: number;
  runs?: boolean;
  seed?: number;
}

export interface SeedSummary {
  indDatasetId: number;
  images: number;
  candidates: number;
  labels: number;
  runIds: number[];
}

const ITERATIONS = 3;

/**
 * Fills an open project with realistic demo data for the UI, tests and benchmarks: an InD training set with real
 * image and thumbnail files, test and OOD sets, prompt histories, registered models, a negative vocabulary,
 * scored candidates with per-iteration previews and label assignments, and runs with curves and evaluations.
 * Everything goes through the same tables the pipeline writes.
 */
export async function seedProject(project: OpenProject, opts: SeedOptions = {}): Promise<SeedSummary> {
  const { db, paths } = project;
  const root = paths.root;
  const seed = opts.seed ?? 1;
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const classes = SEED_CLASSES.slice(0, Math.max(1, Math.min(SEED_CLASSES.length, opts.classes ?? 6)));
  const perClass = opts.imagesPerClass ?? 8;
  const nCandidates = opts.candidates ?? 200;
  const nPictures = Math.max(1, Math.min(nCandidates, opts.pictures ?? 48));
  const now = Date.now();
  const suffix = countDatasets(db) === 0 ? '' : `-${now}`;

  // Files first (slow, outside the transaction), rows after.
  const images: { cls: number; rel: string; thumb: string; bytes: number; sha: string }[] = [];
  for (let c = 0; c < classes.length; c++)
    for (let i = 0; i < perClass; i++) {
      const rel = `datasets/seed${suffix}/${classes[c]!.name.replace(/\s+/g, '_')}/${String(i).padStart(4, '0')}.png`;
      const thumb = `thumbs/datasets/seed${suffix}/${c}-${i}.jpg`;
      const bytes = await writePicture(root, rel, c * 1000 + i, 128, c * 0.9, 0);
      await writeThumb(root, rel, thumb);
      images.push({ cls: c, rel, thumb, bytes, sha: crypto.createHash('sha256').update(rel).digest('hex') });
    }
  const pictures: { file: string; thumb: string; unguided: string; previews: string[] }[] = [];
  for (let p = 0; p < nPictures; p++) {
    const hue = (p % classes.length) * 0.9 + 1.7;
    const file = `candidates/seed${suffix}/${p}.png`;
    const previews: string[] = [];
    for (let it = 1; it <= ITERATIONS; it++) {
      const prev = `candidates/seed${suffix}/${p}-it${it}.jpg`;
      await writePicture(root, prev, 50_000 + p, 128, hue, (ITERATIONS - it + 1) / (ITERATIONS + 1), 'jpeg');
      previews.push(prev);
    }
    await writePicture(root, file, 50_000 + p, 192, hue, 0.15);
    // The seeded "unguided" picture: the same scene in other colours (what guidance changed, made up).
    const unguided = `candidates/seed${suffix}/unguided/${p}.png`;
    await writePicture(root, unguided, 50_000 + p, 192, hue + 0.45, 0.3);
    const thumb = `thumbs/candidates/seed${suffix}/${p}.jpg`;
    await writeThumb(root, file, thumb);
    pictures.push({ file, thumb, unguided, previews });
  }

  const summary = db.transaction(() => {
    const dataset = (name: string, kind: DatasetKind) =>
      insertDataset(db, { name: `${name}${suffix}`, kind, sourcePath: `${root}/seed-source/${name}`, sourceJson: '{"type":"seed"}', createdAt: now });
    const indDatasetId = dataset('seed-ind-train', 'ind-train');
    const classIds = classes.map((c, idx) => insertClass(db, indDatasetId, c.name, idx));
    const insImage = (datasetId: number, classId: number | null, path: string, width: number | null, height: number | null, bytes: number, sha256: string | null, skipReason: string | null, thumbPath: string | null, selected: 0 | 1) =>
      insertImage(db, { datasetId, classId, path, width, height, bytes, sha256, skipReason, thumbPath, selected });
    const insPrompt = (imageId: number, version: number, author: 'model' | 'human', model: string, rawAnswer: string, elementsJson: string, prompt: string, createdAt: number) =>
      insertVersion(db, { imageId, version, author, model, rawAnswer, elementsJson, prompt, createdAt });
    const imageIds: number[] = [];
    const promptIds: number[] = [];
    images.forEach((im, k) => {
      const id = insImage(indDatasetId, classIds[im.cls]!, im.rel, 128, 128, im.bytes, im.sha, null, im.thumb, 1);
      imageIds.push(id);
      const all = classes[im.cls]!.elements;
      const elements = all.filter((_, e) => (e + k) % 4 !== 0);
      const raw = `Besides the ${classes[im.cls]!.name}, the image shows ${elements.join(', ')}.`;
      let pid = insPrompt(id, 1, 'model', 'llava-1.5-7b', raw, JSON.stringify(elements), composePrompt(elements), now - 3600_000);
      // Every fifth image has been touched by a person, so histories show both authors.
      if (k % 5 === 0) {
        const edited = [...elements.slice(0, -1), 'evening light'];
        pid = insPrompt(id, 2, 'human', 'llava-1.5-7b', raw, JSON.stringify(edited), composePrompt(edited), now - 1800_000);
      }
      promptIds.push(pid);
    });
    // Files the importer refused, with its reasons, so the Datasets page shows what skipping looks like.
    insImage(indDatasetId, classIds[0]!, `datasets/seed${suffix}/broken_0.png`, null, null, 61, null, 'corrupt image: VipsForeignLoad: premature end of file', null, 0);
    insImage(indDatasetId, classIds[0]!, `datasets/seed${suffix}/empty.jpg`, null, null, 0, null, 'empty file', null, 0);

    const smallSet = (name: string, kind: DatasetKind, n: number, withClasses: boolean) => {
      const id = dataset(name, kind);
      const cls = withClasses ? classes.map((c, idx) => insertClass(db, id, c.name, idx)) : [];
      for (let i = 0; i < n; i++) insImage(id, withClasses ? cls[i % cls.length]! : null, `datasets/${name}${suffix}/${i}.jpg`, 224, 224, 20_000 + i, null, null, null, 0);
      return id;
    };
    smallSet('seed-ind-test', 'ind-test', 24, true);
    const oodIds = SEED_OOD_SETS.map((s) => smallSet(`seed-ood-${s}`, 'ood-test', 12, false));

    for (const [role, file, provider] of [
      ['clip', 'models/clip-vit-b16.onnx', 'cpu'],
      ['classifier', 'models/resnet50-imagenet1k-v2.onnx', 'cpu'],
      ['inpainting', 'models/sd2-inpainting/unet.onnx', 'cpu'],
      ['vlm', 'models/llava-1.5-7b.onnx', 'cpu'],
    ] as const)
      insertModelRow(
        db,
        {
          role,
          path: file,
          sha256: crypto.createHash('sha256').update(`${file}${suffix}`).digest('hex'),
          signature_json: '{}',
          validation_json: JSON.stringify({ ok: true, message: 'inputs and outputs match the expected signature' }),
          provider,
        },
        now,
      );

    for (const w of SEED_NOUNS) insertSelectedLabelIfNew(db, w, 'noun', NEGLABEL_NOUN_TEMPLATE, 0.15 + 0.1 * rand());
    for (const w of SEED_ADJECTIVES) insertSelectedLabelIfNew(db, w, 'adj', NEGLABEL_ADJ_TEMPLATE, 0.15 + 0.1 * rand());
    const labelIds = selectedLabelIds(db);

    const config = JSON.stringify({ strength: 0.6, steps: 20, guidance: 8, iterations: ITERATIONS, lr: 10 });
    for (let k = 0; k < nCandidates; k++) {
      const im = k % imageIds.length;
      const pic = pictures[k % pictures.length]!;
      const objective = k % 10 === 9 ? 'energy' : k % 10 === 8 ? 'msp' : 'official';
      const losses = Array.from({ length: ITERATIONS }, (_, it) => 4 - it * 0.9 + 0.3 * normal());
      // Heavy tail of high source-class probability: the suggested rejects.
      const srcProb = Math.min(0.999, Math.max(0.001, rand() ** 3 + (rand() < 0.1 ? 0.5 : 0)));
      const labelId = labelIds[Math.floor(labelIds.length * rand() ** 2)]!;
      const margin = Math.abs(0.3 * normal());
      // Properties in the statement's column order: the random draws happen in the order they always did.
      const id = insertSeedCandidate(db, {
        sourceImageId: imageIds[im]!,
        classId: classIds[images[im]!.cls]!,
        promptVersionId: promptIds[im]!,
        seed: k,
        objective,
        configJson: config,
        lossesJson: JSON.stringify(losses),
        energy: -8 + 1.5 * normal(),
        msp: 0.2 + 0.6 * rand(),
        neglabelScore: 0.1 + 0.8 * rand(),
        sourceClassProb: srcProb,
        labelId,
        labelMargin: margin,
        filePath: pic.file,
        thumbPath: pic.thumb,
        unguidedPath: pic.unguided,
        previewsJson: JSON.stringify(pic.previews.map((p, it) => ({ iteration: it + 1, path: p, loss: losses[it] }))),
        createdAt: now - (nCandidates - k) * 1000,
      });
      insertModelAssignment(db, id, labelId, 0.2 + 0.7 * rand(), margin, now);
    }
    const data = { acceptedCandidates: Math.round(nCandidates * 0.6), labels: Math.min(labelIds.length, 120), promptVersions: imageIds.length, indImages: imageIds.length };
    const runIds = opts.runs === false ? [] : seedRuns(db, seed, oodIds, data);
    return { indDatasetId, images: imageIds.length, candidates: nCandidates, labels: labelIds.length, runIds };
  })();
  // A bulk load leaves the query planner without statistics; with them, filtered gallery pages walk the sort index.
  analyze(db);
  return summary;
}
