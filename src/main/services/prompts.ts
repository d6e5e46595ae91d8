import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { fitElements, type PromptImage, type PromptScope, type PromptVersion } from '../../shared/api/routes/prompts';
import type { Db } from '../store/db';
import { JobStore } from '../store/jobs';
import { describeImagesJob } from '../../shared/jobs';
import { decodeCursor, encodeCursor } from './cursor';
import { parseJson } from './json';
import type { StudioContext } from './context';

interface VersionRow {
  id: number;
  image_id: number;
  version: number;
  author: 'model' | 'human';
  model: string | null;
  raw_answer: string | null;
  elements_json: string;
  prompt: string;
  created_at: number;
}

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

/** The newest version per image is the current one (the table is append-only). */
function currentVersion(db: Db, imageId: number): VersionRow | undefined {
  return db.prepare('SELECT * FROM prompt_versions WHERE image_id = ? ORDER BY version DESC LIMIT 1').get(imageId) as VersionRow | undefined;
}

/**
 * Appends a human version. Its elements are fitted to prompt.save's limits (fitElements), so a revert to an older
 * over-long describer version, or a find/replace that lengthens an element, never stores what cannot be saved again.
 */
function addVersion(db: Db, imageId: number, v: { elements: string[]; prompt: string; rawAnswer: string | null; model: string | null }): PromptVersion {
  const elements = fitElements(v.elements).elements;
  const next = ((db.prepare('SELECT max(version) FROM prompt_versions WHERE image_id = ?').pluck().get(imageId) as number | null) ?? 0) + 1;
  const id = Number(
    db
      .prepare("INSERT INTO prompt_versions (image_id, version, author, model, raw_answer, elements_json, prompt, created_at) VALUES (?, ?, 'human', ?, ?, ?, ?, ?)")
      .run(imageId, next, v.model, v.rawAnswer, JSON.stringify(elements), v.prompt, Date.now()).lastInsertRowid,
  );
  return toVersion(db.prepare('SELECT * FROM prompt_versions WHERE id = ?').get(id) as VersionRow);
}

const IMAGE_SELECT = `SELECT i.id AS imageId, i.dataset_id AS datasetId, i.class_id AS classId, c.name AS className, i.path, i.thumb_path AS thumbPath
  FROM images i JOIN datasets d ON d.id = i.dataset_id LEFT JOIN classes c ON c.id = i.class_id`;

function withCurrent(db: Db, rows: Omit<PromptImage, 'current'>[]): PromptImage[] {
  const cur = db.prepare('SELECT * FROM prompt_versions WHERE image_id = ? ORDER BY version DESC LIMIT 1');
  return rows.map((r) => {
    const v = cur.get(r.imageId) as VersionRow | undefined;
    return { ...r, current: v ? toVersion(v) : null };
  });
}

function scopeImageIds(db: Db, scope: PromptScope): number[] {
  if (scope.type === 'images') return scope.ids;
  return db.prepare('SELECT id FROM images WHERE class_id = ? AND skip_reason IS NULL ORDER BY id').pluck().all(scope.classId) as number[];
}

export function promptHandlers(ctx: StudioContext): Pick<Handlers, 'prompt.images' | 'prompt.get' | 'prompt.save' | 'prompt.revert' | 'prompt.replace' | 'prompt.describe'> {
  return {
    'prompt.images': ({ datasetId, classId, after, limit }) => {
      const { db } = ctx.project();
      const where = ['i.skip_reason IS NULL'];
      const params: unknown[] = [];
      if (datasetId !== undefined) {
        where.push('i.dataset_id = ?');
        params.push(datasetId);
      } else where.push("d.kind = 'ind-train'");
      if (classId !== undefined) {
        where.push('i.class_id = ?');
        params.push(classId);
      }
      if (after) {
        where.push('i.id > ?');
        params.push(decodeCursor(after).id);
      }
      const rows = db.prepare(`${IMAGE_SELECT} WHERE ${where.join(' AND ')} ORDER BY i.id LIMIT ?`).all(...params, limit + 1) as Omit<PromptImage, 'current'>[];
      const more = rows.length > limit;
      const items = withCurrent(db, rows.slice(0, limit));
      return { items, next: more ? encodeCursor({ v: null, id: items[items.length - 1]!.imageId }) : null };
    },
    'prompt.get': ({ imageId }) => {
      const { db } = ctx.project();
      const row = db.prepare(`${IMAGE_SELECT} WHERE i.id = ?`).get(imageId) as Omit<PromptImage, 'current'> | undefined;
      if (!row) throw new ApiError('not_found', `image ${imageId} does not exist`);
      const versions = (db.prepare('SELECT * FROM prompt_versions WHERE image_id = ? ORDER BY version DESC').all(imageId) as VersionRow[]).map(toVersion);
      return { image: { ...row, current: versions[0] ?? null }, filePath: row.path, versions };
    },
    'prompt.save': ({ imageId, elements, prompt }) => {
      const { db } = ctx.project();
      if (!db.prepare('SELECT 1 FROM images WHERE id = ?').get(imageId)) throw new ApiError('not_found', `image ${imageId} does not exist`);
      // The raw VLM answer stays attached to every later version, so the editor can always show what the model said.
      const prev = currentVersion(db, imageId);
      const out = db.transaction(() => addVersion(db, imageId, { elements, prompt, rawAnswer: prev?.raw_answer ?? null, model: prev?.model ?? null }))();
      ctx.changed('prompts');
      return out;
    },
    'prompt.revert': ({ imageId, versionId }) => {
      const { db } = ctx.project();
      const old = db.prepare('SELECT * FROM prompt_versions WHERE id = ? AND image_id = ?').get(versionId, imageId) as VersionRow | undefined;
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
    'prompt.describe': ({ imageIds }) => {
      const { db } = ctx.project();
      const known = db.prepare('SELECT count(*) FROM images WHERE id IN (SELECT value FROM json_each(?))').pluck().get(JSON.stringify(imageIds)) as number;
      if (known !== new Set(imageIds).size) throw new ApiError('not_found', `${new Set(imageIds).size - known} of the selected images do not exist`);
      const jobId = new JobStore(db).enqueue(
        describeImagesJob.kind,
        `Describe ${imageIds.length} image${imageIds.length === 1 ? '' : 's'} (VLM)`,
        {},
        imageIds.map((id) => ({ key: String(id), payload: { imageId: id } })),
      );
      ctx.wakeJobs();
      return { jobId };
    },
  };
}
