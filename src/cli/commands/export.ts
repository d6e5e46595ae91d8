import path from 'node:path';
import type { Command } from 'commander';
import { choice, intArg, jsonOption, projectDir, projectOption } from '../options';
import { printResult } from '../output';
import { withStudio } from '../studio-call';

interface Common {
  out: string;
  force?: boolean;
  project?: string;
  json?: boolean;
}

const LABEL_COLUMNS = ['pos', 'score'] as const;
const columnsArg = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean).map(choice(LABEL_COLUMNS))];

function exportCommand(parent: Command, name: string, description: string, outHelp: string): Command {
  return jsonOption(projectOption(parent.command(name).description(description).requiredOption('-o, --out <path>', outHelp).option('--force', 'replace an existing file or non-empty folder')));
}

export function registerExport(program: Command): void {
  const exp = program
    .command('export')
    .description('write the curated dataset, the negative labels, a contact sheet, a run\'s scorer.onnx or its metrics; atomically, never over existing files without --force');

  exportCommand(exp, 'dataset', 'the accepted candidates as an ImageFolder by negative label, with metadata.jsonl at its root (Hugging Face imagefolder)', 'folder to create (must be empty or new)').action(
    async (o: Common) => {
      await withStudio(projectDir(o), async (call) => {
        const r = await call('export.dataset', { out: path.resolve(o.out), force: !!o.force });
        const unlabeled = r.unlabeled ? ` (${r.unlabeled} without a label, under unlabeled/)` : '';
        printResult(r, !!o.json, () => `exported ${r.images} images in ${r.labels} label folders${unlabeled} to ${r.dir}\nload it with: datasets.load_dataset("imagefolder", data_dir="${r.dir}")`);
      });
    },
  );

  exportCommand(exp, 'labels', 'the selected negative labels, one per line', 'text file to write')
    .option('--columns <cols>', 'add tab-separated columns (with a header): pos, score', columnsArg)
    .action(async (o: Common & { columns?: (typeof LABEL_COLUMNS)[number][] }) => {
      await withStudio(projectDir(o), async (call) => {
        const r = await call('export.labels', { out: path.resolve(o.out), force: !!o.force, columns: o.columns ?? [] });
        printResult(r, !!o.json, () => `wrote ${r.labels} negative labels to ${r.file}`);
      });
    });

  exportCommand(exp, 'contact-sheet', 'a contact sheet PNG: a few candidates per class, columns source · unguided · guided, captioned with class and scores (and a .json sidecar)', '.png file to write')
    .option('--per-class <n>', 'candidates per class (default 3)', intArg)
    .option('--cell <px>', 'side of each tile in pixels (default 160)', intArg)
    .action(async (o: Common & { perClass?: number; cell?: number }) => {
      await withStudio(projectDir(o), async (call) => {
        const r = await call('export.sheet', { out: path.resolve(o.out), force: !!o.force, ...(o.perClass !== undefined ? { perClass: o.perClass } : {}), ...(o.cell !== undefined ? { cell: o.cell } : {}) });
        const missing = r.withoutUnguided ? `; ${r.withoutUnguided} made before unguided images were kept show a grey tile` : '';
        const captions = r.captionsInImage ? 'captions drawn in the image' : 'no text renderer here: captions only in the sidecar';
        printResult(r, !!o.json, () => `wrote ${r.file} (${r.width}×${r.height}, ${r.rows} candidates of ${r.classes} classes${missing}; ${captions}) and ${r.sidecar}`);
      });
    });

  exportCommand(exp, 'scorer', "a run's scorer.onnx: pixel_values → ood_score, with its trained parts baked in", '.onnx file to write')
    .requiredOption('--run <id>', 'run id', intArg)
    .option('--no-projection', 'leave the trained projection out')
    .option('--no-tuned-labels', 'use the original, not the tuned, negative-label features')
    .action(async (o: Common & { run: number; projection: boolean; tunedLabels: boolean }) => {
      await withStudio(projectDir(o), async (call) => {
        const r = await call('export.scorer', { runId: o.run, out: path.resolve(o.out), force: !!o.force, switches: { projection: o.projection, tunedLabels: o.tunedLabels } });
        printResult(r, !!o.json, () => `wrote ${r.file} (input pixel_values, preprocessed as the studio does; output ood_score, higher = more in-distribution)`);
      });
    });

  exportCommand(exp, 'metrics', "a run's metrics per OOD set and their average (CSV), or with its training curves (JSON)", '.csv or .json file to write')
    .requiredOption('--run <id>', 'run id', intArg)
    .option('--format <f>', 'csv | json (default: from the file extension)', choice(['csv', 'json'] as const))
    .action(async (o: Common & { run: number; format?: 'csv' | 'json' }) => {
      await withStudio(projectDir(o), async (call) => {
        const r = await call('export.metrics', { runId: o.run, out: path.resolve(o.out), force: !!o.force, ...(o.format ? { format: o.format } : {}) });
        printResult(r, !!o.json, () => `wrote ${r.file} (${r.format}, ${r.sets} OOD set${r.sets === 1 ? '' : 's'})`);
      });
    });
}
