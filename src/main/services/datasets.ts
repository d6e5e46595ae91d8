import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { JobStore } from '../store/jobs';
import { scanSource } from '../pipeline/import/scan';
import { datasetImportJob, type ParamsOf } from '../../shared/jobs';
import { classesWithImageCounts, insertClass } from '../store/classes';
import { decodeCursor, encodeCursor } from './cursor';
import type { StudioContext } from './context';
import { datasetNameTaken, datasetSummaries, insertDataset } from '../store/datasets';
import { imagePage } from '../store/images';

export function datasetHandlers(ctx: StudioContext): Pick<Handlers, 'dataset.import' | 'dataset.list' | 'dataset.classes' | 'image.list'> {
  return {
    'dataset.import': ({ name, kind, source, paceMs }) => {
      const { db } = ctx.project();
      if (datasetNameTaken(db, name)) throw new ApiError('conflict', `a dataset named '${name}' already exists`, [{ path: 'name', message: 'taken' }]);
      const scanned = scanSource(source);
      if (scanned.files.length === 0) throw new ApiError('invalid_input', `no images found in ${scanned.root}`, [{ path: 'source.path', message: 'no image files' }]);
      const jobs = new JobStore(db);
      const out = db.transaction(() => {
        const datasetId = insertDataset(db, { name, kind, sourcePath: scanned.root, sourceJson: JSON.stringify(source), createdAt: Date.now() });
        const classIds = new Map<string, number>();
        scanned.classes.forEach((c, idx) => classIds.set(c, insertClass(db, datasetId, c, idx)));
        const params: ParamsOf<typeof datasetImportJob.kind> = { datasetId, root: scanned.root, ...(paceMs ? { paceMs } : {}) };
        const items = scanned.files.map((f) => ({
          key: f.rel,
          payload: { src: f.src, rel: f.rel, classId: f.className === null ? null : classIds.get(f.className)! },
        }));
        const jobId = jobs.enqueue(datasetImportJob.kind, `Import ${name} (${items.length} files)`, params, items);
        return { datasetId, jobId };
      })();
      ctx.changed('datasets');
      ctx.wakeJobs();
      return out;
    },
    'dataset.list': () => {
      const { db } = ctx.project();
      const rows = datasetSummaries(db);
      return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, sourcePath: r.source_path, createdAt: r.created_at, imageCount: r.image_count, skippedCount: r.skipped_count, classCount: r.class_count }));
    },
    'dataset.classes': ({ datasetId }) => {
      const { db } = ctx.project();
      return classesWithImageCounts(db, datasetId);
    },
    'image.list': ({ datasetId, classId, status, after, limit }) => {
      const { db } = ctx.project();
      const rows = imagePage(db, { datasetId, classId, status, afterId: after ? decodeCursor(after).id : undefined, limit: limit + 1 });
      const more = rows.length > limit;
      const items = rows.slice(0, limit);
      return { items, next: more ? encodeCursor({ v: null, id: items[items.length - 1]!.id }) : null };
    },
  };
}
