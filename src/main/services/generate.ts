import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import type { GenerateSource } from '../../shared/api/routes/generate';
import type { Db } from '../store/db';
import { JobStore } from '../jobs/job-store';
import { readLosses, readPreviews } from './candidate-detail';
import type { StudioContext } from './context';

/** Job kind the generation stage registers; until it does, the runner fails such a job with 'no handler'. */
export const GENERATE_JOB_KIND = 'generate.candidates';

/** The usable InD training images a generate (or sharded describe/generate) source names, in id order. */
export function sourceImages(db: Db, source: GenerateSource): number[] {
  const ok = "skip_reason IS NULL AND dataset_id IN (SELECT id FROM datasets WHERE kind = 'ind-train')";
  switch (source.type) {
    case 'subset':
      return db.prepare(`SELECT id FROM images WHERE selected = 1 AND ${ok} ORDER BY id`).pluck().all() as number[];
    case 'classes':
      return db.prepare(`SELECT id FROM images WHERE class_id IN (SELECT value FROM json_each(?)) AND ${ok} ORDER BY id`).pluck().all(JSON.stringify(source.classIds)) as number[];
    case 'images':
      return db.prepare(`SELECT id FROM images WHERE id IN (SELECT value FROM json_each(?)) AND ${ok} ORDER BY id`).pluck().all(JSON.stringify(source.imageIds)) as number[];
  }
}

export function generateHandlers(ctx: StudioContext): Pick<Handlers, 'generate.start' | 'generate.live'> {
  return {
    'generate.start': ({ source, settings }) => {
      const { db } = ctx.project();
      const images = sourceImages(db, source);
      if (images.length === 0) {
        const hint = source.type === 'subset' ? 'no InD subset is selected yet; pick classes or images instead' : 'none of the chosen images is a usable InD training image';
        throw new ApiError('invalid_input', `nothing to generate from: ${hint}`, [{ path: 'source', message: 'empty' }]);
      }
      const prompt = db.prepare('SELECT id FROM prompt_versions WHERE image_id = ? ORDER BY version DESC LIMIT 1').pluck();
      const items = images.flatMap((imageId) =>
        Array.from({ length: settings.perImage }, (_, k) => {
          const seed = settings.seed + k;
          // The prompt version is pinned when queued, so later edits do not change what a queued item generates.
          return { key: `${imageId}:${seed}`, payload: { imageId, seed, promptVersionId: (prompt.get(imageId) as number | undefined) ?? null } };
        }),
      );
      const title = `Generate ${items.length} candidate${items.length === 1 ? '' : 's'} (${settings.objective}, ${settings.iterations} it, strength ${settings.strength})`;
      const jobId = new JobStore(db).create(GENERATE_JOB_KIND, title, { settings }, items);
      ctx.wakeJobs();
      return { jobId, items: items.length };
    },
    'generate.live': ({ jobId }) => {
      const { db } = ctx.project();
      const done = db.prepare('SELECT count(*) FROM candidates WHERE job_id = ?').pluck().get(jobId) as number;
      const r = db
        .prepare('SELECT c.id, c.thumb_path, c.previews_json, c.losses_json, si.thumb_path AS source_thumb FROM candidates c LEFT JOIN images si ON si.id = c.source_image_id WHERE c.job_id = ? ORDER BY c.id DESC LIMIT 1')
        .get(jobId) as { id: number; thumb_path: string | null; previews_json: string; losses_json: string; source_thumb: string | null } | undefined;
      return {
        done,
        latest: r ? { candidateId: r.id, thumbPath: r.thumb_path, sourceThumbPath: r.source_thumb, previews: readPreviews(r.previews_json), losses: readLosses(r.losses_json) } : null,
      };
    },
  };
}
