import path from 'node:path';
import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
// Not the export barrel: it re-exports the scorer, whose CLIP stack (onnxruntime, transformers.js, sharp) the API
// process must not load at start. The scorer is loaded when export.scorer is first called.
import { exportContactSheet } from '../export/contact-sheet';
import { exportAcceptedDataset } from '../export/dataset';
import { exportLabels } from '../export/labels';
import { exportRunMetrics, type RunMetricsReport } from '../export/metrics';
import { ExportDiskFullError, ExportInputError, ExportTargetExistsError, NothingToExportError } from '../export/errors';
import type { Db } from '../store/db';
import { allMetrics } from '../store/run-metrics';
import { averageOf, latestEvaluations } from './evaluation-rows';
import { parseRecord } from './json';
import { runDbRow } from './run-rows';
import type { StudioContext } from './context';

/** Export failures as typed API errors: the studio shows the message, the CLI turns the code into an exit status. */
async function typed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ExportTargetExistsError) throw new ApiError('conflict', err.message, [{ path: 'out', message: 'exists' }]);
    if (err instanceof NothingToExportError || err instanceof ExportInputError) throw new ApiError('invalid_input', err.message);
    if (err instanceof ExportDiskFullError) throw new ApiError('internal', err.message);
    throw err;
  }
}

function metricsReport(db: Db, runId: number): RunMetricsReport {
  const r = runDbRow(db, runId);
  const evaluations = latestEvaluations(db, runId);
  const training: RunMetricsReport['training'] = {};
  for (const m of allMetrics(db, runId))
    (training[m.name] ??= []).push({ step: m.step, epoch: m.epoch, value: m.value });
  return { run: { id: r.id, name: r.name, kind: r.kind, status: r.status, seed: r.seed, config: parseRecord(r.config_json) }, evaluations, average: averageOf(evaluations), training };
}

/** A file's path inside the project, '/'-separated, or null when it lies outside. */
function relInProject(root: string, file: string): string | null {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : rel.split(path.sep).join('/');
}

export function exportHandlers(ctx: StudioContext): Pick<Handlers, 'export.dataset' | 'export.labels' | 'export.metrics' | 'export.sheet' | 'export.scorer'> {
  return {
    'export.sheet': ({ out, force, perClass, cell }) => {
      const { db, paths } = ctx.project();
      // The studio's button writes into exports/ under a fresh name, so it never needs force.
      const file = out ?? path.join(paths.exports, `contact-sheet-${new Date().toISOString().replace(/[:.]/g, '-')}.png`);
      return typed(async () => {
        const r = await exportContactSheet(db, paths.root, file, { perClass, cell, force });
        return { ...r, rel: relInProject(paths.root, r.file) };
      });
    },
    'export.dataset': ({ out, force }) => {
      const { db, paths } = ctx.project();
      return typed(() => exportAcceptedDataset(db, paths.root, out, { force }));
    },
    'export.labels': ({ out, force, columns }) => typed(() => exportLabels(ctx.project().db, out, { columns, force })),
    'export.metrics': ({ runId, out, force, format }) => {
      const report = metricsReport(ctx.project().db, runId);
      return typed(() => exportRunMetrics(report, out, { force, ...(format ? { format } : {}) }));
    },
    'export.scorer': async ({ runId, out, force, switches }) => {
      const { db, paths } = ctx.project();
      runDbRow(db, runId);
      const { exportScorer } = await import('../export/scorer');
      return typed(() => exportScorer(paths.root, runId, out, { switches, force }));
    },
  };
}
