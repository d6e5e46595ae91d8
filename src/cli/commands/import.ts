import path from 'node:path';
import type { Command } from 'commander';
import type { DatasetKind, DatasetSource } from '../../shared/api/routes/datasets';
import { runJobCommand } from '../job-command';
import { choice, jsonOption, projectDir, projectOption, waitOption } from '../options';
import { CliError, EXIT } from '../output';

interface ImportOptions {
  project?: string;
  name: string;
  kind: DatasetKind;
  folder?: string;
  flat?: string;
  list?: string;
  root?: string;
  json?: boolean;
  wait: boolean;
}

export function registerImport(program: Command): void {
  const cmd = program
    .command('import')
    .description('import images as a dataset (corrupt files are skipped with a reason)')
    .requiredOption('--name <name>', 'dataset name')
    .requiredOption('--kind <kind>', 'ind-train | ind-test | ood-test', choice(['ind-train', 'ind-test', 'ood-test'] as const))
    .option('--folder <dir>', 'ImageFolder (class sub-folders) to import')
    .option('--flat <dir>', 'flat folder of images (no classes)')
    .option('--list <file>', "list file: 'relative/path [label]' per line")
    .option('--root <dir>', 'root for the list file paths (default: its folder)');
  waitOption(jsonOption(projectOption(cmd))).action(async (o: ImportOptions) => {
    const sources = [o.folder, o.flat, o.list].filter(Boolean);
    if (sources.length !== 1) throw new CliError('give exactly one of --folder, --flat, --list', EXIT.usage);
    const source: DatasetSource = o.folder
      ? { type: 'folder', path: path.resolve(o.folder), layout: 'imagefolder' }
      : o.flat
        ? { type: 'folder', path: path.resolve(o.flat), layout: 'flat' }
        : { type: 'list', path: path.resolve(o.list!), ...(o.root ? { root: path.resolve(o.root) } : {}) };
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: 'import',
      start: (call) => call('dataset.import', { name: o.name, kind: o.kind, source }),
      result: async (call, started) => (await call('dataset.list', {})).find((d) => d.id === started.datasetId)!,
      human: (ds) => `dataset '${ds.name}' (#${ds.id}): ${ds.imageCount} images in ${ds.classCount} classes, ${ds.skippedCount} skipped`,
    });
  });
}
