import { z } from 'zod';
import { route } from '../route';

export const AssignLabelsParams = z
  .object({
    /**
     * Which candidates get a model label: the accepted ones (what training uses), every candidate, or those with no
     * label yet (new candidates generated after the last assignment).
     */
    scope: z.enum(['accepted', 'all', 'unlabelled']).default('accepted'),
  })
  .strict();
export type AssignLabelsParams = z.infer<typeof AssignLabelsParams>;

export const assignRoutes = {
  'labels.assign': route(
    AssignLabelsParams,
    z.object({ jobId: z.number().int(), candidates: z.number().int(), items: z.number().int() }),
    'Queue a labels.assign job: give candidates the top-1 selected negative label (human relabels are kept) and their NegLabel score',
  ),
} as const;
