import { ApiError } from '../../../shared/api/errors';
import type { SubsetSelection } from '../../../shared/api/routes/select';
import { selectInDSubset, type ImageRecord } from '../../ood';
import type { Db } from '../../store/db';
import { datasetIdsOfKind, datasetKind } from '../../store/datasets';
import { countUnclassedUsable, rankableImages, replaceSelection } from '../../store/images';

/** The InD training datasets a selection covers: one named dataset, or all of them. */
function targetDatasets(db: Db, datasetId: number | undefined): number[] {
  if (datasetId === undefined) return datasetIdsOfKind(db, 'ind-train');
  const kind = datasetKind(db, datasetId);
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
  const rows: (Omit<ImageRecord, 'id'> & { id: number })[] = rankableImages(db, datasets);
  const unclassed = countUnclassedUsable(db, datasets);
  const chosen = selectInDSubset(rows.map((r) => ({ ...r, id: String(r.id) })), opts.k);
  db.transaction(() => replaceSelection(db, datasets, chosen.map((c) => Number(c.record.id))))();
  return { datasets: datasets.length, classes: new Set(chosen.map((c) => c.record.classId)).size, selected: chosen.length, unclassed };
}
