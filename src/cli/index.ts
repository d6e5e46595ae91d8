import path from 'node:path';
import { Command } from 'commander';
import { runBrowserMode } from '../main/browser-mode';
import { CliError, EXIT, printResult, progressLine } from './output';
import { withStudio } from './studio-call';
import { registerOnnx } from './commands/onnx';
import { registerMetrics } from './commands/metrics';
import { registerDemo } from './commands/demo';

const program = new Command();
program.name('synood').description('SynOOD Studio, headless: the same services as the app').version('0.1.0').showHelpAfterError();

program
  .command('serve')
  .description('serve the studio in browser mode on 127.0.0.1 (prints the URL with its token)')
  .option('-p, --project <dir>', 'open this project folder')
  .option('--port <n>', 'port (default: a free one)', (v) => Number(v))
  .action(async (o: { project?: string; port?: number }) => {
    const { host, studio } = await runBrowserMode({ ...(o.project ? { projectDir: o.project } : {}), ...(o.port ? { port: o.port } : {}) });
    process.stdout.write(`SynOOD Studio (browser mode): ${host.url}\n`);
    const stop = async () => {
      await host.close();
      await studio.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  });

program
  .command('init')
  .description('create a project folder')
  .argument('<dir>', 'project folder')
  .option('-n, --name <name>', 'project name (default: folder name)')
  .option('--json', 'machine-readable output')
  .action(async (dir: string, o: { name?: string; json?: boolean }) => {
    await withStudio(undefined, async (call) => {
      const p = await call('project.create', { dir: path.resolve(dir), name: o.name ?? path.basename(path.resolve(dir)) });
      printResult(p, !!o.json, () => `created project '${p.name}' in ${p.dir}`);
    });
  });

program
  .command('import')
  .description('import images as a dataset and wait for the job to finish')
  .requiredOption('-p, --project <dir>', 'project folder')
  .requiredOption('--name <name>', 'dataset name')
  .requiredOption('--kind <kind>', 'ind-train | ind-test | ood-test')
  .option('--folder <dir>', 'ImageFolder (class sub-folders) to import')
  .option('--flat <dir>', 'flat folder of images (no classes)')
  .option('--list <file>', "list file: 'relative/path [label]' per line")
  .option('--root <dir>', 'root for the list file paths (default: its folder)')
  .option('--json', 'machine-readable output')
  .action(async (o: { project: string; name: string; kind: string; folder?: string; flat?: string; list?: string; root?: string; json?: boolean }) => {
    const sources = [o.folder, o.flat, o.list].filter(Boolean);
    if (sources.length !== 1) throw new CliError('give exactly one of --folder, --flat, --list', EXIT.usage);
    const source = o.folder
      ? { type: 'folder', path: path.resolve(o.folder), layout: 'imagefolder' }
      : o.flat
        ? { type: 'folder', path: path.resolve(o.flat), layout: 'flat' }
        : { type: 'list', path: path.resolve(o.list!), ...(o.root ? { root: path.resolve(o.root) } : {}) };
    await withStudio(path.resolve(o.project), async (call, studio) => {
      const { jobId, datasetId } = await call('dataset.import', { name: o.name, kind: o.kind, source });
      const done = new Promise<void>((resolve) => {
        studio.onEvent((e) => {
          if (e.type === 'job.progress' && e.jobId === jobId) progressLine('import', e.progress.done + e.progress.failed, e.progress.total);
          if (e.type === 'job.state' && e.jobId === jobId && !['running', 'queued'].includes(e.state.status)) resolve();
        });
      });
      await done;
      const ds = (await call('dataset.list', {})).find((d: { id: number }) => d.id === datasetId);
      printResult(ds, !!o.json, () => `dataset '${ds.name}': ${ds.imageCount} images in ${ds.classCount} classes, ${ds.skippedCount} skipped`);
    });
  });

program
  .command('jobs')
  .description('list recent jobs')
  .requiredOption('-p, --project <dir>', 'project folder')
  .option('--json', 'machine-readable output')
  .action(async (o: { project: string; json?: boolean }) => {
    await withStudio(path.resolve(o.project), async (call) => {
      const jobs = await call('job.list', { limit: 50 });
      printResult(jobs, !!o.json, () => jobs.map((j: any) => `#${j.id} ${j.state.status.padEnd(9)} ${j.progress.done}/${j.progress.total} ${j.title}`).join('\n') || 'no jobs');
    });
  });

registerOnnx(program);
registerMetrics(program);
registerDemo(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  const err = e as Error & { exitCode?: number };
  process.stderr.write(`synood: ${err.message}\n`);
  process.exit(err instanceof CliError ? err.exitCode : EXIT.failure);
});
