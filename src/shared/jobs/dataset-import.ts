import { z } from 'zod';
import { defineJob, NoItemResult } from './contract';

/** 'dataset.import': one item per source file; a corrupt file becomes a skipped images row with its reason. */
export const datasetImportJob = defineJob({
  kind: 'dataset.import',
  params: z.object({
    datasetId: z.number().int(),
    /** The scanned folder (or list file's folder) the items' `src` paths are under. */
    root: z.string().min(1),
    /** Milliseconds to wait after each item: lets a user keep a laptop responsive during a long import. */
    paceMs: z.number().int().min(0).optional(),
  }),
  payload: z.object({ src: z.string(), rel: z.string(), classId: z.number().int().nullable() }),
  result: NoItemResult,
  touches: 'images',
  refreshes: ['datasets', 'images'],
});
