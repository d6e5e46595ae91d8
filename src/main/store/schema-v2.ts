/**
 * Schema version 2: the record of shard bundles folded into this project (`synood merge`). One row per bundle,
 * written in the same transaction as the bundle's rows, so "merged" is never half true. The content hash tells a
 * rerun of the same bundle (a no-op) from a bundle that changed after it was merged (refused).
 */
export const schemaV2 = `
CREATE TABLE shard_merges (
  bundle_id TEXT PRIMARY KEY,
  content_hash TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('describe', 'generate')),
  shard_index INTEGER NOT NULL,
  shard_count INTEGER NOT NULL,
  bundle_path TEXT NOT NULL,
  job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  counts_json TEXT NOT NULL DEFAULT '{}',
  merged_at INTEGER NOT NULL
);
`;
