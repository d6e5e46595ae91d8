import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { GenerateSettings } from '../../../shared/api/routes/generate';
import { generateCandidatesJob, type ParamsOf } from '../../../shared/jobs';
import { ItemError, type JobContext, type JobHandler } from '../../jobs/handler';
import { CLASSIFIER_FILES } from '../../models/contracts';
import type { ProviderName } from '../../onnx';
import type { Db } from '../../store/db';
import { modelProvider } from '../../store/models';
import { openRegisteredClip } from '../describe/job-clip';
import { stageImage, type StageImage } from '../describe/job-image';
import type { ClipEncoder } from '../features';
import { requireModel } from '../model-roles';
import { loadGuidanceClassifier, type GuidanceClassifier } from './guidance/classifier';
import { generateCandidate, releaseGuidance } from './guidance/generate-candidate';
import { loadInpaintModels, type InpaintModels } from './inpaint-models';
import { writeCandidateFiles } from './job-outputs';
import { candidatePrompt } from './job-prompt';
import { refuseRepeat } from './repeats';
import { naturalDiffusionSize } from './job-size';
import { SourceClassProbability } from './job-source-prob';
import { insertGenerated } from '../../store/candidates';

interface Loaded {
  settings: GenerateSettings;
  models: InpaintModels;
  classifier: GuidanceClassifier;
  clip: ClipEncoder;
  sourceProb: SourceClassProbability;
  size: number;
}

/** The execution provider chosen for a model at import, if any; otherwise sessions try the default order. */
function registeredProviders(db: Db, modelId: number): ProviderName[] | undefined {
  const p = modelProvider(db, modelId);
  return p === 'cpu' || p === 'cuda' || p === 'webgpu' ? [p] : undefined;
}

/** A classifier is registered as its .onnx file, or as a folder holding one. */
function classifierFile(registered: string): string {
  let isDir: boolean;
  try {
    isDir = statSync(registered).isDirectory();
  } catch {
    throw new Error(`classifier model ${registered} does not exist`);
  }
  if (!isDir) return registered;
  const file = CLASSIFIER_FILES.map((rel) => join(registered, rel)).find((f) => existsSync(f));
  if (!file) throw new Error(`classifier model ${registered}: none of ${CLASSIFIER_FILES.join(', ')} is there`);
  return file;
}

/** The whole file, fully decoded once: a broken body fails here with a reason, not deep inside the diffusion. */
async function readSource(image: StageImage): Promise<Buffer> {
  try {
    const buf = readFileSync(image.abs);
    await sharp(buf, { failOn: 'error' }).raw().toBuffer();
    return buf;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ItemError(`unreadable source image ${image.rel}: ${err.code ?? err.message.split('\n')[0]}`);
  }
}

// The settings arrive parsed by the contract (the runner re-reads a job's params when it picks the job up, and
// fails a row written by an older version with what changed): nothing here re-validates them.
async function load(ctx: JobContext, params: ParamsOf<typeof generateCandidatesJob.kind>): Promise<Loaded> {
  const { db } = ctx.project;
  const settings = params.settings;
  const inpainting = requireModel(db, 'inpainting');
  const classifierModel = requireModel(db, 'classifier');
  requireModel(db, 'clip');
  // Every model is checked before any item: a wrong folder fails the job naming the file, not each item alike.
  let models: InpaintModels;
  try {
    models = await loadInpaintModels(inpainting.path, { providers: registeredProviders(db, inpainting.id) });
  } catch (e) {
    throw new Error(`inpainting model ${inpainting.path}: ${(e as Error).message}`);
  }
  try {
    let classifier: GuidanceClassifier;
    const file = classifierFile(classifierModel.path);
    try {
      classifier = loadGuidanceClassifier(file);
    } catch (e) {
      throw new Error(`classifier model ${file}: ${(e as Error).message}`);
    }
    // The loss graph is sized by the class count; without it every item would fail the same way.
    if (classifier.numClasses === null) throw new Error(`classifier model ${file}: its output declares no fixed class count (shape [batch, classes])`);
    const { encoder } = await openRegisteredClip(db);
    return { settings, models, classifier, clip: encoder, sourceProb: new SourceClassProbability(db, encoder), size: naturalDiffusionSize(inpainting.path) };
  } catch (e) {
    await models.release();
    throw e;
  }
}

