import { z } from 'zod';
import { BIG_OUTPUT, route } from '../route';
import { PageRequest, page } from '../pagination';
import { RecordedObjective } from '../../guidance';

export const CandidateStatus = z.enum(['new', 'accepted', 'rejected']);
export type CandidateStatus = z.infer<typeof CandidateStatus>;

/** What a stored candidate says made it, including objectives older versions recorded (docs/METHOD.md §3). */
export const Objective = RecordedObjective;
export type Objective = RecordedObjective;

/** Columns a curator can sort the gallery by; each is indexed. */
export const CandidateSort = z.enum(['created', 'energy', 'msp', 'neglabel_score', 'source_class_prob', 'label_margin']);
export type CandidateSort = z.infer<typeof CandidateSort>;

export const CandidateRow = z.object({
  id: z.number().int(),
  sourceImageId: z.number().int().nullable(),
  sourceClassName: z.string().nullable(),
  objective: Objective,
  status: CandidateStatus,
  seed: z.number().int(),
  energy: z.number().nullable(),
  msp: z.number().nullable(),
  neglabelScore: z.number().nullable(),
  sourceClassProb: z.number().nullable(),
  labelId: z.number().int().nullable(),
  label: z.string().nullable(),
  /** Who set the label: the assignment model, or a curator's relabel (which assignment never overwrites). */
  labelSource: z.enum(['model', 'human']).nullable(),
  labelMargin: z.number().nullable(),
  thumbPath: z.string().nullable(),
  filePath: z.string(),
  sourceThumbPath: z.string().nullable(),
  createdAt: z.number(),
});
export type CandidateRow = z.infer<typeof CandidateRow>;

const Range = z.object({ min: z.number().optional(), max: z.number().optional() }).strict();

export const CandidateFilter = z
  .object({
    classId: z.number().int().optional(),
    status: CandidateStatus.optional(),
    objective: Objective.optional(),
    labelId: z.number().int().optional(),
    energy: Range.optional(),
    msp: Range.optional(),
    neglabelScore: Range.optional(),
    sourceClassProb: Range.optional(),
  })
  .strict();
export type CandidateFilter = z.infer<typeof CandidateFilter>;

/**
 * What an undo or redo did. An entry whose candidate was changed since (by a later batch) is skipped rather than
 * overwritten: `skipped` counts those (absent when there was nothing to undo or redo: batch null).
 */
const UndoResult = z.object({ batch: z.number().int().nullable(), changed: z.number().int(), skipped: z.number().int().optional() });

const Decision = z.object({ status: CandidateStatus.optional(), labelId: z.number().int().nullable().optional() }).strict();

export const candidateRoutes = {
  'candidate.list': route(
    PageRequest.extend({
      filter: CandidateFilter.default({}),
      sort: CandidateSort.default('created'),
      desc: z.boolean().default(true),
      /** Count the whole filtered view on the first page; the gallery asks candidate.count in parallel instead, so its first page paints sooner. */
      withTotal: z.boolean().default(true),
    }).strict(),
    page(CandidateRow).extend({ total: z.number().int().nullable() }),
    'A page of candidates, filtered and sorted (keyset)',
    BIG_OUTPUT,
  ),
  'candidate.count': route(z.object({ filter: CandidateFilter.default({}) }).strict(), z.object({ total: z.number().int() }), 'How many candidates a filter matches'),
  'curation.decide': route(
    z
      .object({
        /** Explicit ids, or every candidate matching a filter (bulk action over the filtered view). */
        target: z.discriminatedUnion('type', [
          z.object({ type: z.literal('ids'), ids: z.array(z.number().int()).min(1).max(100_000) }),
          z.object({ type: z.literal('filter'), filter: CandidateFilter }),
        ]),
        decision: Decision,
      })
      .strict(),
    z.object({ batch: z.number().int(), changed: z.number().int() }),
    'Accept, reject or relabel candidates; one batch = one undo step',
  ),
  'curation.undo': route(
    z
      .object({
        /**
         * The batch to undo: a client undoes only what it decided itself (the studio keeps its own session's batches),
         * never another tool's. Without it, the newest applied batch, whoever made it (the log survives restarts).
         */
        batch: z.number().int().optional(),
      })
      .strict(),
    UndoResult,
    'Undo a decision batch: the given one (refused unless applied) or the newest applied one',
  ),
  'curation.redo': route(
    z.object({ /** The batch to redo (refused unless undone); without it, the last undone batch. */ batch: z.number().int().optional() }).strict(),
    UndoResult,
    'Redo an undone batch',
  ),
} as const;
