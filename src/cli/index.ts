import { Command, CommanderError } from 'commander';
import { CliError, EXIT, EXIT_HELP } from './output';
import { registerServe } from './commands/serve';
import { registerInit } from './commands/init';
import { registerImport } from './commands/import';
import { registerModels } from './commands/models';
import { registerSelect } from './commands/select';
import { registerDescribe } from './commands/describe';
import { registerGenerate } from './commands/generate';
import { registerAccept } from './commands/accept';
import { registerMineLabels } from './commands/mine-labels';
import { registerAssign } from './commands/assign';
import { registerTrain } from './commands/train';
import { registerEval } from './commands/eval';
import { registerCompare } from './commands/compare';
import { registerExport } from './commands/export';
import { registerJobs } from './commands/jobs';
import { registerOnnx } from './commands/onnx';
import { registerMetrics } from './commands/metrics';
import { registerShard } from './commands/shard';
import { registerDemo } from './commands/demo';
import { registerExportRun } from './commands/export-run';
import { registerImportRun } from './commands/import-run';
import { registerReport } from './commands/report';
import { registerWorld } from './commands/world';

const program = new Command();
program
  .name('synood')
  .description('SynOOD Studio, headless: the same services as the app')
  .version('0.1.0')
  .showHelpAfterError()
  .addHelpText('after', `\n${EXIT_HELP}\nProgress bars go to stderr on a terminal; --json prints data on stdout for scripts.`)
  // Commander exits by itself on usage errors; thrown instead, they get this CLI's exit codes.
  .exitOverride();

// One line per command module (each registers its own options); the pipeline order of the help listing.
registerServe(program);
registerInit(program);
registerImport(program);
registerImportRun(program);
registerModels(program);
registerSelect(program);
registerDescribe(program);
registerGenerate(program);
registerAccept(program);
registerMineLabels(program);
registerAssign(program);
registerTrain(program);
registerEval(program);
registerCompare(program);
registerExport(program);
registerExportRun(program);
registerReport(program);
registerJobs(program);
registerOnnx(program);
registerMetrics(program);
registerDemo(program);
registerWorld(program);
// Last: it extends describe and generate with --shard, so they must exist already.
registerShard(program);

function exitCodeOf(e: unknown): number {
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  return EXIT.failure;
}

program.parseAsync(process.argv).then(
  // Explicit exit: a job process or a native thread pool must not keep a finished command alive.
  () => process.exit(process.exitCode ?? EXIT.ok),
  (e: unknown) => {
    // Commander has already printed its own usage errors (and help/version output).
    if (!(e instanceof CommanderError)) process.stderr.write(`synood: ${(e as Error).message}\n`);
    process.exit(exitCodeOf(e));
  },
);
