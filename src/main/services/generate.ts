import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import type { GenerateRepeat, GenerateSettings, GenerateSource } from '../../shared/api/routes/generate';
import type { Db } from '../store/db';
import { JobStore } from '../store/jobs';
import { pendingGenerateItems } from '../store/job-items';
import { generateCandidatesJob, type PayloadOf } from '../../shared/jobs';
import { candidatePrompt } from '../pipeline/generate/job-prompt';
import { findRepeat, sameGeneration } from '../pipeline/generate/repeats';
import { readLosses, readPreviews } from './candidate-detail';
import type { StudioContext } from './context';
import { countForJob, latestForJob } from '../store/candidates';
import { indTrainIdsAmong, indTrainIdsOfClasses, selectedIndTrainIds } from '../store/images';
import { currentPrompt } from '../store/prompts';

/** The usable InD training images a generate (or sharded describe/generate) source names, in id order. */
export function sourceImages(db: Db, source: GenerateSource): number[] {
  switch (source.type) {
    case 'subset':
      return selectedIndTrainIds(db);
    case 'classes':
      return indTrainIdsOfClasses(db, source.classIds);
    case 'images':
      return indTrainIdsAmong(db, source.imageIds);
  }
}

type ItemPayload = PayloadOf<typeof generateCandidatesJob.kind>;

/** The prompt text an item would generate from now; null when it has none (it would fail until its image has one). */
function itemPrompt(db: Db, settings: GenerateSettings, payload: ItemPayload): string | null {
  try {
    return candidatePrompt(db, settings.objective, payload).text;
  } catch {
    return null;
  }
}

/** Items still pending in unfinished generate jobs with the same settings, by key, with the prompt each would use. */
function pendingItems(db: Db, settings: GenerateSettings): Map<string, { jobId: number; prompt: string | null }> {
  const out = new Map<string, { jobId: number; prompt: string | null }>();
  const same = new Map<number, boolean>();
  for (const r of pendingGenerateItems(db)) {
    if (!same.has(r.jobId)) same.set(r.jobId, sameGeneration(r.settings, settings));
    if (!same.get(r.jobId) || out.has(r.key)) continue;
    if (!r.payload) continue;
    out.set(r.key, { jobId: r.jobId, prompt: itemPrompt(db, settings, r.payload) });
  }
  return out;
}

/**
 * What a generate request queues: one item per (source image, seed), each pinned to its image's current prompt
 * version (null when it has none: the item then reads the image's prompt when it runs). An item that would repeat a
 * candidate — same source image, seed, settings and prompt text as an existing candidate, or as an item pending
 * in an unfinished generate job with those settings — is left out and listed in `duplicates`.
 */
export function planGeneration(db: Db, source: GenerateSource, settings: GenerateSettings) {
  const images = sourceImages(db, source);
  const pending = pendingItems(db, settings);
  const needsPrompt = settings.objective !== 'neg-text2img';
  const items: { key: string; payload: ItemPayload }[] = [];
  const withoutPrompt: number[] = [];
  const duplicates: GenerateRepeat[] = [];
  for (const imageId of images) {
    const version = currentPrompt(db, imageId);
    const promptVersionId = version?.id ?? null;
    if (promptVersionId === null && needsPrompt) withoutPrompt.push(imageId);
    for (let k = 0; k < settings.perImage; k++) {
      const seed = settings.seed + k;
      const key = `${imageId}:${seed}`;
      const payload = { imageId, seed, promptVersionId };
      // What candidatePrompt gives the item when it runs: the pinned version's text, or a negative label's.
      const prompt = needsPrompt ? (version?.prompt ?? null) : itemPrompt(db, settings, payload);
      const made = findRepeat(db, settings, payload, prompt);
      const queued = pending.get(key);
      if (made) duplicates.push({ imageId, seed, candidateId: made.candidateId, jobId: made.jobId });
      else if (queued && queued.prompt === prompt) duplicates.push({ imageId, seed, candidateId: null, jobId: queued.jobId });
      else items.push({ key, payload });
    }
  }
  return { images, items, withoutPrompt, duplicates };
}

function repeatText(d: GenerateRepeat): string {
  return d.candidateId !== null ? `image ${d.imageId} seed ${d.seed} is candidate #${d.candidateId}` : `image ${d.imageId} seed ${d.seed} is pending in job ${d.jobId}`;
}

export function generateHandlers(ctx: StudioContext): Pick<Handlers, 'generate.start' | 'generate.preview' | 'generate.live'> {
  const empty = (source: GenerateSource) => {
    const hint = source.type === 'subset' ? 'no InD subset is selected yet; pick classes or images instead' : 'none of the chosen images is a usable InD training image';
    return new ApiError('invalid_input', `nothing to generate from: ${hint}`, [{ path: 'source', message: 'empty' }]);
  };
  return {
    'generate.preview': ({ source, settings }) => {
      const { db } = ctx.project();
      const p = planGeneration(db, source, settings);
      return { images: p.images.length, items: p.items.length + p.duplicates.length, withoutPrompt: p.withoutPrompt, duplicates: p.duplicates };
    },
    'generate.start': ({ source, settings }) => {
      const { db } = ctx.project();
      const { images, items, withoutPrompt, duplicates } = planGeneration(db, source, settings);
      if (images.length === 0) throw empty(source);
      if (items.length === 0) {
        throw new ApiError(
          'conflict',
          `all ${duplicates.length} item${duplicates.length === 1 ? '' : 's'} would repeat a candidate (same source image, seed, settings and prompt; e.g. ${repeatText(duplicates[0]!)}): change the seed or a setting to make new ones`,
          [{ path: 'settings.seed', message: 'every item would repeat' }],
        );
      }
      const title = `Generate ${items.length} candidate${items.length === 1 ? '' : 's'} (${settings.objective}, ${settings.iterations} it, strength ${settings.strength})`;
      const jobId = new JobStore(db).enqueue(generateCandidatesJob.kind, title, { settings }, items);
      ctx.wakeJobs();
      const missing = new Set(withoutPrompt);
      return { jobId, items: items.length, skipped: duplicates.length, withoutPrompt: items.filter((i) => missing.has(i.payload.imageId)).length };
    },
    'generate.live': ({ jobId }) => {
      const { db } = ctx.project();
      const done = countForJob(db, jobId);
      const r = latestForJob(db, jobId);
      return {
        done,
        latest: r ? { candidateId: r.id, thumbPath: r.thumb_path, sourceThumbPath: r.source_thumb, previews: readPreviews(r.previews_json), losses: readLosses(r.losses_json) } : null,
      };
    },
  };
}
