import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GenerateSettings } from '../../../shared/api/routes/generate';
import { GUIDANCE_OBJECTIVES, type GuidanceObjective } from '../../../shared/guidance';
import { openStudioDriver, type StudioDriver } from '../../demo/studio-driver';
import { candidateFilePath } from '../../store/candidates';
import { imagePath, selectedImageIds } from '../../store/images';
import { resourcePath } from '../../onnx/resources';
import { IND_CLASS_NAMES } from '../catalogue';
import { CLIP_IMAGE_FILE } from '../train-world';
import { writeWorldBenchData, type WorldBenchData } from './world-data';
import { describeWorldImages, ORACLE_SOURCE } from '../describers';
import { describeWorldModels, writeWorldModels, type WorldDescriber } from './world-models';
import { measureFloors, type FloorFigures } from './floors';
import { classifierMsp, mean, pairedImageSimilarity, readWorldPixels } from './image-measures';
import { benchReport, type BenchFigures, type EvalFigures, type ObjectiveImages, type VariantFigures } from './bench-report';

export interface WorldBenchOptions {
  /** Work folder: data/, project/ and home/ go here (replaced on every run). */
  dir: string;
  /** Training seeds per variant (the synthetic set is generated once per objective; only training varies). */
  seeds?: number;
  /** Synthetic images per objective (the subset is ⌈images / 10⌉ per class, one candidate each). */
  images?: number;
  /** Images per test set (ind-test, near-OOD, far-OOD). */
  testPerSet?: number;
  /** InD training images per class written (the subset is selected from them). */
  trainPerClass?: number;
  objectives?: GuidanceObjective[];
  describer?: WorldDescriber;
  /**
   * Fine-tuning epochs (the paper's 3 for the projection, 5 for the label features by default). The paper's 100k
   * images give ≈ 2300 projection steps at batch 128; the world's few hundred give ≈ 9, so these let the bench
   * show what more optimizer steps change.
   */
  projectionEpochs?: number;
  labelEpochs?: number;
  /** Small sizes for CI: 2 seeds, 20 images per objective, 30 per test set. */
  quick?: boolean;
  log: (line: string) => void;
  progress?: (stage: string, done: number, total: number) => void;
}

export interface WorldBenchResult {
  figures: BenchFigures;
  /** The Markdown tables, the verdict and the RESULT line, as printed. */
  text: string;
  /** RESULT's key=value pairs. */
  result: Record<string, number>;
}

/** The auto-curation rule the demo uses: reject a candidate whose source class CLIP still recognises (≥ 0.9). */
export const CURATION_MAX_SOURCE_PROB = 0.9;

function sizes(o: WorldBenchOptions) {
  const seeds = o.seeds ?? (o.quick ? 2 : 3);
  const images = o.images ?? (o.quick ? 20 : 200);
  const perClass = Math.max(1, Math.ceil(images / IND_CLASS_NAMES.length));
  const testPerSet = o.testPerSet ?? (o.quick ? 30 : 500);
  const trainPerClass = Math.max(o.trainPerClass ?? (o.quick ? 4 : 30), perClass);
  return { seeds, images, perClass, testPerSet, trainPerClass };
}

async function evaluate(d: StudioDriver, label: string, runId: number, switches: { projection: boolean; tunedLabels: boolean }): Promise<EvalFigures> {
  await d.stage(label, (await d.call('evaluate.start', { runId, switches })).jobId);
  // Read at once: evaluation.list keeps the newest evaluation per OOD set, and the next one replaces it.
  const { rows } = await d.call('evaluation.list', { runId });
  const set = (name: string) => {
    const r = rows.find((x) => x.oodName === name);
    if (!r) throw new Error(`${label}: no evaluation of ${name} (have: ${rows.map((x) => x.oodName).join(', ')})`);
    return { auroc: 100 * r.auroc, fpr95: 100 * r.fpr95Mos };
  };
  const near = set('near-ood');
  const far = set('far-ood');
  return { near, far, avg: { auroc: (near.auroc + far.auroc) / 2, fpr95: (near.fpr95 + far.fpr95) / 2 } };
}

/** Leaves exactly one objective's candidates accepted (the training set of a variant), with or without auto-curation. */
async function curate(d: StudioDriver, objective: GuidanceObjective, curation: boolean): Promise<{ accepted: number; rejected: number }> {
  await d.call('curation.decide', { target: { type: 'filter', filter: {} }, decision: { status: 'rejected' } });
  await d.call('curation.decide', { target: { type: 'filter', filter: { objective } }, decision: { status: 'accepted' } });
  if (curation) {
    await d.call('curation.decide', { target: { type: 'filter', filter: { objective, sourceClassProb: { min: CURATION_MAX_SOURCE_PROB } } }, decision: { status: 'rejected' } });
  }
  const accepted = (await d.call('candidate.count', { filter: { objective, status: 'accepted' } })).total;
  const all = (await d.call('candidate.count', { filter: { objective } })).total;
  return { accepted, rejected: all - accepted };
}

