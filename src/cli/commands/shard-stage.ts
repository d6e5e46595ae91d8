import path from 'node:path';
import type { Command } from 'commander';
import { parseShardSpec, type ShardStage } from '../../main/shard/shard-spec';
import { loadShard } from '../lazy';
import { CliError, EXIT, printResult, progressLine } from '../output';
import { addOptionOnce, addPlanOptions, planOf, usage } from './shard-options';

interface StageOpts extends Record<string, unknown> {
  /** Like every project command: the current folder when not given. */
  project?: string;
  shard?: string;
  bundleDir?: string;
  json?: boolean;
}

/** One shard of a stage: cut (or resume) its bundle and run the bundle's job to the end. */
async function runShardCommand(stage: ShardStage, o: StageOpts): Promise<void> {
  const spec = usage(() => parseShardSpec(o.shard!));
  const projectDir = path.resolve(o.project ?? '.');
  const plan = planOf(stage, o);
  const bundlesDir = path.resolve(o.bundleDir ?? path.join(projectDir, 'shards'));
  const r = await loadShard().runShard({ projectDir, bundlesDir, spec, plan, onProgress: (p) => progressLine(`${stage} ${spec.index}/${spec.count}`, p.done + p.failed, p.total) });
  if (r.status !== 'completed') throw new CliError(`shard ${spec.index}/${spec.count}: the job ended ${r.status}${r.error ? `: ${r.error}` : ''}; fix it and rerun the same command (the bundle resumes)`, EXIT.failure);
  printResult(r, !!o.json, () =>
    [
      `${stage} shard ${spec.index}/${spec.count}${r.resumed ? ' (resumed)' : ''}: ${r.done} of ${r.total} items done, ${r.failed} failed`,
      `bundle ${r.bundleId} in ${r.bundleDir}`,
      `when every shard has finished: synood merge ${projectDir} ${r.bundleDir} ...`,
    ].join('\n'),
  );
}

const SHARD_HELP = 'run shard i of n (0-based) into a shard bundle instead of the project (merge it later with `synood merge`)';
const BUNDLE_HELP = 'folder for shard bundles (default: PROJECT/shards)';

/**
 * `describe --shard` and `generate --shard`. When the stage command exists already (the CLI's own describe or
 * generate, registered before this), it gains the two options and a sharded invocation is served here instead
 * of by its action; otherwise the command is created and serves sharded runs only.
 */
export function registerShardStage(program: Command, stage: ShardStage, description: string): void {
  const existing = program.commands.find((c) => c.name() === stage);
  const cmd = existing ?? program.command(stage).description(description);
  addOptionOnce(cmd, '-p, --project <dir>', 'project folder');
  addOptionOnce(cmd, '--shard <i/n>', SHARD_HELP);
  const shardOnly = [addOptionOnce(cmd, '--bundle-dir <dir>', BUNDLE_HELP), ...addPlanOptions(cmd, stage)].filter((f): f is string => f !== null);
  addOptionOnce(cmd, '--json', 'machine-readable output');
  if (existing) {
    cmd.hook('preAction', async (self) => {
      const o = self.opts<StageOpts>();
      if (!o.shard) {
        // Flags added here mean nothing to the command's own action: say so rather than ignore them.
        const given = shardOnly.filter((f) => self.getOptionValueSource(attributeOf(f)) === 'cli');
        if (given.length) throw new CliError(`${given.join(', ')} only appl${given.length === 1 ? 'ies' : 'y'} with --shard`, EXIT.usage);
        return;
      }
      // A shard bundle's describe job runs the default describer: a noun list would be silently dropped.
      const unsharded = ['--nouns', '--top-k'].filter((f) => stage === 'describe' && self.getOptionValueSource(attributeOf(f)) === 'cli');
      if (unsharded.length) throw new CliError(`${unsharded.join(', ')} do not apply with --shard (shard bundles run the default describer)`, EXIT.usage);
      await runShardCommand(stage, o);
      // Served: the command's own (unsharded) action must not run as well.
      self.action(() => undefined);
    });
    return;
  }
  cmd.action(async (o: StageOpts) => {
    if (!o.shard) throw new CliError(`this build's \`synood ${stage}\` runs sharded work only: give --shard i/n (0/1 runs everything as one shard), or run the stage from the studio`, EXIT.usage);
    await runShardCommand(stage, o);
  });
}

/** Commander's attribute name of a long flag: --bundle-dir → bundleDir. */
const attributeOf = (flag: string) => flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
