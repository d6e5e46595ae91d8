import { z } from 'zod';
import { route } from '../route';
import { ScoringSwitches } from './evaluations';

const OutPath = z
  .string()
  .min(1)
  .max(4096)
  // Relative paths would resolve against whichever process serves the call, not the caller's folder.
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), { message: 'give an absolute path' })
  .describe('absolute path of the file or folder to write');
/** Exports never overwrite by surprise: an existing file or non-empty folder is refused unless force is set. */
const Force = z.boolean().default(false);

export const exportRoutes = {
  'export.dataset': route(
    z.object({ out: OutPath, force: Force }).strict(),
    z.object({ dir: z.string(), images: z.number().int(), labels: z.number().int(), unlabeled: z.number().int(), metadataFile: z.string() }),
    'The accepted candidates as an ImageFolder by negative label, with metadata.jsonl (Hugging Face imagefolder) at its root',
  ),
  'export.labels': route(
    z.object({ out: OutPath, force: Force, columns: z.array(z.enum(['pos', 'score'])).max(2).default([]) }).strict(),
    z.object({ file: z.string(), labels: z.number().int() }),
    'The selected negative labels, one per line (tab-separated pos/score columns on request)',
  ),
  'export.metrics': route(
    z.object({ runId: z.number().int(), out: OutPath, force: Force, format: z.enum(['csv', 'json']).optional() }).strict(),
    z.object({ file: z.string(), format: z.enum(['csv', 'json']), sets: z.number().int() }),
    "A run's metrics per OOD set and their average (CSV), or with its training curves too (JSON); format from the extension unless given",
  ),
  'export.sheet': route(
    z
      .object({
        /** Default: exports/contact-sheet-<time>.png in the project (the studio links to it there). */
        out: OutPath.refine((p) => /\.png$/i.test(p), { message: 'the contact sheet is a PNG: end the name in .png' }).optional(),
        force: Force,
        perClass: z.number().int().min(1).max(50).default(3),
        cell: z.number().int().min(32).max(1024).default(160),
      })
      .strict(),
    z.object({
      file: z.string(),
      /** Project-relative path when the sheet lies in the project (served to the studio), else null. */
      rel: z.string().nullable(),
      sidecar: z.string(),
      rows: z.number().int(),
      classes: z.number().int(),
      withoutUnguided: z.number().int(),
      captionsInImage: z.boolean(),
      width: z.number().int(),
      height: z.number().int(),
    }),
    'A contact sheet PNG: rows of candidates (a few per class), columns source · unguided · guided, captions with class and scores; a JSON sidecar with the captions and the file behind every tile',
  ),
  'export.scorer': route(
    z.object({ runId: z.number().int(), out: OutPath, force: Force, switches: ScoringSwitches.default({ projection: true, tunedLabels: true }) }).strict(),
    z.object({ file: z.string(), used: z.record(z.string(), z.unknown()) }),
    "scorer.onnx for a run: pixel_values → ood_score, with the run's trained parts baked in",
  ),
} as const;
