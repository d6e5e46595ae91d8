import type { Db } from '../../store/db';
import { putMetric } from '../../store/run-metrics';
import { markRunCompleted, runDataJson, setRunCheckpoint } from '../../store/runs';
import { ItemError, JobFailedError, type JobContext } from '../../jobs/handler';
import type { OpenProject } from '../../project/project';
import type { ParamsOf, trainLabelsJob, trainProjectionJob } from '../../../shared/jobs';
import type { ClipEncoder } from '../features';
import { openProjectClip } from '../mine-labels/project-clip';
import { TextFeatureMemo } from '../mine-labels/text-features';
import { readCheckpoint } from './checkpoint';
import { trainOneEpoch, type EpochHooks } from './job-epoch';
import { runFiles, runRelative } from './job-paths';
import { markRunFailed, markRunStarted } from './job-run-row';
import { TrainingDivergedError, type StepMetrics } from './training-loop';

/** The two fine-tuning kinds; runs.ts queues one item per epoch, payload { epoch } (1-based). */
export type TrainKind = typeof trainProjectionJob.kind | typeof trainLabelsJob.kind;
/** A stage's config as its contract parses it. */
export type StageConfig<K extends TrainKind> = K extends typeof trainProjectionJob.kind ? ParamsOf<typeof trainProjectionJob.kind>['config'] : ParamsOf<typeof trainLabelsJob.kind>['config'];
/** What both training contracts' params have in common, with the stage's own config. */
interface TrainParams<C> {
  runId: number;
  seed: number;
  config: C;
}

export interface LoadedStage<D> {
  data: D;
  /** What the run trained on, merged into runs.data_json. */
  summary: Record<string, unknown>;
  /** neg_labels ids of the M' labels, in row order. */
  labelIds: number[];
}

/** The parts that differ between the two fine-tuning stages. */
export interface TrainingStage<K extends TrainKind, C extends { epochs: number; batchSize: number }, D> {
  kind: K;
  load(project: OpenProject, runId: number, encoder: ClipEncoder, texts: TextFeatureMemo): Promise<LoadedStage<D>>;
  numSamples(data: D): number;
  train(data: D, config: C, seed: number, hooks: EpochHooks): Promise<unknown>;
  /** Writes the trained weights (from the final checkpoint's parameters); returns the file written. */
  writeOutput(runDir: ReturnType<typeof runFiles>, params: Record<string, Float32Array>, loaded: LoadedStage<D>): string;
}

function writeMetrics(db: Db, runId: number, steps: StepMetrics[]): void {
  // Keyed by (run, name, step): an epoch redone after a crash overwrites its rows, never adds to them.
  for (const s of steps) {
    const step = s.globalStep + 1;
    putMetric(db, runId, 'loss', step, s.epoch + 1, s.loss);
    putMetric(db, runId, 'accuracy', step, s.epoch + 1, s.accuracy);
    putMetric(db, runId, 'lr', step, s.epoch + 1, s.lr);
  }
}

/**
 * A durable training job (docs/METHOD.md §6/§7): `prepare` loads and encodes the run's data once per job-process start,
 * each item trains one epoch from the run's checkpoint, the last one writes the trained weights and completes the
 * run. A diverged step fails the run with its reason and keeps the earlier checkpoints.
 */
export function trainingJobHandler<K extends TrainKind, C extends { epochs: number; batchSize: number }, D>(stage: TrainingStage<K, C, D>) {
  let loaded: LoadedStage<D> | null = null;
  return {
    kind: stage.kind,
    async prepare(ctx: JobContext, params: TrainParams<C>) {
      const { db } = ctx.project;
      let clip: Awaited<ReturnType<typeof openProjectClip>> | undefined;
      try {
        clip = await openProjectClip(ctx.project, { textCache: ctx.textFeatures });
        loaded = await stage.load(ctx.project, params.runId, clip.encoder, new TextFeatureMemo(clip.encoder));
        markRunStarted(db, params.runId, { ...loaded.summary, featurePrep: clip.encoder.prep, dim: clip.encoder.dim }, { clip: clip.model.sha256, clipVision: clip.encoder.modelSha256 });
      } catch (e) {
        markRunFailed(db, params.runId, (e as Error).message);
        throw e;
      } finally {
        // Features are in memory now; the encoder is not needed for the epochs.
        await clip?.encoder.release();
      }
    },
    async runItem(ctx: JobContext, params: TrainParams<C>, item: { seq: number; key: string; payload: { epoch: number } }): Promise<(db: Db) => void> {
      const { db, paths } = ctx.project;
      const { runId, config } = params;
      const data = loaded!;
      const epoch = item.payload.epoch;
      const files = runFiles(paths.runs, runId);
      const stepsPerEpoch = Math.ceil(stage.numSamples(data.data) / config.batchSize);
      let steps: StepMetrics[];
      try {
        steps = await trainOneEpoch(epoch, stepsPerEpoch, files, ctx.signal, (hooks) => stage.train(data.data, config, params.seed, hooks));
      } catch (e) {
        if (e instanceof ItemError) throw e;
        markRunFailed(db, runId, (e as Error).message);
        // Every later epoch would start from the diverged weights: the job fails here, as its run did.
        if (e instanceof TrainingDivergedError) throw new JobFailedError(e.message);
        throw e;
      }
      const last = epoch === config.epochs;
      const output = last ? stage.writeOutput(files, readCheckpoint(files.checkpoint).params, data) : null;
      return (tx) => {
        writeMetrics(tx, runId, steps);
        setRunCheckpoint(tx, runId, runRelative(runId, files.checkpoint));
        if (output) {
          const row = runDataJson(tx, runId)!;
          const dataJson = { ...(JSON.parse(row) as Record<string, unknown>), weights: runRelative(runId, output) };
          markRunCompleted(tx, runId, Date.now(), JSON.stringify(dataJson));
        }
      };
    },
    async dispose() {
      loaded = null;
    },
  };
}
