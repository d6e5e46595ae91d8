import type { Db } from './db';
import { stmt } from './statement-cache';

/** What a merge recorded of a bundle: enough to tell a rerun (same hash) from a changed bundle. */
export interface ShardMergeRecord {
  content_hash: string;
  merged_at: number;
  job_id: number | null;
  counts_json: string;
}

export interface NewShardMerge {
  bundleId: string;
  contentHash: string;
  stage: 'describe' | 'generate';
  shardIndex: number;
  shardCount: number;
  bundlePath: string;
  jobId: number | null;
  countsJson: string;
  mergedAt: number;
}

export function insertShardMerge(db: Db, m: NewShardMerge): void {
  stmt(db, 'INSERT INTO shard_merges (bundle_id, content_hash, stage, shard_index, shard_count, bundle_path, job_id, counts_json, merged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    m.bundleId,
    m.contentHash,
    m.stage,
    m.shardIndex,
    m.shardCount,
    m.bundlePath,
    m.jobId,
    m.countsJson,
    m.mergedAt,
  );
}

export function shardMergeOf(db: Db, bundleId: string): ShardMergeRecord | undefined {
  return stmt(db, 'SELECT content_hash, merged_at, job_id, counts_json FROM shard_merges WHERE bundle_id = ?').get(bundleId) as ShardMergeRecord | undefined;
}
