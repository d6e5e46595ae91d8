/** Which 1/n of a stage's work one shard does: shard `index` of `count` (0-based, as Slurm and Kubernetes count). */
export interface ShardSpec {
  index: number;
  count: number;
}

export type ShardStage = 'describe' | 'generate';

export class ShardSpecError extends Error {}

/** Parses 'i/n' (0 ≤ i < n). */
export function parseShardSpec(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ShardSpecError(`--shard takes i/n (e.g. 0/4), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new ShardSpecError(`--shard ${text}: the shard count must be at least 1`);
  if (index >= count) throw new ShardSpecError(`--shard ${text}: shards are numbered 0 to ${count - 1}`);
  return { index, count };
}

/**
 * The assignment rule: every work item of a source image goes to shard (image id mod n). It depends on nothing
 * but the id, so shards agree without talking to each other, and all seeds of one image land in one bundle.
 */
export function ownsImage(spec: ShardSpec, imageId: number): boolean {
  return imageId % spec.count === spec.index;
}

/** The bundle folder of one shard under a bundles folder: the name says which run and which part it holds. */
export function bundleFolderName(stage: ShardStage, spec: ShardSpec): string {
  return `${stage}-shard-${spec.index}-of-${spec.count}`;
}

/** Every bundle of one run (all shards of n) as a shell glob. */
export function bundleFolderGlob(stage: ShardStage, count: number): string {
  return `${stage}-shard-*-of-${count}`;
}
