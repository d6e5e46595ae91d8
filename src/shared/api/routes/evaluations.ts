import { z } from 'zod';
import { BIG_OUTPUT, route } from '../route';

export const MetricsSummary = z.object({ auroc: z.number(), fpr95Mos: z.number(), fpr95OpenOod: z.number(), auprIn: z.number().nullable(), auprOut: z.number().nullable() });
export type MetricsSummary = z.infer<typeof MetricsSummary>;

export const EvaluationRow = MetricsSummary.extend({
  id: z.number().int(),
  runId: z.number().int(),
  oodName: z.string(),
  oodDatasetId: z.number().int().nullable(),
  nInd: z.number().int(),
  nOod: z.number().int(),
  switches: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
});
export type EvaluationRow = z.infer<typeof EvaluationRow>;

/** What evaluations.curves_json holds: a plotting-size ROC curve (InD positive) and InD/OOD histograms on shared bins. */
export const EvaluationCurves = z.object({
  roc: z.object({ fpr: z.array(z.number()), tpr: z.array(z.number()) }),
  hist: z.object({ edges: z.array(z.number()), ind: z.array(z.number()), ood: z.array(z.number()) }),
});
export type EvaluationCurves = z.infer<typeof EvaluationCurves>;

export const ScoringSwitches = z
  .object({
    /** Apply the trained projection to image features (§8: the official inference code is unpublished). */
    projection: z.boolean().default(true),
    /** Replace the assigned labels' text features with the tuned ones. */
    tunedLabels: z.boolean().default(true),
  })
  .strict();

export const evaluationRoutes = {
  'evaluation.list': route(
    z.object({ runId: z.number().int() }).strict(),
    z.object({ rows: z.array(EvaluationRow), average: MetricsSummary.nullable() }),
    'The newest evaluation per OOD set of a run, and their unweighted average',
  ),
  'evaluation.curves': route(
    z.object({ runIds: z.array(z.number().int()).min(1).max(12) }).strict(),
    z.array(z.object({ runId: z.number().int(), oodName: z.string(), curves: EvaluationCurves })),
    'ROC curves and score histograms of runs, per OOD set',
    BIG_OUTPUT,
  ),
  'evaluate.start': route(
    z.object({ runId: z.number().int(), oodDatasetIds: z.array(z.number().int()).max(100).default([]), switches: ScoringSwitches.default({ projection: true, tunedLabels: true }) }).strict(),
    z.object({ jobId: z.number().int(), sets: z.number().int() }),
    'Queue an evaluate.run job: one item per OOD test set (all of them when none is named)',
  ),
} as const;