/**
 * Implements generateCandidatesJob (docs/METHOD.md §3): per item, one candidate from one InD image with the pinned
 * context prompt and the item's seed; writes the final PNG, its thumbnail and every iteration's preview, and
 * commits the candidates row with the scores curators sort by. With `saveUnguided`, iteration 1's decode is kept at
 * full size too (the same seed without any guidance update). A failing item (bad image, no prompt, a
 * provider error or out-of-memory) fails alone; the runner records its message and goes on.
 */
function createGenerateHandler(): JobHandler<typeof generateCandidatesJob.kind> {
  let loaded: Loaded | null = null;
  return {
    kind: generateCandidatesJob.kind,
    async prepare(ctx, params) {
      loaded = await load(ctx, params);
    },
    async runItem(ctx, _params, item) {
      if (!loaded) throw new Error('generate.candidates: runItem before prepare');
      const { settings, size } = loaded;
      const { db } = ctx.project;
      const { imageId, seed } = item.payload;
      const image = stageImage(db, ctx.project.paths.root, imageId);
      const prompt = candidatePrompt(db, settings.objective, item.payload);
      refuseRepeat(db, settings, { imageId, seed }, prompt.text);
      const source = settings.objective === 'neg-text2img' ? undefined : await readSource(image);
      const c = await generateCandidate(loaded.models, loaded.classifier, {
        image: source,
        prompt: prompt.text,
        objective: settings.objective,
        objectiveOptions: { officialTarget: settings.officialTarget, energyMargin: settings.energyMargin, energyTemperature: settings.energyTemperature },
        seed,
        iterations: settings.iterations,
        lr: settings.lr,
        reduction: settings.reduction,
        batchSize: settings.batchSize,
        vaeLatent: settings.vaeLatent,
        resizeFilter: settings.resizeFilter,
        steps: settings.steps,
        strength: settings.strength,
        guidanceScale: settings.guidance,
        width: size,
        height: size,
      });
      const files = await writeCandidateFiles(
        ctx.project.paths.root,
        { jobId: ctx.jobId, imageId, seed },
        c.image,
        c.previews.map((p, k) => ({ image: p, loss: c.losses[k] ?? null })),
        // Iteration 1 denoised from the seed's initial noise before any update: its decode is the unguided image.
        settings.saveUnguided ? (c.previews[0] ?? null) : null,
      );
      const t = performance.now();
      const sourceClassProb = await loaded.sourceProb.of(files.png, image.datasetId, image.classId);
      const timings = { ...c.timings, clipMs: performance.now() - t, unguidedMs: files.unguidedMs };
      // Every paper-vs-code switch as it was applied (constants resolved, B = 1 for per-image), beside the settings.
      const config = { ...settings, width: size, height: size, prompt: prompt.text, guidance: settings.guidance, semantics: c.semantics };
      return (tx) => {
        insertGenerated(tx, {
          sourceImageId: imageId,
          classId: image.classId,
          promptVersionId: prompt.promptVersionId,
          jobId: ctx.jobId,
          seed,
          objective: settings.objective,
          configJson: JSON.stringify(config),
          lossesJson: JSON.stringify(c.losses),
          energy: c.energy.at(-1) ?? null,
          msp: c.msp.at(-1) ?? null,
          sourceClassProb,
          filePath: files.fileRel,
          thumbPath: files.thumbRel,
          unguidedPath: files.unguidedRel,
          previewsJson: JSON.stringify(files.previews),
          timingsJson: JSON.stringify(timings),
          createdAt: Date.now(),
        });
      };
    },
    async dispose() {
      const l = loaded;
      loaded = null;
      if (!l) return;
      await releaseGuidance(l.models);
      await l.models.release();
      await l.clip.release();
    },
  };
}

export const generateHandler = createGenerateHandler();
