import { z } from 'zod';
import { BIG_OUTPUT, route } from '../route';
import { PageRequest, page } from '../pagination';

export const DatasetKind = z.enum(['ind-train', 'ind-test', 'ood-test']);
export type DatasetKind = z.infer<typeof DatasetKind>;

export const DatasetSource = z.discriminatedUnion('type', [
  /** ImageFolder: one sub-folder per class; flat: all images in one folder, no class. */
  z.object({ type: z.literal('folder'), path: z.string().min(1).max(4096), layout: z.enum(['imagefolder', 'flat']) }),
  /** A list file, one `relative/path [label]` per line, as the OOD benchmarks ship them. */
  z.object({ type: z.literal('list'), path: z.string().min(1).max(4096), root: z.string().min(1).max(4096).optional() }),
]);
export type DatasetSource = z.infer<typeof DatasetSource>;

export const Dataset = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: DatasetKind,
  sourcePath: z.string(),
  imageCount: z.number().int(),
  skippedCount: z.number().int(),
  classCount: z.number().int(),
  createdAt: z.number(),
});
export type Dataset = z.infer<typeof Dataset>;

export const ImageRow = z.object({
  id: z.number().int(),
  datasetId: z.number().int(),
  classId: z.number().int().nullable(),
  className: z.string().nullable(),
  path: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  bytes: z.number().int(),
  sha256: z.string().nullable(),
  skipReason: z.string().nullable(),
  thumbPath: z.string().nullable(),
});
export type ImageRow = z.infer<typeof ImageRow>;

export const datasetRoutes = {
  'dataset.import': route(
    z.object({ name: z.string().min(1).max(200), kind: DatasetKind, source: DatasetSource, paceMs: z.number().int().min(0).max(10_000).optional() }).strict(),
    z.object({ datasetId: z.number().int(), jobId: z.number().int() }),
    'Import images as a dataset (a resumable job; corrupt files are skipped with a reason)',
  ),
  'dataset.list': route(z.object({}).strict(), z.array(Dataset), 'Datasets of the open project with counts'),
  'dataset.classes': route(
    z.object({ datasetId: z.number().int() }).strict(),
    z.array(z.object({ id: z.number().int(), name: z.string(), imageCount: z.number().int() })),
    'Classes of a dataset with image counts',
  ),
  'image.list': route(
    PageRequest.extend({
      datasetId: z.number().int(),
      classId: z.number().int().nullable().optional(),
      status: z.enum(['ok', 'skipped', 'all']).default('ok'),
    }).strict(),
    page(ImageRow),
    'A page of a dataset\'s images (keyset)',
    BIG_OUTPUT,
  ),
} as const;
