import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { linkOrCopyAtomic } from '../files/atomic';
import { JobStore } from '../store/jobs';
import { createProject } from '../project/project';
import type { Db } from '../store/db';
import { writeManifest, type BundleManifest } from './manifest';
import type { ShardSpec } from './shard-spec';
import type { ShardPlan } from './work';
import { shardWork } from './work';
import { imageFiles } from '../store/images';
import { copyClassesOfImages, copyDatasetsOfImages, copyImages, copyModels, copyPromptVersions, copySelectedLabels } from '../store/shard-rows';

export interface ParentRef {
  db: Db;
  root: string;
  name: string;
  createdAt: number;
}

/** Project-relative '/' path → absolute, refusing anything that would leave the folder. */
export function insideRoot(root: string, rel: string): string {
  const parts = rel.split('/');
  if (path.isAbsolute(rel) || parts.some((p) => p === '..' || p === '')) throw new Error(`refusing path '${rel}': not a plain project-relative path`);
  return path.join(root, ...parts);
}

/**
 * The rows a shard's job reads, with the parent's ids: the datasets and ALL classes of its images' datasets
 * (the source-class probability is a softmax over every class), its images, the pinned prompt versions, every
 * registered model (paths are absolute: a cluster shares them read-only) and the selected negative labels
 * (neg-text2img draws from them by position).
 */
function copyParentRows(parent: Db, bundle: Db, imageIds: number[], promptVersionIds: number[]): void {
  copyDatasetsOfImages(parent, bundle, imageIds);
  copyClassesOfImages(parent, bundle, imageIds);
  copyImages(parent, bundle, imageIds);
  copyPromptVersions(parent, bundle, promptVersionIds);
  copyModels(parent, bundle);
  copySelectedLabels(parent, bundle);
}

/** The image files (and their thumbnails) at the same project-relative paths: hard links where the filesystem allows. */
function copyImageFiles(parent: ParentRef, bundleRoot: string, imageIds: number[]): void {
  const rows = imageFiles(parent.db, imageIds);
  for (const r of rows) {
    for (const rel of [r.path, r.thumb_path]) {
      if (rel === null) continue;
      const src = insideRoot(parent.root, rel);
      // A file already gone from the parent stays gone in the bundle: its item fails there with the job's own reason.
      if (fs.existsSync(src)) linkOrCopyAtomic(src, insideRoot(bundleRoot, rel));
    }
  }
}

/**
 * Builds the bundle of one shard in a side folder and renames it into place when complete, so a folder with the
 * bundle's name is always a whole bundle (a crash leaves only the side folder, removed by the next attempt).
 */
export function createBundle(parent: ParentRef, bundleDir: string, plan: ShardPlan, spec: ShardSpec): BundleManifest {
  const work = shardWork(parent.db, plan, spec);
  const partial = `${bundleDir}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  const project = createProject(partial, `${parent.name} · ${path.basename(bundleDir)}`);
  let manifest: BundleManifest;
  try {
    const jobId = project.db.transaction(() => {
      copyParentRows(parent.db, project.db, work.imageIds, work.promptVersionIds);
      const jobs = new JobStore(project.db);
      return work.stage === 'describe' ? jobs.enqueue(work.jobKind, work.title, work.params, work.items) : jobs.enqueue(work.jobKind, work.title, work.params, work.items);
    })();
    copyImageFiles(parent, project.paths.root, work.imageIds);
    manifest = {
      format: 'synood-shard-bundle',
      formatVersion: 1,
      bundleId: crypto.randomUUID(),
      stage: plan.stage,
      index: spec.index,
      count: spec.count,
      plan,
      parent: { dir: parent.root, name: parent.name, createdAt: parent.createdAt },
      jobId,
      inheritedPromptVersionIds: work.promptVersionIds,
      createdAt: Date.now(),
    };
  } finally {
    project.db.close();
  }
  writeManifest(partial, manifest);
  fs.renameSync(partial, bundleDir);
  return manifest;
}
