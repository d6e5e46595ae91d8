import { z } from 'zod';
import { route } from '../route';

/** docs/METHOD.md §1: per class, the top k training images by file bytes / (width·height). */
export const SubsetSelection = z.object({
  /** InD training datasets whose flags were rewritten. */
  datasets: z.number().int(),
  classes: z.number().int(),
  selected: z.number().int(),
  /** Usable images left out because they have no class (a flat import): a subset is chosen per class. */
  unclassed: z.number().int(),
});
export type SubsetSelection = z.infer<typeof SubsetSelection>;

export const selectRoutes = {
  'subset.select': route(
    z.object({ datasetId: z.number().int().optional(), k: z.number().int().min(1).max(100_000).default(50) }).strict(),
    SubsetSelection,
    'Mark the InD subset (top k images per class by bytes per pixel); without datasetId, every InD-train dataset',
  ),
} as const;
