import fs from 'node:fs';
import path from 'node:path';
import type { OpenProject } from '../project/project';
import { averageOf, latestEvaluations } from '../services/evaluation-rows';
import { publishFile } from '../export/atomic-file';
import { STUDIO_VERSION } from './foreign';
import { renderReport } from './report-html';
import { printPdf } from './report-pdf';
import { loadRun } from './run-data';
import { compareStats, type StatsOptions } from './stats';
import { tableModel } from './tables';

export interface ReportOptions extends StatsOptions {
  /** Absolute path of the HTML file; default exports/report-<ids>.html in the project (replaced if there). */
  out?: string;
  /** true: a PDF beside the HTML; a path: the PDF there. */
  pdf?: boolean | string;
  force?: boolean;
}

export interface ReportResult {
  file: string;
  rel: string | null;
  pdf: string | null;
  pdfRel: string | null;
  pdfPages: number | null;
  bytes: number;
  html: string;
}

function relInProject(project: OpenProject, file: string): string | null {
  const rel = path.relative(project.paths.root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : rel.split(path.sep).join('/');
}

/** The report's HTML for a selection of runs (the first is the reference unless one is named). */
export async function buildReportHtml(project: OpenProject, runIds: number[], opts: StatsOptions = {}): Promise<string> {
  const stats = compareStats(project, runIds, opts);
  const runs = [];
  for (const id of stats.runs.map((r) => r.runId)) runs.push(await loadRun(project, id));
  const table = tableModel(
    stats,
    runs.map((r) => {
      const evaluations = latestEvaluations(project.db, r.runId);
      return { runId: r.runId, name: r.record.run.name, evaluations, average: averageOf(evaluations) };
    }),
  );
  return renderReport({ projectName: project.info.name, projectPath: project.paths.root, studioVersion: STUDIO_VERSION, generatedAt: Date.now(), runs, stats, table });
}

export async function writeReport(project: OpenProject, runIds: number[], opts: ReportOptions = {}): Promise<ReportResult> {
  const html = await buildReportHtml(project, runIds, opts);
  const file = opts.out ?? path.join(project.paths.exports, `report-${[...new Set(runIds)].join('-')}.html`);
  const force = opts.out ? !!opts.force : true;
  await publishFile(file, force, (tmp) => fs.writeFileSync(tmp, html));
  let pdf: string | null = null;
  let pdfPages: number | null = null;
  if (opts.pdf) {
    pdf = typeof opts.pdf === 'string' ? opts.pdf : file.replace(/\.html?$/i, '') + '.pdf';
    await publishFile(pdf, typeof opts.pdf === 'string' ? !!opts.force : true, async (tmp) => {
      pdfPages = (await printPdf(html, tmp)).pages;
    });
  }
  return { file, rel: relInProject(project, file), pdf, pdfRel: pdf ? relInProject(project, pdf) : null, pdfPages, bytes: Buffer.byteLength(html), html };
}
