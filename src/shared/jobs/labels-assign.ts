import { z } from 'zod';
import { AssignLabelsParams } from '../api/routes/assign';
import { defineJob, NoItemResult } from './contract';

/** Candidates per job item (one image-encoder batch or two). */
export const ASSIGN_BATCH = 64;

/** 'labels.assign' (docs/METHOD.md §5): the route's params, one item per batch of candidates. */
export const labelsAssignJob = defineJob({
  kind: 'labels.assign',
  params: AssignLabelsParams,
  payload: z.object({ candidateIds: z.array(z.number().int()) }),
  result: NoItemResult,
  touches: 'candidates',
  refreshes: ['candidates', 'labels'],
});

export type AssignItem = z.infer<typeof labelsAssignJob.payload>;

export function assignItems(candidateIds: number[]): { key: string; payload: AssignItem }[] {
  const items: { key: string; payload: AssignItem }[] = [];
  for (let i = 0; i < candidateIds.length; i += ASSIGN_BATCH) {
    const ids = candidateIds.slice(i, i + ASSIGN_BATCH);
    items.push({ key: `candidates ${ids[0]}–${ids[ids.length - 1]}`, payload: { candidateIds: ids } });
  }
  return items;
}
