import type { JobHandler } from '../../jobs/handler';
import { importOne } from './import-item';

export interface ImportParams {
  datasetId: number;
  root: string;
  /** Milliseconds to wait after each item: lets a user keep a laptop responsive during a long import. */
  paceMs?: number;
}

export interface ImportItemPayload {
  src: string;
  rel: string;
  classId: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Job kind 'dataset.import': one item per source file; a corrupt file becomes a skipped row with its reason. */
export const importHandler: JobHandler<ImportParams, ImportItemPayload> = {
  kind: 'dataset.import',
  touches: 'images',
  async runItem(ctx, params, item) {
    const out = await importOne({ src: item.payload.src, rel: item.payload.rel, root: params.root, projectRoot: ctx.project.paths.root, datasetId: params.datasetId, seq: item.seq });
    if (params.paceMs) await sleep(params.paceMs);
    return (db) => {
      db.prepare(
        'INSERT INTO images (dataset_id, class_id, path, width, height, bytes, sha256, skip_reason, thumb_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        params.datasetId,
        item.payload.classId,
        out.ok ? out.storedRel : item.payload.rel,
        out.ok ? out.width : null,
        out.ok ? out.height : null,
        out.bytes,
        out.ok ? out.sha256 : null,
        out.ok ? null : out.reason,
        out.ok ? out.thumbRel : null,
      );
    };
  },
};
