import { planToFlags } from './plan-flags';
import { bundleFolderGlob } from './shard-spec';
import type { ShardPlan } from './work';

/** What both job writers need: which project, where the bundles go, the plan, how many shards, how to call synood. */
export interface ShardJobOptions {
  projectDir: string;
  bundlesDir: string;
  plan: ShardPlan;
  shards: number;
  /** The synood command on the compute nodes (default 'synood'). */
  synood?: string;
}

/** The arguments after `synood` for one shard; `shardIndex` is the scheduler's variable reference. */
export function shardArgs(o: ShardJobOptions, shardIndex: string): string[] {
  return [o.plan.stage, '--project', o.projectDir, '--shard', `${shardIndex}/${o.shards}`, '--bundle-dir', o.bundlesDir, ...planToFlags(o.plan)];
}

/** The bundles a finished run leaves, as a shell glob for `synood merge`. */
export function bundleGlob(o: ShardJobOptions): string {
  return `${o.bundlesDir.replace(/\/+$/, '')}/${bundleFolderGlob(o.plan.stage, o.shards)}`;
}

export function checkShardCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--shards must be a positive integer, got ${n}`);
}

/** POSIX single quotes: the only character to escape is the quote itself. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
