import { ApiError } from '../../../shared/api/errors';
import type { SubsetSelection } from '../../../shared/api/routes/select';
import { selectInDSubset, type ImageRecord } from '../../ood';
import type { Db } from '../../store/db';

/** The InD training datasets a selection covers: one named dataset, or all of them. */
function targetDatasets(db: Db, datasetId: number | undefined): number[] {
  if (datasetId === undefined) return db.prepare("SELECT id FROM datasets WHERE kind = 'ind-train' ORDER BY id").pluck().all() as number[];
  const kind = db.prepare('SELECT kind FROM datasets WHERE id = ?').pluck().get(datasetId) as string | undefined;
  if (kind === undefined) throw new ApiError('not_found', `dataset ${datasetId} does not exist`);
  if (kind !== 'ind-train') throw new ApiError('invalid_input', `dataset ${datasetId} is ${kind}: the subset is chosen from InD training images`, [{ path: 'datasetId', message: 'not ind-train' }]);
  return [datasetId];
}

/**
 * Rewrites `images.selected` for the target datasets: the previous selection there is cleared and the top k of
 * each class (ranking in ood/subset.ts) is marked, in one transaction, so a reader never sees half a subset.
 * Skipped images and images without a class never enter the ranking.
 */
export function selectSubset(db: Db, opts: { datasetId?: number; k: number }): SubsetSelection {
  const datasets = targetDatasets(db, opts.datasetId);
  const list = JSON.stringify(datasets);
  const rows = db
    .prepare(
      `SELECT id, class_id AS classId, bytes, width, height, path FROM images
       WHERE dataset_id IN (SELECT value FROM json_each(?)) AND skip_reason IS NULL AND class_id IS NOT NULL AND width > 0 AND height > 0`,
    )
    .all(list) as (Omit<ImageRecord, 'id'> & { id: number })[];
  const unclassed = db
    .prepare('SELECT count(*) FROM images WHERE dataset_id IN (SELECT value FROM json_each(?)) AND skip_reason IS NULL AND class_id IS NULL')
    .pluck()
    .get(list) as number;
  const chosen = selectInDSubset(rows.map((r) => ({ ...r, id: String(r.id) })), opts.k);
  db.transaction(() => {
    db.prepare('UPDATE images SET selected = 0 WHERE dataset_id IN (SELECT value FROM json_each(?)) AND selected = 1').run(list);
    const mark = db.prepare('UPDATE images SET selected = 1 WHERE id = ?');
    for (const c of chosen) mark.run(Number(c.record.id));
  })();
  return { datasets: datasets.length, classes: new Set(chosen.map((c) => c.record.classId)).size, selected: chosen.length, unclassed };
}
