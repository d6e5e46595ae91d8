import { z } from 'zod';
import { LabelPool, MineLabelsParams, WordListRecord } from '../api/routes/mine-labels';
import { defineJob, NoItemResult } from './contract';

/** Candidates scored per job item: small enough that progress moves and a kill loses little. */
export const MINE_BATCH_WORDS = 512;

/**
 * A labels.mine job's recorded params: the route's params, plus what the API found in a word list when it queued
 * the job. Jobs queued before word lists existed have no `pool` (WordNet) and no `excludeInDClassNames` (they
 * always dropped InD class names): read them through poolOf / excludesInDClassNames.
 */
const MineLabelsJobParams = z.object({
  ...MineLabelsParams.shape,
  pool: LabelPool.optional(),
  excludeInDClassNames: z.boolean().optional(),
  wordList: WordListRecord.optional(),
});

/**
 * A batch of candidates [start, end) to score, the closing selection over every stored score, or (a fixed word
 * list) the one item that writes the list as the selected labels.
 */
const MineItem = z.union([
  z.object({ start: z.number().int().min(0), end: z.number().int().min(0) }),
  z.object({ select: z.literal(true) }),
  z.object({ fixed: z.literal(true) }),
]);

/** 'labels.mine' (docs/METHOD.md §4): score the candidate words in batches, then select; or take a fixed list. */
export const labelsMineJob = defineJob({
  kind: 'labels.mine',
  params: MineLabelsJobParams,
  payload: MineItem,
  result: NoItemResult,
  touches: 'labels',
  refreshes: ['labels'],
});

export type MineLabelsJobParams = z.infer<typeof MineLabelsJobParams>;
export type MineItem = z.infer<typeof MineItem>;

export function poolOf(params: Pick<MineLabelsJobParams, 'pool'>): LabelPool {
  return params.pool ?? { type: 'wordnet' };
}

export function excludesInDClassNames(params: Pick<MineLabelsJobParams, 'excludeInDClassNames'>): boolean {
  return params.excludeInDClassNames ?? true;
}

export function mineItems(candidateCount: number): { key: string; payload: MineItem }[] {
  const items: { key: string; payload: MineItem }[] = [];
  for (let start = 0; start < candidateCount; start += MINE_BATCH_WORDS) {
    const end = Math.min(candidateCount, start + MINE_BATCH_WORDS);
    items.push({ key: `score words ${start + 1}–${end}`, payload: { start, end } });
  }
  items.push({ key: 'select per part of speech', payload: { select: true } });
  return items;
}

export function fixedItems(labels: number): { key: string; payload: MineItem }[] {
  return [{ key: `use the ${labels.toLocaleString('en-US')} listed labels as the negative labels`, payload: { fixed: true } }];
}
