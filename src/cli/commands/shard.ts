import type { Command } from 'commander';
import { registerK8s, registerSlurm } from './shard-jobs';
import { registerMerge } from './shard-merge';
import { registerShardStage } from './shard-stage';

/**
 * Scale-out: `describe --shard i/n` and `generate --shard i/n` write shard bundles, `merge` folds them into the
 * project, `slurm` and `k8s` write the job files that run the shards on those schedulers. Register it after any
 * other describe/generate command, so it extends them rather than clashing with them.
 */
export function registerShard(program: Command): void {
  registerShardStage(program, 'describe', 'describe images (VLM context prompts); with --shard, one shard of them into a bundle');
  registerShardStage(program, 'generate', 'generate candidates; with --shard, one shard of them into a bundle');
  registerMerge(program);
  registerSlurm(program);
  registerK8s(program);
}
