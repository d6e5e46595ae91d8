import { z } from 'zod';
import { BIG_OUTPUT, route } from '../route';
import { CandidateFilter, CandidateRow } from './candidates';

/** Above this source-class probability a candidate still looks like its source class: a suggested reject. */
export const SUGGEST_REJECT_PROB = 0.5;

export const IterationPreview = z.object({ iteration: z.number().int(), path: z.string(), loss: z.number().nullable() });
export type IterationPreview = z.infer<typeof IterationPreview>;

export const CandidateDetail = CandidateRow.extend({
  classId: z.number().int().nullable(),
  sourceFilePath: z.string().nullable(),
  /** Iteration 1's decode: the same seed before any guidance update. Null for candidates made without it (older ones). */
  unguidedFilePath: z.string().nullable(),
  prompt: z.string().nullable(),
  promptVersion: z.number().int().nullable(),
  promptAuthor: z.enum(['model', 'human']).nullable(),
  previews: z.array(IterationPreview),
  losses: z.array(z.number()),
  config: z.record(z.string(), z.unknown()),
  jobId: z.number().int().nullable(),
  assignments: z.array(z.object({ label: z.string(), prob: z.number(), margin: z.number(), source: z.enum(['model', 'human']), createdAt: z.number() })),
});
export type CandidateDetail = z.infer<typeof CandidateDetail>;

const StatusCounts = z.object({ new: z.number().int(), accepted: z.number().int(), rejected: z.number().int() });

export const candidateDetailRoutes = {
  'candidate.get': route(z.object({ id: z.number().int() }).strict(), CandidateDetail, 'One candidate with its prompt, per-iteration images and label history'),
  'candidate.rows': route(z.object({ ids: z.array(z.number().int()).max(2000) }).strict(), z.array(CandidateRow), 'Fresh rows for candidates already on screen', BIG_OUTPUT),
  'curation.counts': route(z.object({ filter: CandidateFilter.default({}) }).strict(), StatusCounts.extend({ suggestedRejects: z.number().int() }), 'Status counts of a filtered view, and how many undecided (new) ones in it have a high source-class probability (suggested rejects)'),
  'curation.state': route(
    z.object({}).strict(),
    z.object({ canUndo: z.boolean(), canRedo: z.boolean(), batches: z.number().int() }),
    'Whether undo/redo has anything to do (the log survives restarts)',
  ),
} as const;
