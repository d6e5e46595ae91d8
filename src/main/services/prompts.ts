import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { fitElements, type PromptImage, type PromptScope, type PromptVersion } from '../../shared/api/routes/prompts';
import type { Db } from '../store/db';
import { JobStore } from '../store/jobs';
import { describeImagesJob } from '../../shared/jobs';
import { decodeCursor, encodeCursor } from './cursor';
import { parseJson } from './json';
import type { StudioContext } from './context';
import { countExisting, imageExists, promptImage, promptImagePage, usableIdsOfClass, type PromptImageRow } from '../store/images';
import { currentVersion, insertVersion, nextVersion, versionById, versionOfImage, versionsOfImage, type PromptVersionRow } from '../store/prompts';

type VersionRow = PromptVersionRow;

function toVersion(r: VersionRow): PromptVersion {
  const elements = parseJson<unknown>(r.elements_json, []);
  return {
    id: r.id,
    imageId: r.image_id,
    version: r.version,
    author: r.author,
    model: r.model,
    rawAnswer: r.raw_answer,
    elements: Array.isArray(elements) ? elements.map(String) : [],
    prompt: r.prompt,
    createdAt: r.created_at,
  };
}

/**
 * Appends a human version. Its elements are fitted to prompt.save's limits (fitElements), so a revert to an older
 * over-long describer version, or a find/replace that lengthens an element, never stores what cannot be saved again.
 */
function addVersion(db: Db, imageId: number, v: { elements: string[]; prompt: string; rawAnswer: string | null; model: string | null }): PromptVersion {
  const elements = fitElements(v.elements).elements;
  const next = nextVersion(db, imageId);
  const id = insertVersion(db, { imageId, version: next, author: 'human', model: v.model, rawAnswer: v.rawAnswer, elementsJson: JSON.stringify(elements), prompt: v.prompt, createdAt: Date.now() });
  const row = versionById(db, id);
  if (!row) throw new Error(`prompt version ${id} vanished right after it was written`);
  return toVersion(row);
}

function withCurrent(db: Db, rows: PromptImageRow[]): PromptImage[] {
  return rows.map((r) => {
    const v = currentVersion(db, r.imageId);
    return { ...r, current: v ? toVersion(v) : null };
  });
}

function scopeImageIds(db: Db, scope: PromptScope): number[] {
  if (scope.type === 'images') return scope.ids;
  return usableIdsOfClass(db, scope.classId);
}

export function promptHandlers(ctx: StudioContext): Pick<Handlers, 'prompt.images' | 'prompt.get' | 'prompt.save' | 'prompt.revert' | 'prompt.replace' | 'prompt.describe'> {
  return {
    'prompt.images': ({ datasetId, classId, after, limit }) => {
      const { db } = ctx.project();
      const rows = promptImagePage(db, { datasetId, classId, afterId: after ? decodeCursor(after).id : undefined, limit: limit + 1 });
      const more = rows.length > limit;
      const items = withCurrent(db, rows.slice(0, limit));
      return { items, next: more ? encodeCursor({ v: null, id: items[items.length - 1]!.imageId }) : null };
    },
    'prompt.get': ({ imageId }) => {
      const { db } = ctx.project();
      const row = promptImage(db, imageId);
      if (!row) throw new ApiError('not_found', `image ${imageId} does not exist`);
      const versions = versionsOfImage(db, imageId).map(toVersion);
      return { image: { ...row, current: versions[0] ?? null }, filePath: row.path, versions };
    },
    'prompt.save': ({ imageId, elements, prompt }) => {
      const { db } = ctx.project();
      if (!imageExists(db, imageId)) throw new ApiError('not_found', `image ${imageId} does not exist`);
      // The raw VLM answer stays attached to every later version, so the editor can always show what the model said.
      const prev = currentVersion(db, imageId);
      const out = db.transaction(() => addVersion(db, imageId, { elements, prompt, rawAnswer: prev?.raw_answer ?? null, model: prev?.model ?? null }))();
      ctx.changed('prompts');
      return out;
    },
    'prompt.revert': ({ imageId, versionId }) => {
      const { db } = ctx.project();
      const old = versionOfImage(db, versionId, imageId);
      if (!old) throw new ApiError('not_found', `image ${imageId} has no prompt version ${versionId}`);
      const v = toVersion(old);
      const out = db.transaction(() => addVersion(db, imageId, { elements: v.elements, prompt: v.prompt, rawAnswer: v.rawAnswer, model: v.model }))();
      ctx.changed('prompts');
      return out;
    },
    'prompt.replace': ({ scope, find, replace, apply }) => {
      const { db } = ctx.project();
      const ids = scopeImageIds(db, scope);
      const examples: { imageId: number; before: string; after: string }[] = [];
      let matched = 0;
      const run = () => {
        for (const imageId of ids) {
          const cur = currentVersion(db, imageId);
          if (!cur) continue;
          const v = toVersion(cur);
          if (!v.prompt.includes(find) && !v.elements.some((e) => e.includes(find))) continue;
          matched++;
          const prompt = v.prompt.split(find).join(replace);
          const elements = v.elements.map((e) => e.split(find).join(replace).trim()).filter((e) => e.length > 0);
          if (examples.length < 5) examples.push({ imageId, before: v.prompt, after: prompt });
          if (apply) addVersion(db, imageId, { elements, prompt: prompt.trim() || v.prompt, rawAnswer: v.rawAnswer, model: v.model });
        }
      };
      if (apply) db.transaction(run)();
      else run();
      if (apply && matched) ctx.changed('prompts');
      return { matched, changed: apply ? matched : 0, examples };
    },
    'prompt.describe': ({ imageIds, nouns, topK, given }) => {
      const { db } = ctx.project();
      const known = countExisting(db, imageIds);
      if (known !== new Set(imageIds).size) throw new ApiError('not_found', `${new Set(imageIds).size - known} of the selected images do not exist`);
      if (given && nouns) throw new ApiError('invalid_input', 'give either nouns (CLIP-noun describer) or given descriptions, not both');
      if (given && given.elements.length !== imageIds.length) {
        throw new ApiError('invalid_input', `given.elements has ${given.elements.length} lists for ${imageIds.length} images; give one per image, in order`);
      }
      const params = { ...(nouns ? { nouns } : {}), ...(topK ? { topK } : {}), ...(given ? { givenSource: given.source } : {}) };
      const by = given ? given.source : nouns ? `CLIP nouns, ${nouns.length} words` : 'VLM';
      const jobId = new JobStore(db).enqueue(
        describeImagesJob.kind,
        `Describe ${imageIds.length} image${imageIds.length === 1 ? '' : 's'} (${by})`,
        params,
        imageIds.map((id, i) => ({ key: String(id), payload: given ? { imageId: id, given: given.elements[i]! } : { imageId: id } })),
      );
      ctx.wakeJobs();
      return { jobId };
    },
  };
}
