import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import type { Dataset, ImageRow } from '../../shared/api/routes/datasets';
import { JobStore } from '../store/jobs';
import { scanSource } from '../pipeline/import/scan';
import { datasetImportJob, type ParamsOf } from '../../shared/jobs';
import { decodeCursor, encodeCursor } from './cursor';
import type { StudioContext } from './context';

export function datasetHandlers(ctx: StudioContext): Pick<Handlers, 'dataset.import' | 'dataset.list' | 'dataset.classes' | 'image.list'> {
  return {
    'dataset.import': ({ name, kind, source, paceMs }) => {
      const { db } = ctx.project();
      if (db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(name)) throw new ApiError('conflict', `a dataset named '${name}' already exists`, [{ path: 'name', message: 'taken' }]);
      const scanned = scanSource(source);
      if (scanned.files.length === 0) throw new ApiError('invalid_input', `no images found in ${scanned.root}`, [{ path: 'source.path', message: 'no image files' }]);
      const jobs = new JobStore(db);
      const out = db.transaction(() => {
        const datasetId = Number(
          db.prepare('INSERT INTO datasets (name, kind, source_path, source_json, created_at) VALUES (?, ?, ?, ?, ?)').run(name, kind, scanned.root, JSON.stringify(source), Date.now()).lastInsertRowid,
        );
        const classIds = new Map<string, number>();
        const insClass = db.prepare('INSERT INTO classes (dataset_id, name, idx) VALUES (?, ?, ?)');
        scanned.classes.forEach((c, idx) => classIds.set(c, Number(insClass.run(datasetId, c, idx).lastInsertRowid)));
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
      const rows = db
        .prepare(
          `SELECT d.id, d.name, d.kind, d.source_path, d.created_at,
             (SELECT count(*) FROM images i WHERE i.dataset_id = d.id AND i.skip_reason IS NULL) AS image_count,
             (SELECT count(*) FROM images i WHERE i.dataset_id = d.id AND i.skip_reason IS NOT NULL) AS skipped_count,
             (SELECT count(*) FROM classes c WHERE c.dataset_id = d.id) AS class_count
           FROM datasets d ORDER BY d.id`,
        )
        .all() as { id: number; name: string; kind: Dataset['kind']; source_path: string; created_at: number; image_count: number; skipped_count: number; class_count: number }[];
      return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, sourcePath: r.source_path, createdAt: r.created_at, imageCount: r.image_count, skippedCount: r.skipped_count, classCount: r.class_count }));
    },
    'dataset.classes': ({ datasetId }) => {
      const { db } = ctx.project();
      return db
        .prepare('SELECT c.id, c.name, (SELECT count(*) FROM images i WHERE i.class_id = c.id AND i.skip_reason IS NULL) AS imageCount FROM classes c WHERE c.dataset_id = ? ORDER BY c.idx')
        .all(datasetId) as { id: number; name: string; imageCount: number }[];
    },
    'image.list': ({ datasetId, classId, status, after, limit }) => {
      const { db } = ctx.project();
      const where = ['i.dataset_id = ?'];
      const params: unknown[] = [datasetId];
      if (classId !== undefined && classId !== null) {
        where.push('i.class_id = ?');
        params.push(classId);
      }
      if (status === 'ok') where.push('i.skip_reason IS NULL');
      if (status === 'skipped') where.push('i.skip_reason IS NOT NULL');
      if (after) {
        where.push('i.id > ?');
        params.push(decodeCursor(after).id);
      }
      const rows = db
        .prepare(
          `SELECT i.id, i.dataset_id AS datasetId, i.class_id AS classId, c.name AS className, i.path, i.width, i.height, i.bytes, i.sha256, i.skip_reason AS skipReason, i.thumb_path AS thumbPath
           FROM images i LEFT JOIN classes c ON c.id = i.class_id WHERE ${where.join(' AND ')} ORDER BY i.id LIMIT ?`,
        )
        .all(...params, limit + 1) as ImageRow[];
      const more = rows.length > limit;
      const items = rows.slice(0, limit);
      return { items, next: more ? encodeCursor({ v: null, id: items[items.length - 1]!.id }) : null };
    },
  };
}
