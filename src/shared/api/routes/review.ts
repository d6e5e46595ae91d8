import { z } from 'zod';
import { route } from '../route';

/** The reviewer's workflow (issue 16): run bundles, intervals and paired tests, the offline report. */

const AbsPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), { message: 'give an absolute path' });

const RunIds = z.array(z.number().int()).min(1).max(12);

export const Interval = z.object({ estimate: z.number(), lo: z.number(), hi: z.number(), se: z.number() });
export type Interval = z.infer<typeof Interval>;

/** A difference run − reference on the same samples, with its test. */
export const PairedTest = z.object({
  delta: z.number(),
  /** Percentile interval of the difference (paired bootstrap). */
  lo: z.number(),
  hi: z.number(),
  p: z.number(),
  method: z.enum(['delong', 'paired-bootstrap']),
});
export type PairedTest = z.infer<typeof PairedTest>;

export const PairedCell = z.object({ auroc: PairedTest, fpr95: PairedTest });
export type PairedCell = z.infer<typeof PairedCell>;

export const StatsCell = z.object({
  auroc: Interval.nullable(),
  fpr95: Interval.nullable(),
  /** Against the reference run; null for the reference itself, or when the two were not scored on the same samples. */
  vsReference: PairedCell.nullable(),
  /** Why an interval or test is missing (no per-sample scores, different samples…). */
  note: z.string().nullable(),
});
export type StatsCell = z.infer<typeof StatsCell>;

/** Where a foreign run came from: written into the bundle when it was exported. */
export const RunOrigin = z.object({
  projectName: z.string(),
  projectPath: z.string(),
  runId: z.number().int(),
  runName: z.string(),
  exportedAt: z.number(),
  studioVersion: z.string(),
  formatVersion: z.number().int(),
  bundleSha256: z.string(),
  importedAt: z.number(),
});
export type RunOrigin = z.infer<typeof RunOrigin>;

export const MeanStd = z.object({ mean: z.number(), std: z.number(), n: z.number().int() });

export const SeedGroup = z.object({
  key: z.string(),
  /** The runs' common name without its seed suffix. */
  name: z.string(),
  runIds: z.array(z.number().int()),
  seeds: z.array(z.number().int()),
  sets: z.array(z.object({ oodName: z.string(), auroc: MeanStd, fpr95: MeanStd })),
  average: z.object({ auroc: MeanStd, fpr95: MeanStd }).nullable(),
});
export type SeedGroup = z.infer<typeof SeedGroup>;

export const CompareStats = z.object({
  resamples: z.number().int(),
  seed: z.number().int(),
  level: z.number(),
  referenceId: z.number().int().nullable(),
  oodSets: z.array(z.string()),
  runs: z.array(
    z.object({
      runId: z.number().int(),
      name: z.string(),
      seed: z.number().int(),
      origin: RunOrigin.nullable(),
      /** Seed group key (docs/METHOD.md §9): runs with the same kind, config and training data. */
      groupKey: z.string(),
      sets: z.array(StatsCell.extend({ oodName: z.string() })),
      average: StatsCell.nullable(),
    }),
  ),
  seedGroups: z.array(SeedGroup),
  /** Significance threshold of the † marks. */
  alpha: z.number(),
  ms: z.number(),
});
export type CompareStats = z.infer<typeof CompareStats>;

const StatsInput = {
  runIds: RunIds,
  /** The run every other is tested against; default: the first one. */
  referenceId: z.number().int().optional(),
  resamples: z.number().int().min(200).max(20_000).default(1000),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  level: z.number().gt(0.5).lt(1).default(0.95),
};

export const reviewRoutes = {
  'compare.stats': route(
    z.object(StatsInput).strict(),
    CompareStats,
    'Per run and OOD set: 95% bootstrap intervals of AUROC and FPR95, paired tests against the reference (DeLong for AUROC, paired bootstrap for FPR95) and mean ± std over seeds',
  ),
  'compare.table': route(
    z.object({ ...StatsInput, format: z.enum(['markdown', 'latex']) }).strict(),
    z.object({ text: z.string(), file: z.string() }),
    "The paper-style table with intervals and † marks (p < 0.05 against the reference), also saved under exports/",
  ),
  'bundle.export': route(
    z.object({ runId: z.number().int(), out: AbsPath.optional(), force: z.boolean().default(false) }).strict(),
    z.object({ file: z.string(), rel: z.string().nullable(), bytes: z.number().int(), sha256: z.string(), sections: z.number().int() }),
    'One run as a single-file bundle (config and switches, per-sample scores, curves, provenance, sample thumbnails); default under exports/',
  ),
  'bundle.upload': route(
    z.object({ uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), offset: z.number().int().min(0), data: z.string().max(12 * 1024 * 1024) }).strict(),
    z.object({ received: z.number().int() }),
    'A piece (base64) of a bundle dropped on Compare; bundle.import { uploadId } imports it once complete',
  ),
  'bundle.import': route(
    z.union([z.object({ file: AbsPath }).strict(), z.object({ uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) }).strict()]),
    z.object({ runId: z.number().int(), name: z.string(), alreadyImported: z.boolean(), origin: RunOrigin }),
    'Bring a run bundle into this project as a read-only foreign run; a bad bundle is refused and nothing is written',
  ),
  'bundle.foreign': route(z.object({}).strict(), z.array(z.object({ runId: z.number().int(), origin: RunOrigin })), 'Runs imported from bundles, with their origin'),
  'report.write': route(
    z
      .object({
        runIds: RunIds,
        referenceId: z.number().int().optional(),
        out: AbsPath.optional(),
        pdf: z.union([z.boolean(), AbsPath]).default(false),
        force: z.boolean().default(false),
        resamples: StatsInput.resamples,
        seed: StatsInput.seed,
      })
      .strict(),
    z.object({ file: z.string(), rel: z.string().nullable(), pdf: z.string().nullable(), pdfRel: z.string().nullable(), pdfPages: z.number().int().nullable(), bytes: z.number().int() }),
    'A self-contained HTML report (tables with intervals, ROC, histograms, training curves, config diff, samples, provenance), optionally printed to PDF',
  ),
} as const;
