import path from 'node:path';
import { writeFileAtomic } from '../../files/atomic';
import { ItemError, type JobContext, type JobHandler } from '../../jobs/handler';
import { evaluateRunJob, type ParamsOf } from '../../../shared/jobs';
import type { Db } from '../../store/db';
import { evaluationMetrics, insertEvaluation } from '../../store/evaluations';
import { downsampleCurve, evaluateOodSets, rocCurve, scoreHistogram } from '../../ood';
import type { EvaluationCurves } from '../../../shared/api/routes/evaluations';
import type { ClipEncoder } from '../features';
import { openProjectClip } from '../mine-labels/project-clip';
import { resolveTuning, type ResolvedTuning } from './job-tuned';
import { scoringTexts, type ScoringTexts } from './job-text-inputs';
import { synoodScore } from './synood-score';
import { datasetOfKind, datasetsOfKind } from '../../store/datasets';
import { usablePathsOfDataset } from '../../store/images';

/** What src/main/services/evaluations.ts queues: one item per OOD set, payload { oodDatasetId }. */
type EvaluateParams = ParamsOf<typeof evaluateRunJob.kind>;

/** Every score of one evaluation item, kept beside the run for re-analysis outside the studio. */
export function evaluationScoresFile(runsDir: string, runId: number, jobId: number, oodDatasetId: number): string {
  return path.join(runsDir, String(runId), 'evaluations', `job-${jobId}-ood-${oodDatasetId}.json`);
}

const ROC_POINTS = 1000;
const HISTOGRAM_BINS = 50;

interface EvalState {
  encoder: ClipEncoder;
  texts: ScoringTexts;
  tuning: ResolvedTuning;
  indScores: Float32Array;
  indNames: string[];
}

function datasetImages(db: Db, datasetId: number): string[] {
  return usablePathsOfDataset(db, datasetId);
}

function score(s: Pick<EvalState, 'texts' | 'tuning'>, images: Float32Array): Float32Array {
  const t = s.texts;
  return synoodScore({ dim: t.dim, images, classes: t.classes, negatives: t.negatives }, s.tuning.tuned, s.tuning.switches, { ngroups: t.ngroups }).scores;
}

/**
 * 'evaluate.run' (docs/METHOD.md §8): InD test scores once per job start, then per OOD set its scores, AUROC, both
 * FPR95 conventions, AUPR in/out, a ROC curve of at most 1000 points and shared-bin histograms.
 */
function createEvaluateRunHandler(): JobHandler<typeof evaluateRunJob.kind> {
  // What prepare loads for the job (models, features), released by dispose: held by this handler instance, not the module.
  let state: EvalState | null = null;
  return {
    kind: evaluateRunJob.kind,
    async prepare(ctx: JobContext, params: EvaluateParams) {
      const db = ctx.project.db;
      const indSets =
        params.indDatasetId !== undefined ? [datasetOfKind(db, params.indDatasetId, 'ind-test')].filter((d) => d !== undefined) : datasetsOfKind(db, 'ind-test');
      if (indSets.length === 0) throw new Error('no InD test dataset: import one under Datasets (role: InD test)');
      const indImages = indSets.flatMap((d) => datasetImages(db, d.id));
      if (indImages.length === 0) throw new Error(`InD test dataset ${indSets.map((d) => `'${d.name}'`).join(', ')} has no usable images`);
      const { encoder } = await openProjectClip(ctx.project, { textCache: ctx.textFeatures });
      const texts = await scoringTexts(db, encoder);
      const tuning = resolveTuning(db, ctx.project.paths.runs, params.runId, params.switches, texts.negativeIds, texts.dim);
      const feats = await encoder.encodeImages(indImages.map((p) => path.join(ctx.project.paths.root, p)));
      state = { encoder, texts, tuning, indScores: new Float32Array(0), indNames: indSets.map((d) => d.name) };
      state.indScores = score(state, feats);
    },
    async runItem(ctx, params, item) {
      const s = state!;
      const db = ctx.project.db;
      const { oodDatasetId } = item.payload;
      const set = datasetOfKind(db, oodDatasetId, 'ood-test');
      if (!set) throw new ItemError(`OOD test dataset ${oodDatasetId} no longer exists`);
      const images = datasetImages(db, set.id);
      if (images.length === 0) throw new ItemError(`OOD test dataset '${set.name}' has no usable images`);
      const oodScores = score(s, await s.encoder.encodeImages(images.map((p) => path.join(ctx.project.paths.root, p))));
      const m = evaluateOodSets(s.indScores, [{ name: set.name, scores: oodScores }]).sets[0]!.metrics;
      const roc = downsampleCurve(rocCurve(s.indScores, oodScores), ROC_POINTS);
      const hist = scoreHistogram(s.indScores, oodScores, HISTOGRAM_BINS);
      const curves: EvaluationCurves = { roc: { fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr) }, hist: { edges: Array.from(hist.edges), ind: Array.from(hist.ind), ood: Array.from(hist.ood) } };
      const switches = { ...s.tuning.record, ngroups: s.texts.ngroups, negatives: s.texts.negativeIds.length, classes: s.texts.classNames.length, indDatasets: s.indNames, featurePrep: s.encoder.prep };
      writeFileAtomic(evaluationScoresFile(ctx.project.paths.runs, params.runId, ctx.jobId, set.id), JSON.stringify({ ind: Array.from(s.indScores), ood: Array.from(oodScores), switches }));
      return (tx) => {
        insertEvaluation(tx, {
          runId: params.runId,
          oodDatasetId: set.id,
          oodName: set.name,
          ...evaluationMetrics(m),
          switchesJson: JSON.stringify(switches),
          curvesJson: JSON.stringify(curves),
          createdAt: Date.now(),
        });
      };
    },
    async dispose() {
      await state?.encoder.release();
      state = null;
    },
  };
}

export const evaluateRunHandler = createEvaluateRunHandler();
