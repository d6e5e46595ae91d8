import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/db';
import { acceptedCandidates, type AcceptedCandidate } from './dataset-rows';
import { labelFolders, UNLABELED_FOLDER } from './label-folders';
import { publishFolder } from './staged-folder';
import { NothingToExportError } from './errors';

export const METADATA_FILE = 'metadata.jsonl';

/** Generation settings copied into every row as flat columns (null when a candidate's config lacks them). */
const GENERATION_COLUMNS = ['strength', 'steps', 'guidance', 'iterations', 'lr'] as const;

export interface DatasetExportOptions {
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface DatasetExportResult {
  dir: string;
  images: number;
  labels: number;
  unlabeled: number;
  metadataFile: string;
}

/**
 * One metadata.jsonl row in the Hugging Face imagefolder convention: `file_name` relative to the folder holding
 * metadata.jsonl, then plain columns. Every row has every key so the loader infers one schema.
 */
export function metadataRow(c: AcceptedCandidate, fileName: string): Record<string, unknown> {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    file_name: fileName,
    label: c.label,
    label_pos: c.labelPos,
    label_source: c.labelSource,
    label_margin: c.labelMargin,
    candidate_id: c.id,
    source_image: c.sourceImage,
    source_class: c.sourceClass,
    prompt: c.prompt,
    objective: c.objective,
    seed: c.seed,
    ...Object.fromEntries(GENERATION_COLUMNS.map((k) => [k, num(c.config[k])])),
    energy: c.energy,
    msp: c.msp,
    neglabel_score: c.neglabelScore,
    source_class_prob: c.sourceClassProb,
  };
}

/**
 * The curated synthetic OOD set as an ImageFolder: one sub-folder per negative label holding its accepted
 * candidates (`<label>/<candidate id>.<ext>`), plus metadata.jsonl at the root. Written to a staging folder and
 * renamed into place, so the target is either the complete export or untouched.
 */
export async function exportAcceptedDataset(db: Db, projectRoot: string, outDir: string, opts: DatasetExportOptions = {}): Promise<DatasetExportResult> {
  const rows = acceptedCandidates(db);
  if (rows.length === 0) throw new NothingToExportError('no accepted candidates to export: accept some first (synood accept, or Curate in the studio)');
  const labels = new Map<number, { id: number; word: string; pos: string }>();
  for (const r of rows) if (r.labelId !== null && r.label !== null) labels.set(r.labelId, { id: r.labelId, word: r.label, pos: r.labelPos ?? 'noun' });
  const folders = labelFolders([...labels.values()]);
  const missing = rows.filter((r) => !fs.existsSync(path.join(projectRoot, r.filePath)));
  if (missing.length) throw new Error(`${missing.length} accepted candidate file(s) are missing from the project, e.g. ${path.join(projectRoot, missing[0]!.filePath)}; nothing was exported`);

  const out = path.resolve(outDir);
  await publishFolder(out, !!opts.force, async (staging) => {
    const lines: string[] = [];
    for (const [i, r] of rows.entries()) {
      const folder = r.labelId === null ? UNLABELED_FOLDER : folders.get(r.labelId)!;
      const fileName = `${folder}/${r.id}${path.extname(r.filePath).toLowerCase() || '.png'}`;
      staging.track(fileName, () => {
        fs.mkdirSync(path.join(staging.dir, folder), { recursive: true });
        // A clone where the filesystem can (no extra space), else a byte copy; never a hard link, so editing an
        // exported image cannot change the project's own file.
        fs.copyFileSync(path.join(projectRoot, r.filePath), path.join(staging.dir, fileName), fs.constants.COPYFILE_FICLONE);
      });
      lines.push(JSON.stringify(metadataRow(r, fileName)));
      opts.onProgress?.(i + 1, rows.length);
    }
    staging.track(METADATA_FILE, () => fs.writeFileSync(path.join(staging.dir, METADATA_FILE), lines.length ? lines.join('\n') + '\n' : ''));
  });
  return { dir: out, images: rows.length, labels: folders.size, unlabeled: rows.filter((r) => r.labelId === null).length, metadataFile: path.join(out, METADATA_FILE) };
}
