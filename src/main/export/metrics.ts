import path from 'node:path';
import type { EvaluationRow, MetricsSummary } from '../../shared/api/routes/evaluations';
import { csvLine } from './csv';
import { writeExportFile } from './atomic-file';
import { ExportInputError, NothingToExportError } from './errors';

export type MetricsFormat = 'csv' | 'json';

export interface RunMetricsReport {
  run: { id: number; name: string; kind: string; status: string; seed: number; config: Record<string, unknown> };
  /** Newest evaluation per OOD set. */
  evaluations: EvaluationRow[];
  average: MetricsSummary | null;
  /** Training curves by metric name (loss, accuracy, lr…), every recorded step. */
  training: Record<string, { step: number; epoch: number | null; value: number }[]>;
}

export const METRICS_CSV_HEADER = ['run_id', 'run_name', 'ood_set', 'auroc', 'fpr95_mos', 'fpr95_openood', 'aupr_in', 'aupr_out', 'n_ind', 'n_ood'] as const;

/** One row per OOD set, then the unweighted average row (ood_set = 'average'), values as fractions, not %. */
export function metricsCsv(r: RunMetricsReport): string {
  const lines = [csvLine([...METRICS_CSV_HEADER])];
  for (const e of r.evaluations) lines.push(csvLine([r.run.id, r.run.name, e.oodName, e.auroc, e.fpr95Mos, e.fpr95OpenOod, e.auprIn, e.auprOut, e.nInd, e.nOod]));
  const a = r.average;
  if (a) lines.push(csvLine([r.run.id, r.run.name, 'average', a.auroc, a.fpr95Mos, a.fpr95OpenOod, a.auprIn, a.auprOut, null, null]));
  return lines.join('\n') + '\n';
}

export function metricsJson(r: RunMetricsReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** csv or json from the file's extension when not given. */
export function metricsFormatOf(file: string, format?: MetricsFormat): MetricsFormat {
  if (format) return format;
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  throw new ExportInputError(`cannot tell the format from '${path.basename(file)}': name it .csv or .json, or give the format`);
}

export async function exportRunMetrics(report: RunMetricsReport, file: string, opts: { format?: MetricsFormat; force?: boolean } = {}): Promise<{ file: string; format: MetricsFormat; sets: number }> {
  const format = metricsFormatOf(file, opts.format);
  if (report.evaluations.length === 0 && Object.keys(report.training).length === 0)
    throw new NothingToExportError(`run ${report.run.id} has no evaluations and no training curves yet: evaluate it first (synood eval --run ${report.run.id})`);
  await writeExportFile(file, format === 'csv' ? metricsCsv(report) : metricsJson(report), !!opts.force);
  return { file, format, sets: report.evaluations.length };
}