/** Candidate and source pixels of one objective's candidates (every page of candidate.list). */
async function objectiveImages(d: StudioDriver, objective: GuidanceObjective): Promise<{ candidates: Uint8Array[]; sources: Uint8Array[] }> {
  const { db, paths } = d.studio.project!;
  const root = paths.root;
  const candidates: Uint8Array[] = [];
  const sources: Uint8Array[] = [];
  let after: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof d.call<'candidate.list'>>> = await d.call('candidate.list', { filter: { objective }, limit: 500, withTotal: false, ...(after ? { after } : {}) });
    for (const c of page.items) {
      const file = candidateFilePath(db, c.id);
      const source = c.sourceImageId === null ? undefined : imagePath(db, c.sourceImageId);
      if (!file || !source) continue;
      // Stored paths are relative to the project folder (an absolute one resolves to itself).
      candidates.push(await readWorldPixels(path.resolve(root, file)));
      sources.push(await readWorldPixels(path.resolve(root, source)));
    }
    after = page.next;
  } while (after);
  return { candidates, sources };
}

/**
 * `synood world bench`: the whole SynOOD loop on the miniature world through the studio's routes (as the demo runs
 * it), once per guidance objective, with Table 1, the ablations, the floors and a verdict. Work is shared across
 * variants: one import, one describe, one mining, one assignment; each objective's synthetic set is generated once
 * and every variant × seed trains on it (curation decides which candidates a variant trains on).
 */
