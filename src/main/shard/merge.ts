import { linkOrCopyAtomic } from '../files/atomic';
import { projectPaths } from '../project/paths';
import type { OpenProject } from '../project/project';
import { openDb, type Db } from '../store/db';
import { insertShardMerge, shardMergeOf, type ShardMergeRecord } from '../store/shard-merges';
import { readBundleContents, type BundleContents, type PreviewRef } from './bundle-contents';
import { insideRoot } from './create-bundle';
import { readManifest, type BundleManifest } from './manifest';
import { allImageKeys, imageKey } from '../store/images';
import { insertVersion, nextVersion } from '../store/prompts';
import { insertCandidateColumns, insertCachedFeatureIfMissing } from '../store/shard-rows';
import { insertJobCopy } from '../store/job-items';

export interface MergeCounts {
  candidates: number;
  promptVersions: number;
  failedItems: number;
  files: number;
}

export interface MergeResult {
  bundleId: string;
  bundleDir: string;
  stage: BundleManifest['stage'];
  shard: string;
  status: 'merged' | 'already-merged';
  message: string;
  /** The job row in the project that stands for the shard's job (its items, failures included, can be retried there). */
  jobId: number | null;
  mergedAt: number;
  counts: MergeCounts;
}

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

/**
 * Where a bundle file lands in the project: under a folder named by the bundle id, so the name is fixed before
 * the transaction (a rerun after a crash overwrites the same files) and never meets another bundle's.
 */
export function mergedPath(bundleId: string, rel: string): string {
  const [top, ...rest] = rel.split('/');
  if ((top !== 'candidates' && top !== 'thumbs') || rest.length === 0) throw new Error(`refusing bundle file '${rel}': candidates live under candidates/ and thumbs/`);
  return `${top}/shards/${bundleId}/${rest.join('/')}`;
}

/** The bundle must come from this project and hold the same images under the same ids. */
function checkSameProject(project: OpenProject, bundleDb: Db, m: BundleManifest, bundleDir: string): void {
  const info = project.info;
  if (info.createdAt !== m.parent.createdAt || info.name !== m.parent.name) {
    throw new Error(`bundle ${m.bundleId} (${bundleDir}) was cut from project '${m.parent.name}' (${m.parent.dir}, created ${when(m.parent.createdAt)}), not from '${info.name}' (${info.dir}); nothing changed`);
  }
  const images = allImageKeys(bundleDb);
  for (const img of images) {
    const p = imageKey(project.db, img.id);
    if (!p || p.path !== img.path || p.sha256 !== img.sha256) {
      throw new Error(`bundle ${m.bundleId} (${bundleDir}): image ${img.id} (${img.path}) is not the same image in this project any more; nothing changed`);
    }
  }
}

function alreadyMerged(m: BundleManifest, bundleDir: string, rec: ShardMergeRecord, hash: string): MergeResult {
  if (rec.content_hash !== hash) {
    throw new Error(
      `bundle ${m.bundleId} (${bundleDir}) was merged on ${when(rec.merged_at)}, and its contents changed since (hash ${rec.content_hash.slice(0, 12)} then, ${hash.slice(0, 12)} now): ` +
        'refusing to merge it again; cut a new bundle (another --bundle-dir) for the work still to do',
    );
  }
  return {
    bundleId: m.bundleId,
    bundleDir,
    stage: m.stage,
    shard: `${m.index}/${m.count}`,
    status: 'already-merged',
    message: `bundle ${m.bundleId} was already merged on ${when(rec.merged_at)}; nothing changed`,
    jobId: rec.job_id,
    mergedAt: rec.merged_at,
    counts: JSON.parse(rec.counts_json) as MergeCounts,
  };
}

