import crypto from 'node:crypto';
import fs from 'node:fs';
import { projectPaths } from '../project/paths';
import type { Db } from '../store/db';
import { readJobCopy, type JobCopy, type JobItemCopy } from '../store/job-items';
import { insideRoot } from './create-bundle';
import { canonicalJson, type BundleManifest } from './manifest';
import type { PromptVersionRow } from '../store/prompts';
import { allCachedFeatures, candidatesOfJob, newPromptVersions, type CachedFeatureRow, type CandidateRecord } from '../store/shard-rows';


export type JobRow = JobCopy;

export interface PreviewRef {
  iteration: number;
  path: string;
  loss: number | null;
}

/** Everything a bundle brings to its project, read once: what merge writes and what its content hash covers. */
export interface BundleContents {
  job: JobRow;
  items: JobItemCopy[];
  /** New prompt versions only (the inherited ones are the parent's own rows). */
  promptVersions: PromptVersionRow[];
  candidates: CandidateRecord[];
  featureCache: CachedFeatureRow[];
  /** Bundle-relative paths of every file the candidates name. */
  files: string[];
  contentHash: string;
}

function candidateFiles(c: CandidateRecord): string[] {
  const previews = JSON.parse(String(c.previews_json)) as PreviewRef[];
  const unguided = typeof c.unguided_path === 'string' ? [c.unguided_path] : [];
  return [c.file_path, ...(c.thumb_path === null ? [] : [c.thumb_path]), ...unguided, ...previews.map((p) => p.path)];
}

function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Reads a finished bundle. An unfinished one (items still pending, or a job that failed before its items) is
 * refused: merging half a shard would make the rest look done.
 */
export function readBundleContents(bundleDir: string, db: Db, m: BundleManifest): BundleContents {
  const copy = readJobCopy(db, m.jobId);
  if (!copy) throw new Error(`bundle ${m.bundleId} (${bundleDir}) has no job ${m.jobId}: it is damaged`);
  const { job, items } = copy;
  const pending = items.filter((i) => i.status === 'pending').length;
  const total = items.length;
  const rerun = `rerun \`synood ${m.stage} --shard ${m.index}/${m.count}\` with the same options to finish it, then merge`;
  if (job.status === 'failed') throw new Error(`bundle ${m.bundleId} (${bundleDir}): its job failed (${job.error ?? 'no reason'}); ${rerun}`);
  if (pending > 0 || job.status !== 'completed') throw new Error(`bundle ${m.bundleId} (${bundleDir}) is unfinished: ${pending} of ${total} items pending; ${rerun}`);

  const promptVersions = newPromptVersions(db, m.inheritedPromptVersionIds);
  const candidates = candidatesOfJob(db, m.jobId);
  const featureCache = allCachedFeatures(db);
  const files = candidates.flatMap(candidateFiles);

  const root = projectPaths(bundleDir).root;
  const hash = crypto.createHash('sha256');
  // Ids and times are part of the content: a bundle rerun after its merge (new rows) hashes differently.
  hash.update(canonicalJson({ bundleId: m.bundleId, job, items, promptVersions, candidates }));
  for (const rel of files) {
    const abs = insideRoot(root, rel);
    if (!fs.existsSync(abs)) throw new Error(`bundle ${m.bundleId} (${bundleDir}) is missing ${rel}: it is damaged; rerun the shard in a new bundle folder`);
    hash.update(`\n${rel}\n${sha256File(abs)}`);
  }
  return { job, items, promptVersions, candidates, featureCache, files, contentHash: hash.digest('hex') };
}
