import { basename } from 'node:path';
import { evaluateOodSets, type MetricsReport } from './report';
import { readScoreFile } from './score-file';

/** Metrics of the InD score file against one or more OOD score files (each set named by its file name). */
export function metricsFromFiles(idPath: string, oodPath: string | string[]): MetricsReport {
  const ind = readScoreFile(idPath);
  const paths = Array.isArray(oodPath) ? oodPath : [oodPath];
  return evaluateOodSets(ind, paths.map((p) => ({ name: basename(p), scores: readScoreFile(p) })));
}

const pct = (v: number): string => (100 * v).toFixed(2).padStart(7);

/** Human table (percentages, both FPR95 conventions labelled) or the report as JSON. */
export function formatMetrics(report: MetricsReport, json: boolean): string {
  if (json) return JSON.stringify(report, null, 2);
  const level = Math.round(report.recallLevel * 100);
  const header = `${'OOD set'.padEnd(24)} ${'n'.padStart(8)}  ${'AUROC'.padStart(7)}  ${`FPR${level}-MOS`.padStart(10)}  ${`FPR${level}-OpenOOD`.padStart(14)}  ${'AUPR-In'.padStart(7)}  ${'AUPR-Out'.padStart(8)}`;
  const row = (name: string, n: string, m: { auroc: number; fpr95Mos: number; fpr95OpenOod: number; auprIn: number; auprOut: number }): string =>
    `${name.padEnd(24)} ${n.padStart(8)}  ${pct(m.auroc)}  ${pct(m.fpr95Mos).padStart(10)}  ${pct(m.fpr95OpenOod).padStart(14)}  ${pct(m.auprIn)}  ${pct(m.auprOut).padStart(8)}`;
  const lines = [`InD scores: ${report.nInd} (higher = more InD; values in %)`, header];
  for (const s of report.sets) lines.push(row(s.name, String(s.metrics.nOod), s.metrics));
  if (report.sets.length > 1) lines.push(row('Average', '', report.average));
  lines.push(
    `FPR${level}-MOS: InD positive, threshold at ${level}% InD recall, FPR = OOD scoring ≥ threshold (MOS/NegLabel/SynOOD tables).`,
    `FPR${level}-OpenOOD: OOD positive on −score, InD false-positive rate at ${level}% OOD recall (OpenOOD v1.5).`,
  );
  return lines.join('\n');
}
