import { z } from 'zod';
import { BIG_OUTPUT, route } from '../route';

/** 'zero-shot' is the NegLabel baseline (nothing trained); the two fine-tuning stages are trained separately (§6, §7). */
export const RunKind = z.enum(['zero-shot', 'projection', 'labels']);
export type RunKind = z.infer<typeof RunKind>;
export const RunStatus = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);

/**
 * When the cosine schedule anneals: after every optimizer step (T = epochs·steps per epoch, so the last steps
 * really reach the floor) or once per epoch, as a `scheduler.step()` at each epoch's end does (docs/METHOD.md §6–§7:
 * the official code does not say which; recorded with each run).
 */
export const LrSchedule = z.enum(['per-step', 'per-epoch']);
export type LrSchedule = z.infer<typeof LrSchedule>;

/** §6: Linear→LayerNorm→ReLU residual projection; Adam 1e-3, wd 1e-5, cosine to 1e-5 over 3 epochs, batch 128. */
export const ProjectionConfig = z
  .object({
    stage: z.literal('projection'),
    optimizer: z.literal('adam').default('adam'),
    lr: z.number().positive().max(10).default(1e-3),
    minLr: z.number().min(0).max(10).default(1e-5),
    weightDecay: z.number().min(0).max(1).default(1e-5),
    epochs: z.number().int().min(1).max(1000).default(3),
    batchSize: z.number().int().min(1).max(8192).default(128),
    lrSchedule: LrSchedule.default('per-step'),
  })
  .strict();

/** §7: learnable negative-label text features; SGD lr 2e-2 (official code; the paper says 2e-3), momentum 0.9, 5 epochs. */
export const LabelsConfig = z
  .object({
    stage: z.literal('labels'),
    optimizer: z.literal('sgd').default('sgd'),
    lr: z.number().positive().max(10).default(2e-2),
    momentum: z.number().min(0).max(1).default(0.9),
    weightDecay: z.number().min(0).max(1).default(1e-5),
    epochs: z.number().int().min(1).max(1000).default(5),
    batchSize: z.number().int().min(1).max(8192).default(128),
    lrSchedule: LrSchedule.default('per-step'),
  })
  .strict();

export const TrainConfig = z.discriminatedUnion('stage', [ProjectionConfig, LabelsConfig]);
export type TrainConfig = z.infer<typeof TrainConfig>;

export const Run = z.object({
  id: z.number().int(),
  kind: RunKind,
  name: z.string(),
  status: RunStatus,
  error: z.string().nullable(),
  seed: z.number().int(),
  checkpointPath: z.string().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  /** The job that trains or evaluates it, newest first; null for runs written by other means. */
  jobId: z.number().int().nullable(),
  /** Unweighted mean over its evaluated OOD sets, when it has any. */
  average: z.object({ auroc: z.number(), fpr95Mos: z.number(), sets: z.number().int() }).nullable(),
});
export type Run = z.infer<typeof Run>;

export const RunDetail = Run.extend({
  config: z.record(z.string(), z.unknown()),
  data: z.record(z.string(), z.unknown()),
  modelHashes: z.record(z.string(), z.unknown()),
  metricNames: z.array(z.string()),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const MetricSeries = z.object({ runId: z.number().int(), name: z.string(), points: z.array(z.object({ step: z.number(), epoch: z.number().nullable(), value: z.number() })) });
export type MetricSeries = z.infer<typeof MetricSeries>;

const RunId = z.object({ id: z.number().int() }).strict();

export const runRoutes = {
  'run.list': route(z.object({}).strict(), z.array(Run), 'Every run, newest first, with its average metrics'),
  'run.get': route(RunId, RunDetail, 'One run with its config, the data it trained on and its model hashes'),
  'run.metrics': route(
    z.object({ runIds: z.array(z.number().int()).min(1).max(12), names: z.array(z.string()).max(20).optional(), maxPoints: z.number().int().min(2).max(5000).default(400) }).strict(),
    z.array(MetricSeries),
    'Training curves (loss, accuracy, lr…), each series thinned to at most maxPoints',
    BIG_OUTPUT,
  ),
  'run.baseline': route(z.object({}).strict(), Run, 'The zero-shot NegLabel baseline run, created on first use so it is always there to compare against'),
  'train.start': route(
    z.object({ name: z.string().trim().min(1).max(200), seed: z.number().int().min(0).default(0), config: TrainConfig }).strict(),
    z.object({ runId: z.number().int(), jobId: z.number().int() }),
    'Queue a fine-tuning run on the accepted candidates (train.projection or train.labels job, one item per epoch)',
  ),
  'run.stop': route(RunId, Run, 'Stop a training run after its current epoch; it can be resumed'),
  'run.resume': route(RunId, Run, 'Resume a stopped or failed training run from its last finished epoch'),
} as const;
