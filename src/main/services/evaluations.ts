import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { EvaluationCurves } from '../../shared/api/routes/evaluations';
import { JobStore } from '../store/jobs';
import { evaluateRunJob } from '../../shared/jobs';
import { evaluationCurvesJson } from '../store/evaluations';
import { parseJson } from './json';
import { averageOf, latestEvaluations } from './evaluation-rows';
import { runDbRow } from './run-rows';
import type { StudioContext } from './context';
import { datasetIdsOfKind, datasetsOfKind, datasetsOfKindAmong } from '../store/datasets';


export function evaluationHandlers(ctx: StudioContext): Pick<Handlers, 'evaluation.list' | 'evaluation.curves' | 'evaluate.start'> {
  return {
    'evaluation.list': ({ runId }) => {
      const { db } = ctx.project();
      runDbRow(db, runId);
      const rows = latestEvaluations(db, runId);
      return { rows, average: averageOf(rows) };
    },
    'evaluation.curves': ({ runIds }) => {
      const { db } = ctx.project();
      return runIds.flatMap((runId) =>
        latestEvaluations(db, runId).flatMap((e) => {
          // Curves written by another stage that do not fit the contract are left out rather than drawn wrong.
          const parsed = EvaluationCurves.safeParse(parseJson<unknown>(evaluationCurvesJson(db, e.id) ?? null, null));
          return parsed.success ? [{ runId, oodName: e.oodName, curves: parsed.data }] : [];
        }),
      );
    },
    'evaluate.start': ({ runId, oodDatasetIds, switches }) => {
      const { db } = ctx.project();
      const run = runDbRow(db, runId);
      const sets = oodDatasetIds.length ? datasetsOfKindAmong(db, 'ood-test', oodDatasetIds) : datasetsOfKind(db, 'ood-test');
      if (sets.length === 0) throw new ApiError('invalid_input', 'no OOD test sets to evaluate on: import one under Datasets (role: OOD test)', [{ path: 'oodDatasetIds', message: 'empty' }]);
      const ind = datasetIdsOfKind(db, 'ind-test')[0];
      if (ind === undefined) throw new ApiError('invalid_input', 'no InD test set: import one under Datasets (role: InD test)', [{ path: 'runId', message: 'no InD test set' }]);
      // The zero-shot baseline has nothing trained, so its switches are off whatever was asked.
      const effective = run.kind === 'zero-shot' ? { projection: false, tunedLabels: false } : switches;
      const jobId = new JobStore(db).enqueue(
        evaluateRunJob.kind,
        `Evaluate ${run.name} on ${sets.length} OOD set${sets.length === 1 ? '' : 's'}`,
        { runId, indDatasetId: ind, switches: effective },
        sets.map((s) => ({ key: s.name, payload: { oodDatasetId: s.id } })),
      );
      ctx.wakeJobs();
      return { jobId, sets: sets.length };
    },
  };
}
