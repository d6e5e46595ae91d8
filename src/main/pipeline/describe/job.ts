import path from 'node:path';
import type { JobHandler } from '../../jobs/handler';
import { describeImagesJob } from '../../../shared/jobs';
import type { Db } from '../../store/db';
import type { TextFeatureCache } from '../features';
import { SqliteFeatureCache } from '../../store/feature-cache-sqlite';
import { fitElements } from '../../../shared/api/routes/prompts';
import { findModel } from '../model-roles';
import { ClipNounDescriber } from './clip-noun-describer';
import { contextPrompt } from './context-prompt';
import { openRegisteredClip } from './job-clip';
import { stageImage } from './job-image';
import type { Describer } from './types';
import { VlmDescriber } from './vlm-describer';
import { insertVersion, nextVersion } from '../../store/prompts';

interface Loaded {
  describer: Describer;
  /** Stored in prompt_versions.model: which describer wrote the version, and from which folder. */
  label: string;
  release(): Promise<void>;
}

/**
 * The describer a project can run: the VLM when one is registered (the paper's LLaVA step), otherwise the
 * VLM-free CLIP-noun describer over the registered CLIP model. Neither → the job fails before any item.
 */
async function loadDescriber(db: Db, textCache?: TextFeatureCache): Promise<Loaded> {
  const vlm = findModel(db, 'vlm');
  if (vlm) {
    const describer = await VlmDescriber.load(vlm.path);
    return { describer, label: `vlm:${path.basename(vlm.path)}`, release: () => describer.release() };
  }
  if (!findModel(db, 'clip')) {
    throw new Error('no vlm or clip model is registered in this project: import a VLM (or a CLIP model for the noun describer) first');
  }
  const { encoder, dir } = await openRegisteredClip(db, new SqliteFeatureCache(db), textCache);
  return { describer: new ClipNounDescriber({ encoder }), label: `clip-nouns:${path.basename(dir)}`, release: () => encoder.release() };
}

/**
 * Implements describeImagesJob: each item describes one InD image and appends a NEW prompt version (author
 * 'model'), so earlier versions, human edits included, stay in the history; the newest is the current one.
 */
function createDescribeHandler(): JobHandler<typeof describeImagesJob.kind> {
  let loaded: Loaded | null = null;
  return {
    kind: describeImagesJob.kind,
    async prepare(ctx) {
      loaded = await loadDescriber(ctx.project.db, ctx.textFeatures);
    },
    async runItem(ctx, _params, item) {
      if (!loaded) throw new Error('describe.images: runItem before prepare');
      const image = stageImage(ctx.project.db, ctx.project.paths.root, item.payload.imageId);
      const described = await loaded.describer.describe(image.abs, image.className ?? '');
      const rawAnswer = described.rawAnswer;
      // Whatever the describer, stored elements fit what prompt.save accepts (over-long ones cut and marked with …),
      // so a curator can edit and save every model-written version; the raw answer keeps the full text.
      const elements = fitElements(described.elements).elements;
      const prompt = contextPrompt(rawAnswer);
      const model = loaded.label;
      return (db) => {
        // The version number is taken inside the commit's transaction: a human edit saved meanwhile is not overwritten.
        const next = nextVersion(db, image.id);
        insertVersion(db, { imageId: image.id, version: next, author: 'model', model, rawAnswer, elementsJson: JSON.stringify(elements), prompt, createdAt: Date.now() });
      };
    },
    async dispose() {
      const l = loaded;
      loaded = null;
      await l?.release();
    },
  };
}

export const describeHandler = createDescribeHandler();