export async function runWorldBench(o: WorldBenchOptions): Promise<WorldBenchResult> {
  const started = Date.now();
  const s = sizes(o);
  const objectives = o.objectives ?? [...GUIDANCE_OBJECTIVES];
  const root = path.resolve(o.dir);
  for (const part of ['data', 'project', 'home']) rmSync(path.join(root, part), { recursive: true, force: true });
  const d = openStudioDriver({ homeDir: path.join(root, 'home'), log: o.log, progress: o.progress });
  try {
    let t = Date.now();
    const data: WorldBenchData = await writeWorldBenchData(path.join(root, 'data'), { trainPerClass: s.trainPerClass, testPerSet: s.testPerSet });
    o.log(`world data             ${s.trainPerClass}/class InD train, ${s.testPerSet} per test set, written in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await d.call('project.create', { dir: path.join(root, 'project'), name: 'SynOOD world bench' });
    const project = d.studio.project!;
    const models = await writeWorldModels(project.paths.models, project.db, { describer: o.describer });
    o.log(`models                 ${describeWorldModels(models)}`);

    const imports: [string, 'ind-train' | 'ind-test' | 'ood-test', string, 'imagefolder' | 'flat'][] = [
      ['ind-train', 'ind-train', data.indTrain, 'imagefolder'],
      ['ind-test', 'ind-test', data.indTest, 'imagefolder'],
      ['near-ood', 'ood-test', data.ood.near, 'flat'],
      ['far-ood', 'ood-test', data.ood.far, 'flat'],
    ];
    for (const [name, kind, dir, layout] of imports) await d.stage(`import ${name}`, (await d.call('dataset.import', { name, kind, source: { type: 'folder', path: dir, layout } })).jobId);

    const sel = await d.call('subset.select', { k: s.perClass });
    o.log(`select subset          ${sel.selected} images (top ${s.perClass} per class by bytes per pixel)`);
    const describer = o.describer ?? 'clip-noun';
    const imageIds = selectedImageIds(project.db);
    const describeJob =
      describer === 'vlm'
        ? (await d.call('prompt.describe', { imageIds })).jobId
        : await describeWorldImages(d.call, { describer, imageIds, manifests: [data.indTrainManifest] });
    await d.stage(`describe (${describer === 'oracle' ? ORACLE_SOURCE : describer})`, describeJob);
    // NegLabel's negatives from the world's own vocabulary, all of it (58 words are already a curated lexicon). Before generation:
    // neg-text2img prompts with them.
    await d.stage('mine negative labels', (await d.call('labels.mine', { pool: { type: 'file', path: data.wordList, mode: 'fixed' } })).jobId);
    t = Date.now();
    for (const objective of objectives) {
      // The studio's defaults (GUIDANCE_DEFAULTS) but the objective: what a user gets.
      await d.stage(`generate ${objective}`, (await d.call('generate.start', { source: { type: 'subset' }, settings: GenerateSettings.parse({ objective }) })).jobId);
    }
    const generateSeconds = (Date.now() - t) / 1000;
    await d.stage('assign labels', (await d.call('labels.assign', { scope: 'all' })).jobId);

    const baselineRun = await d.call('run.baseline', {});
    const baseline = await evaluate(d, 'evaluate zero-shot', baselineRun.id, { projection: false, tunedLabels: false });

    const variants: { key: string; objective: GuidanceObjective; curation: boolean }[] = [
      ...objectives.map((objective) => ({ key: objective, objective, curation: true })),
      ...(objectives.includes('official') ? [{ key: 'official-no-curation', objective: 'official' as const, curation: false }] : []),
    ];
    const variantFigures: VariantFigures[] = [];
    for (const v of variants) {
      const { accepted, rejected } = await curate(d, v.objective, v.curation);
      o.log(`curate ${v.key.padEnd(15)} ${accepted} accepted, ${rejected} rejected${v.curation ? ` (source-class probability ≥ ${CURATION_MAX_SOURCE_PROB})` : ' (no curation)'}`);
      const fig: VariantFigures = { key: v.key, objective: v.objective, curation: v.curation, accepted, rejected, seeds: [] };
      variantFigures.push(fig);
      if (accepted === 0) {
        o.log(`  ${v.key}: no accepted candidates, nothing to train on; left out`);
        continue;
      }
      for (let seed = 0; seed < s.seeds; seed++) {
        const labels = await d.call('train.start', { name: `${v.key} stage 2 only, seed ${seed}`, seed, config: { stage: 'labels', ...(o.labelEpochs ? { epochs: o.labelEpochs } : {}) } });
        await d.stage(`train labels ${v.key} s${seed}`, labels.jobId);
        const projection = await d.call('train.start', { name: `${v.key} projection + tuned labels, seed ${seed}`, seed, config: { stage: 'projection', ...(o.projectionEpochs ? { epochs: o.projectionEpochs } : {}) } });
        await d.stage(`train proj ${v.key} s${seed}`, projection.jobId);
        // A projection run takes the newest completed labels run's tuned features: the one just trained.
        fig.seeds.push({
          seed,
          stage2: await evaluate(d, `eval stage 2 ${v.key} s${seed}`, labels.runId, { projection: false, tunedLabels: true }),
          synood: await evaluate(d, `eval SynOOD ${v.key} s${seed}`, projection.runId, { projection: true, tunedLabels: true }),
          projectionOnly: await evaluate(d, `eval proj only ${v.key} s${seed}`, projection.runId, { projection: true, tunedLabels: false }),
        });
      }
    }

    t = Date.now();
    const classifierFile = models.paths.classifier!;
    const imagesByObjective: ObjectiveImages[] = [];
    // The world-trained CLIP image tower, whatever CLIP the pipeline runs: the similarity is the issue's yardstick.
    const clipImageTower = resourcePath('world', CLIP_IMAGE_FILE);
    for (const objective of objectives) {
      const { candidates, sources } = await objectiveImages(d, objective);
      const { msp } = await classifierMsp(classifierFile, candidates);
      const sim = await pairedImageSimilarity(clipImageTower, candidates, sources);
      imagesByObjective.push({ objective, n: candidates.length, msp: mean(msp), clipSimilarity: mean(sim) });
    }
    const floors: FloorFigures = await measureFloors({ classifierFile, indTest: data.indTestImages, baselineFarAuroc: baseline.far.auroc });
    o.log(`measure images, floors ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const figures: BenchFigures = {
      settings: { ...s, objectives, describer: o.describer ?? 'clip-noun', projectionEpochs: o.projectionEpochs ?? 3, labelEpochs: o.labelEpochs ?? 5, quick: !!o.quick, curationMaxSourceProb: CURATION_MAX_SOURCE_PROB },
      models: models.provenance,
      baseline,
      variants: variantFigures,
      images: imagesByObjective,
      floors,
      seconds: { generate: generateSeconds, total: (Date.now() - started) / 1000 },
    };
    return benchReport(figures);
  } finally {
    await d.close();
  }
}

/** --out: the tables (world-bench.md) and every figure (world-bench.json) into a folder; returns the two files. */
export function writeBenchOutputs(outDir: string, r: WorldBenchResult): { markdown: string; json: string } {
  mkdirSync(outDir, { recursive: true });
  const markdown = path.join(outDir, 'world-bench.md');
  const json = path.join(outDir, 'world-bench.json');
  writeFileSync(markdown, r.text + '\n');
  // NaN (a variant with nothing to train on) is not JSON: written as null.
  writeFileSync(json, JSON.stringify({ ...r.figures, result: r.result }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  return { markdown, json };
}