/** All rows of one bundle, in one transaction: the job (with its items), new prompt versions, candidates, the record. */
function writeRows(db: Db, m: BundleManifest, bundleDir: string, c: BundleContents, counts: MergeCounts, now: number): number {
  const jobId = insertJobCopy(db, c.job, `${c.job.title} · merged from bundle ${m.bundleId.slice(0, 8)}`, c.items);

  // New versions go after whatever the project has now (edits made while the shard ran stay in the history).
  const versionIds = new Map<number, number>(m.inheritedPromptVersionIds.map((id) => [id, id]));
  for (const v of c.promptVersions) {
    const id = insertVersion(db, {
      imageId: v.image_id,
      version: nextVersion(db, v.image_id),
      author: v.author,
      model: v.model,
      rawAnswer: v.raw_answer,
      elementsJson: v.elements_json,
      prompt: v.prompt,
      createdAt: v.created_at,
    });
    versionIds.set(v.id, id);
  }

  const skip = new Set(['id', 'job_id', 'prompt_version_id', 'file_path', 'thumb_path', 'unguided_path', 'previews_json']);
  // Every row has the columns of the bundle's schema: one statement for all of them.
  const cols = c.candidates.length ? Object.keys(c.candidates[0]!).filter((k) => !skip.has(k)) : [];
  const all = [...cols, 'job_id', 'prompt_version_id', 'file_path', 'thumb_path', 'unguided_path', 'previews_json'];
  for (const cand of c.candidates) {
    const previews = (JSON.parse(String(cand.previews_json)) as PreviewRef[]).map((p) => ({ ...p, path: mergedPath(m.bundleId, p.path) }));
    const pv = cand.prompt_version_id === null ? null : versionIds.get(cand.prompt_version_id);
    if (pv === undefined) throw new Error(`bundle ${m.bundleId}: candidate ${String(cand.id)} names prompt version ${String(cand.prompt_version_id)}, which the bundle does not hold`);
    insertCandidateColumns(db, all, [
      ...cols.map((k) => cand[k]),
      jobId,
      pv,
      mergedPath(m.bundleId, cand.file_path),
      cand.thumb_path === null ? null : mergedPath(m.bundleId, cand.thumb_path),
      // A bundle from before schema 6 has no such column: its candidates have no unguided image.
      typeof cand.unguided_path === 'string' ? mergedPath(m.bundleId, cand.unguided_path) : null,
      JSON.stringify(previews),
    ]);
  }
  for (const f of c.featureCache) insertCachedFeatureIfMissing(db, f);

  insertShardMerge(db, {
    bundleId: m.bundleId,
    contentHash: c.contentHash,
    stage: m.stage,
    shardIndex: m.index,
    shardCount: m.count,
    bundlePath: bundleDir,
    jobId,
    countsJson: JSON.stringify(counts),
    mergedAt: now,
  });
  return jobId;
}

/**
 * Folds one finished shard bundle into its project. Files are copied first (atomically, to names fixed by the
 * bundle id), then every row in one transaction that also records the bundle in `shard_merges`: a crash at any
 * point leaves either nothing recorded (rerun the merge) or everything. The same bundle again is a no-op.
 */
export function mergeBundle(project: OpenProject, bundleDir: string): MergeResult {
  const m = readManifest(bundleDir);
  const bundleDb = openDb(projectPaths(bundleDir).db, { readonly: true });
  let contents: BundleContents;
  try {
    checkSameProject(project, bundleDb, m, bundleDir);
    contents = readBundleContents(bundleDir, bundleDb, m);
  } finally {
    bundleDb.close();
  }
  const { db } = project;
  const before = shardMergeOf(db, m.bundleId);
  if (before) return alreadyMerged(m, bundleDir, before, contents.contentHash);

  const bundleRoot = projectPaths(bundleDir).root;
  for (const rel of contents.files) linkOrCopyAtomic(insideRoot(bundleRoot, rel), insideRoot(project.paths.root, mergedPath(m.bundleId, rel)));

  const counts: MergeCounts = {
    candidates: contents.candidates.length,
    promptVersions: contents.promptVersions.length,
    failedItems: contents.items.filter((i) => i.status === 'failed').length,
    files: contents.files.length,
  };
  const now = Date.now();
  const outcome = db.transaction((): MergeResult => {
    // Checked again inside the transaction: two merges of one bundle at once write it once.
    const raced = shardMergeOf(db, m.bundleId);
    if (raced) return alreadyMerged(m, bundleDir, raced, contents.contentHash);
    const jobId = writeRows(db, m, bundleDir, contents, counts, now);
    const what = m.stage === 'generate' ? `${counts.candidates} candidates` : `${counts.promptVersions} prompt versions`;
    const failed = counts.failedItems ? `, ${counts.failedItems} failed items (retry them in job #${jobId})` : '';
    return {
      bundleId: m.bundleId,
      bundleDir,
      stage: m.stage,
      shard: `${m.index}/${m.count}`,
      status: 'merged',
      message: `merged bundle ${m.bundleId} (${m.stage} shard ${m.index}/${m.count}): ${what}${failed}`,
      jobId,
      mergedAt: now,
      counts,
    };
  }).immediate();
  return outcome;
}
