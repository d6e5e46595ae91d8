import { bundleGlob, checkShardCount, shardArgs, shellQuote, type ShardJobOptions } from './scheduler-common';

export interface SlurmOptions extends ShardJobOptions {
  partition?: string;
  account?: string;
  gpusPerTask?: number;
  cpus?: number;
  mem?: string;
  time?: string;
  /** At most this many array tasks at once (`--array=0-N%K`). */
  maxParallel?: number;
  jobName?: string;
  /** Where each task's log goes; Slurm does not create it, so the writer's caller must. */
  logDir: string;
}

/**
 * An sbatch job-array script: task i runs shard i of n. Slurm does the scheduling, retries and accounting; each
 * task only writes its own bundle, so tasks need nothing from each other.
 */
export function slurmScript(o: SlurmOptions): string {
  checkShardCount(o.shards);
  const name = o.jobName ?? `synood-${o.plan.stage}`;
  const array = `0-${o.shards - 1}${o.maxParallel ? `%${o.maxParallel}` : ''}`;
  const directives: [string, string | number | undefined][] = [
    ['job-name', name],
    ['array', array],
    ['ntasks', 1],
    ['cpus-per-task', o.cpus],
    ['gpus-per-task', o.gpusPerTask],
    ['mem', o.mem],
    ['time', o.time],
    ['partition', o.partition],
    ['account', o.account],
    ['output', `${o.logDir.replace(/\/+$/, '')}/%x-%A_%a.out`],
  ];
  const synood = o.synood ?? 'synood';
  const args = shardArgs(o, '${SLURM_ARRAY_TASK_ID}').map((a) => (a.includes('${SLURM_ARRAY_TASK_ID}') ? `"${a}"` : shellQuote(a)));
  return [
    '#!/bin/bash',
    `# SynOOD Studio: ${o.plan.stage}, split into ${o.shards} shards as a Slurm job array (written by \`synood slurm\`).`,
    '# Each task writes its own shard bundle; a task that is requeued or rerun resumes its bundle.',
    // sbatch splits a directive at whitespace unless the value is double-quoted.
    ...directives.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `#SBATCH --${k}=${/\s/.test(String(v)) ? `"${v}"` : v}`),
    '',
    'set -euo pipefail',
    `exec ${synood} ${args.join(' ')}`,
    '',
    `# When every task has finished: ${synood} merge ${shellQuote(o.projectDir)} ${bundleGlob(o)}`,
    '',
  ].join('\n');
}
