import path from 'node:path';
import type { JobHandler } from '../../jobs/handler';
import { describeImagesJob, type DescribeParams } from '../../../shared/jobs';
import { ItemError } from '../../jobs/handler';
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
import { dtypeLabel } from './vlm-precision';
import { insertVersion, nextVersion } from '../../store/prompts';

interface Loaded {
  describer: Describer;
  /** Stored in prompt_versions.model: which describer wrote the version, and from which folder. */
  label: string;
  release(): Promise<void>;
}

/** A describer that runs no model: each item's given elements are its description (see DescribeParams.givenSource). */
function givenDescriber(source: string): Loaded {
  return {
    describer: { describe: () => Promise.reject(new Error(`given descriptions (${source}): the item carries no elements`)) },
    label: `given:${source}`,
    release: () => Promise.resolve(),
  };
}

/**
 * The describer a project can run: given descriptions when the job carries them; the CLIP-noun describer over the
 * job's noun list when it names one; else the VLM when one is registered (the paper's LLaVA step), otherwise the
 * VLM-free CLIP-noun describer over WordNet. No model where one is needed → the job fails before any item.
 */
async function loadDescriber(db: Db, params: DescribeParams, textCache?: TextFeatureCache): Promise<Loaded> {
  if (params.givenSource) return givenDescriber(params.givenSource);
  const vlm = params.nouns ? undefined : findModel(db, 'vlm');
  if (vlm) {
    const describer = await VlmDescriber.load(vlm.path);
    // The label names the precision when it is not fp32, so a version written by a q4 model says so.
    return { describer, label: `vlm:${path.basename(vlm.path)}${dtypeLabel(describer.dtypes)}`, release: () => describer.release() };
  }
  if (!findModel(db, 'clip')) {
    throw new Error('no vlm or clip model is registered in this project: import a VLM (or a CLIP model for the noun describer) first');
  }
  const { encoder, dir } = await openRegisteredClip(db, new SqliteFeatureCache(db), textCache);
  const describer = new ClipNounDescriber({ encoder, ...(params.nouns ? { vocabulary: params.nouns } : {}), ...(params.topK ? { topK: params.topK } : {}) });
  // WordNet's nouns keep the plain label; a given noun list is named by its size.
  const label = `clip-nouns:${path.basename(dir)}${params.nouns ? `:${params.nouns.length} nouns` : ''}`;
  return { describer, label, release: () => encoder.release() };
}

/**
 * Implements describeImagesJob: each item describes one InD image and appends a NEW prompt version (author
 * 'model'), so earlier versions, human edits included, stay in the history; the newest is the current one.
 */
function createDescribeHandler(): JobHandler<typeof describeImagesJob.kind> {
  let loaded: Loaded | null = null;
  return {
    kind: describeImagesJob.kind,
    async prepare(ctx, params) {
      loaded = await loadDescriber(ctx.project.db, params, ctx.textFeatures);
    },
    async runItem(ctx, params, item) {
      if (!loaded) throw new Error('describe.images: runItem before prepare');
      const image = stageImage(ctx.project.db, ctx.project.paths.root, item.payload.imageId);
      const given = item.payload.given;
      if (params.givenSource && !given) throw new ItemError(`no given description for image ${image.id} (${params.givenSource})`);
      const described = given ? { rawAnswer: given.join(', '), elements: given } : await loaded.describer.describe(image.abs, image.className ?? '');
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
