import fs from 'node:fs';
import path from 'node:path';
import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { ExportDiskFullError, ExportTargetExistsError } from '../export/errors';
import { publishFile } from '../export/atomic-file';
import { BUNDLE_EXTENSION, BundleError, readBundle, writeBundle } from '../review/bundle-format';
import { bundleSections, collectNativeRun } from '../review/collect';
import { foreignRuns, importBundle, STUDIO_VERSION } from '../review/foreign';
import { PdfUnavailableError } from '../review/report-pdf';
import { writeReport } from '../review/report';
import { compareStats } from '../review/stats';
import { importedBundlePath } from '../store/run-imports';
import { latexStatsTable, markdownStatsTable, tableModel } from '../review/tables';
import { averageOf, latestEvaluations } from './evaluation-rows';
import { runDbRow } from './run-rows';
import type { StudioContext } from './context';

/** A dropped bundle arrives in pieces of at most this many bytes (base64 in JSON stays under the HTTP body limit). */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024;

async function typed<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BundleError) throw new ApiError('invalid_input', err.message);
    if (err instanceof ExportTargetExistsError) throw new ApiError('conflict', err.message, [{ path: 'out', message: 'exists' }]);
    if (err instanceof PdfUnavailableError) throw new ApiError('invalid_input', err.message, [{ path: 'pdf', message: 'no Chromium' }]);
    if (err instanceof ExportDiskFullError) throw new ApiError('internal', err.message);
    throw err;
  }
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'run';

function relInProject(root: string, file: string): string | null {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : rel.split(path.sep).join('/');
}

export function reviewHandlers(
  ctx: StudioContext,
): Pick<Handlers, 'compare.stats' | 'compare.table' | 'bundle.export' | 'bundle.upload' | 'bundle.import' | 'bundle.foreign' | 'report.write'> {
  const uploadFile = (uploadId: string) => path.join(ctx.project().paths.tmp, 'uploads', `${uploadId}.part`);
  return {
    'compare.stats': ({ runIds, referenceId, resamples, seed, level }) => compareStats(ctx.project(), runIds, { referenceId, resamples, seed, level }),
    'compare.table': ({ runIds, referenceId, resamples, seed, level, format }) => {
      const project = ctx.project();
      const stats = compareStats(project, runIds, { referenceId, resamples, seed, level });
      const table = tableModel(
        stats,
        stats.runs.map((r) => {
          const evaluations = latestEvaluations(project.db, r.runId);
          return { runId: r.runId, name: r.name, evaluations, average: averageOf(evaluations) };
        }),
      );
      const text = format === 'markdown' ? markdownStatsTable(table) : latexStatsTable(table);
      const rel = `exports/compare-stats-${stats.runs.map((r) => r.runId).join('-')}.${format === 'markdown' ? 'md' : 'tex'}`;
      fs.mkdirSync(project.paths.exports, { recursive: true });
      fs.writeFileSync(path.join(project.paths.root, rel), text);
      return { text, file: rel };
    },
    'bundle.export': ({ runId, out, force }) =>
      typed(async () => {
        const project = ctx.project();
        const { db, paths, info } = project;
        const run = runDbRow(db, runId);
        const file = out ?? path.join(paths.exports, `run-${runId}-${slug(run.name)}${BUNDLE_EXTENSION}`);
        const stored = importedBundlePath(db, runId);
        let bytes: Buffer;
        if (stored) {
          // A foreign run travels on as the bundle it came in: same bytes, same origin, same hash.
          bytes = fs.readFileSync(path.join(paths.root, stored));
        } else {
          const collected = await collectNativeRun(project, runId);
          bytes = writeBundle(
            { createdAt: Date.now(), studio: { name: 'SynOOD Studio', version: STUDIO_VERSION }, origin: { projectName: info.name, projectPath: paths.root, runId, runName: run.name } },
            bundleSections(collected),
          );
        }
        await publishFile(file, out ? force : true, (tmp) => fs.writeFileSync(tmp, bytes));
        const read = readBundle(bytes);
        return { file, rel: relInProject(paths.root, file), bytes: bytes.length, sha256: read.sha256, sections: read.manifest.sections.length };
      }),
    'bundle.upload': ({ uploadId, offset, data }) => {
      const file = uploadFile(uploadId);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      if (offset !== size) throw new ApiError('conflict', `upload ${uploadId} holds ${size} bytes; a piece at offset ${offset} does not follow on`, [{ path: 'offset', message: 'out of order' }]);
      const bytes = Buffer.from(data, 'base64');
      if (bytes.length > UPLOAD_CHUNK_BYTES) throw new ApiError('invalid_input', `an upload piece holds at most ${UPLOAD_CHUNK_BYTES} bytes`, [{ path: 'data', message: 'too large' }]);
      if (size + bytes.length > MAX_UPLOAD_BYTES) throw new ApiError('invalid_input', 'the upload is larger than a run bundle can be', [{ path: 'data', message: 'too large' }]);
      fs.appendFileSync(file, bytes);
      return { received: size + bytes.length };
    },
    'bundle.import': (input) =>
      typed(() => {
        const project = ctx.project();
        let bytes: Buffer;
        let label: string;
        let cleanup = () => {};
        if ('file' in input) {
          try {
            bytes = fs.readFileSync(input.file);
          } catch (e) {
            throw new ApiError('not_found', `cannot read ${input.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
          }
          label = path.basename(input.file);
        } else {
          const file = uploadFile(input.uploadId);
          if (!fs.existsSync(file)) throw new ApiError('not_found', `no upload ${input.uploadId}: send its pieces with bundle.upload first`);
          bytes = fs.readFileSync(file);
          label = 'the dropped file';
          cleanup = () => fs.rmSync(file, { force: true });
        }
        try {
          const r = importBundle(project, bytes, label);
          if (!r.alreadyImported) ctx.changed('runs');
          return r;
        } finally {
          cleanup();
        }
      }),
    'bundle.foreign': () => foreignRuns(ctx.project().db),
    'report.write': ({ runIds, referenceId, out, pdf, force, resamples, seed }) =>
      typed(async () => {
        const r = await writeReport(ctx.project(), runIds, { referenceId, out, pdf, force, resamples, seed });
        return { file: r.file, rel: r.rel, pdf: r.pdf, pdfRel: r.pdfRel, pdfPages: r.pdfPages, bytes: r.bytes };
      }),
  };
}
