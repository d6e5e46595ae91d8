import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import { openProject } from '../../src/main/project/project';
import type { Studio } from '../../src/main/root';
import { mergeBundle, readManifest } from '../../src/main/shard';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { registerGenerationModels, writeTinyGenerationModels } from '../pipeline/generation-models';
import { imagesOf, jobDone, openProbe, projectWithImages, registerModel, value } from '../pipeline/stage-project';
import { runCli, type CliRun } from './cli';

/**
 * The requirement: n local shard processes (the real CLI, in parallel) and a merge give what one
 * unsharded run gives. Project A is sharded, project B (the same images, imported the same way) is not. Describe
 * shards cut their own bundles; generate goes the cluster way: `synood slurm --cut`, then the script's tasks.
 */

interface VersionRow {
  id: number;
  image_id: number;
  version: number;
  author: string;
  model: string | null;
  raw_answer: string | null;
  elements_json: string;
  prompt: string;
}

interface CandidateRow {
  id: number;
  source_image_id: number;
  class_id: number;
  prompt_version_id: number;
  job_id: number;
  seed: number;
  objective: string;
  config_json: string;
  losses_json: string;
  energy: number;
  msp: number;
  source_class_prob: number;
  file_path: string;
  thumb_path: string;
  unguided_path: string | null;
  previews_json: string;
}

const GEN = { objective: 'energy', steps: 4, iterations: 2, seed: 3, perImage: 1 } as const;
const GEN_FLAGS = ['--objective', 'energy', '--steps', '4', '--iterations', '2', '--seed', '3', '--per-image', '1'];

function rows<T>(projectDir: string, sql: string, ...params: unknown[]): T[] {
  const db = openProbe(projectDir);
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const ok = (r: CliRun) => {
  if (r.code !== 0) throw new Error(`synood exited ${r.code}: ${r.stderr || r.stdout}`);
  return r;
};

const key = (c: CandidateRow) => `${c.source_image_id}:${c.seed}:${c.objective}`;

describe('sharded describe and generate, merged, equal one unsharded run', () => {
  let t: ReturnType<typeof tmpDir>;
  let reference: Studio;
  let sharded: string;
  let unsharded: string;
  let imageIds: number[];
  const bundles = (stage: string) => [0, 1].map((i) => path.join(t.dir, 'bundles', `${stage}-shard-${i}-of-2`));

  beforeAll(async () => {
    t = tmpDir('synood-shard-');
    const src = path.join(t.dir, 'src');
    for (const [ci, cls] of ['cat', 'dog'].entries()) for (let i = 0; i < 2; i++) await writeImage(path.join(src, cls, `${i}.png`), ci * 10 + i, 32);
    const models = writeTinyGenerationModels(path.join(t.dir, 'models'));
    const vlm = path.join(t.dir, 'models', 'tiny-vlm');
    writeTinyVlm(vlm, { seed: 3 });

    sharded = path.join(t.dir, 'sharded');
    unsharded = path.join(t.dir, 'unsharded');
    const a = await projectWithImages(path.join(t.dir, 'home-a'), sharded, src);
    await a.studio.close(); // A is only touched by the CLI from here on
    ({ studio: reference } = await projectWithImages(path.join(t.dir, 'home-b'), unsharded, src));
    for (const dir of [sharded, unsharded]) {
      await registerGenerationModels(dir, models);
      await registerModel(dir, 'vlm', vlm);
    }
    imageIds = imagesOf(sharded).map((i) => i.id);
    expect(imagesOf(unsharded).map((i) => i.id)).toEqual(imageIds);
  }, 60_000);

  afterAll(async () => {
    await reference.close();
    t.cleanup();
  });

  it('describe: two shard processes + merge = one describe job (every prompt version equal)', async () => {
    const images = ['--images', imageIds.join(',')];
    const runs = await Promise.all([0, 1].map((i) => runCli(['describe', '--shard', `${i}/2`, '-p', sharded, '--bundle-dir', path.join(t.dir, 'bundles'), ...images])));
    for (const r of runs) expect(ok(r).stdout).toMatch(/describe shard \d\/2: \d of \d items done, 0 failed/);
    // Each shard holds exactly its images: id mod 2.
    for (const [i, dir] of bundles('describe').entries()) {
      const db = new Database(path.join(dir, 'synood.db'), { readonly: true });
      expect(db.prepare('SELECT image_id FROM prompt_versions ORDER BY image_id').pluck().all()).toEqual(imageIds.filter((id) => id % 2 === i));
      db.close();
    }
    const merged = ok(await runCli(['merge', sharded, ...bundles('describe')]));
    expect(merged.stdout).toMatch(/merged bundle .* \(describe shard 0\/2\): \d prompt versions/);

    const { jobId } = value<{ jobId: number }>(await reference.call('prompt.describe', { imageIds }));
    expect((await jobDone(reference, jobId)).state.status).toBe('completed');

    const strip = (v: VersionRow) => ({ image_id: v.image_id, version: v.version, author: v.author, model: v.model, raw_answer: v.raw_answer, elements_json: v.elements_json, prompt: v.prompt });
    const sql = 'SELECT * FROM prompt_versions ORDER BY image_id, version';
    const got = rows<VersionRow>(sharded, sql).map(strip);
    expect(got).toHaveLength(imageIds.length);
    expect(got).toEqual(rows<VersionRow>(unsharded, sql).map(strip));
  }, 90_000);

  it('generate: the sbatch script run as array tasks 0 and 1 + merge = one generate job (same candidates, byte-identical files, equal scores)', async () => {
    // `synood slurm --cut` writes the script and cuts both bundles here; each task then only opens its own bundle.
    const script = path.join(t.dir, 'generate.sbatch');
    const synood = `${process.execPath} ${path.resolve(__dirname, '../../bin/synood.js')}`;
    const images = ['--images', imageIds.join(',')];
    const written = ok(await runCli(['slurm', '-p', sharded, '--stage', 'generate', '--shards', '2', '--cut', '--bundle-dir', path.join(t.dir, 'bundles'), '--synood', synood, '-o', script, ...images, ...GEN_FLAGS]));
    expect(written.stdout).toContain(`cut 2 bundles in ${path.join(t.dir, 'bundles')}`);
    for (const dir of bundles('generate')) expect(readManifest(dir).stage).toBe('generate');
    // Each task runs `synood generate --shard $SLURM_ARRAY_TASK_ID/2 ...`, both at once, as Slurm would start them.
    const tasks = await Promise.all(
      [0, 1].map(
        (i) =>
          new Promise<CliRun>((resolve) => {
            const child = spawn('bash', [script], { env: { ...process.env, SLURM_ARRAY_TASK_ID: String(i) } });
            let stdout = '';
            let stderr = '';
            child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
            child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
            child.on('close', (code) => resolve({ code, stdout, stderr }));
          }),
      ),
    );
    for (const [i, r] of tasks.entries()) expect(ok(r).stdout).toContain(`generate shard ${i}/2: 2 of 2 items done, 0 failed`);
    const merged = ok(await runCli(['merge', sharded, ...bundles('generate')]));
    expect(merged.stdout.trim().split('\n')).toHaveLength(2);

    const { jobId } = value<{ jobId: number }>(await reference.call('generate.start', { source: { type: 'images', imageIds }, settings: GEN }));
    expect((await jobDone(reference, jobId, 120_000)).progress).toMatchObject({ done: imageIds.length, failed: 0 });

    const sql = 'SELECT * FROM candidates ORDER BY source_image_id, seed, objective';
    const a = rows<CandidateRow>(sharded, sql);
    const b = rows<CandidateRow>(unsharded, sql);
    expect(a.map(key)).toEqual(b.map(key));
    expect(a).toHaveLength(imageIds.length);
    const prompts = (dir: string) => new Map(rows<VersionRow>(dir, 'SELECT * FROM prompt_versions').map((v) => [v.id, v.prompt]));
    const [pa, pb] = [prompts(sharded), prompts(unsharded)];
    for (const [k, ca] of a.entries()) {
      const cb = b[k]!;
      const bytes = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel));
      expect(bytes(sharded, ca.file_path).equals(bytes(unsharded, cb.file_path))).toBe(true);
      expect(bytes(sharded, ca.thumb_path).equals(bytes(unsharded, cb.thumb_path))).toBe(true);
      // The unguided image travels with the bundle and is renamed into the project like the others.
      expect(ca.unguided_path).toMatch(/\/unguided\//);
      expect(bytes(sharded, ca.unguided_path!).equals(bytes(unsharded, cb.unguided_path!))).toBe(true);
      const previews = (c: CandidateRow) => JSON.parse(c.previews_json) as { path: string; loss: number }[];
      expect(previews(ca).map((p) => p.loss)).toEqual(previews(cb).map((p) => p.loss));
      for (const [j, p] of previews(ca).entries()) expect(bytes(sharded, p.path).equals(bytes(unsharded, previews(cb)[j]!.path))).toBe(true);
      expect([ca.energy, ca.msp, ca.source_class_prob, ca.losses_json, ca.class_id, ca.config_json]).toEqual([cb.energy, cb.msp, cb.source_class_prob, cb.losses_json, cb.class_id, cb.config_json]);
      // The merged row points at the project's own prompt version, the one with the same text as the reference's.
      expect(pa.get(ca.prompt_version_id)).toBe(pb.get(cb.prompt_version_id));
      const bundleId = readManifest(bundles('generate')[ca.source_image_id % 2]!).bundleId;
      expect(ca.file_path).toMatch(new RegExp(`^candidates/shards/${bundleId}/\\d+/${ca.source_image_id}_3\\.png$`));
    }
    // One project job stands for each shard's job, its items done.
    const jobs = rows<{ id: number; status: string; done: number }>(
      sharded,
      "SELECT j.id, j.status, (SELECT count(*) FROM job_items i WHERE i.job_id = j.id AND i.status = 'done') AS done FROM jobs j WHERE j.kind = 'generate.candidates' ORDER BY j.id",
    );
    expect(jobs).toEqual([expect.objectContaining({ status: 'completed', done: 2 }), expect.objectContaining({ status: 'completed', done: 2 })]);
    expect(new Set(a.map((c) => c.job_id))).toEqual(new Set(jobs.map((j) => j.id)));
  }, 120_000);

  it('merging a bundle twice is a no-op that says so', async () => {
    const before = rows<{ n: number }>(sharded, 'SELECT (SELECT count(*) FROM candidates) + (SELECT count(*) FROM prompt_versions) + (SELECT count(*) FROM jobs) AS n')[0]!.n;
    const again = ok(await runCli(['merge', sharded, ...bundles('generate')]));
    for (const dir of bundles('generate')) {
      expect(again.stdout).toMatch(new RegExp(`bundle ${readManifest(dir).bundleId} was already merged on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC; nothing changed`));
    }
    const json = JSON.parse(ok(await runCli(['merge', sharded, bundles('describe')[0]!, '--json'])).stdout) as { results: { status: string }[] };
    expect(json.results.map((r) => r.status)).toEqual(['already-merged']);
    expect(rows<{ n: number }>(sharded, 'SELECT (SELECT count(*) FROM candidates) + (SELECT count(*) FROM prompt_versions) + (SELECT count(*) FROM jobs) AS n')[0]!.n).toBe(before);
    expect(rows(sharded, 'SELECT bundle_id FROM shard_merges')).toHaveLength(4);
  }, 60_000);

  it('rerunning a finished shard resumes its bundle; other settings in the same folder are refused', async () => {
    const common = ['generate', '--shard', '0/2', '-p', sharded, '--bundle-dir', path.join(t.dir, 'bundles'), '--images', imageIds.join(',')];
    const rerun = ok(await runCli([...common, ...GEN_FLAGS]));
    expect(rerun.stdout).toMatch(/generate shard 0\/2 \(resumed\): 2 of 2 items done/);
    const other = await runCli([...common, ...GEN_FLAGS.slice(0, -1), '2']);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/already holds a bundle of another run/);
  }, 60_000);

  it('a merge that fails inside its transaction leaves nothing recorded, and its rerun merges exactly once', async () => {
    // A copy of the project as it was before the generate merge: same project, bundles not yet merged.
    const copy = path.join(t.dir, 'copy');
    fs.cpSync(sharded, copy, { recursive: true });
    const db = openProbe(copy);
    db.exec("DELETE FROM candidates; DELETE FROM shard_merges WHERE stage = 'generate'; DELETE FROM jobs WHERE kind = 'generate.candidates'");
    // The last write of the transaction fails: what a crash just before the commit leaves behind.
    db.exec("CREATE TRIGGER crash BEFORE INSERT ON shard_merges BEGIN SELECT RAISE(ABORT, 'simulated crash'); END");
    db.close();
    fs.rmSync(path.join(copy, 'candidates', 'shards'), { recursive: true, force: true });

    const [first] = bundles('generate');
    const project = openProject(copy);
    try {
      expect(() => mergeBundle(project, first!)).toThrow(/simulated crash/);
      expect(project.db.prepare('SELECT count(*) FROM candidates').pluck().get()).toBe(0);
      expect(project.db.prepare("SELECT count(*) FROM jobs WHERE kind = 'generate.candidates'").pluck().get()).toBe(0);
      const id = readManifest(first!).bundleId;
      const copied = fs.readdirSync(path.join(copy, 'candidates', 'shards', id), { recursive: true }).map(String).filter((f) => f.endsWith('.png'));
      // Two candidates, each with its PNG and its unguided PNG.
      expect(copied.filter((f) => !f.includes('unguided'))).toHaveLength(2); // files went first; a crash mid-copy would leave some of them, never half of one
      expect(copied.filter((f) => f.includes('unguided'))).toHaveLength(2);
      fs.rmSync(path.join(copy, 'candidates', 'shards', id, copied[0]!));

      project.db.exec('DROP TRIGGER crash');
      const r = mergeBundle(project, first!);
      expect(r).toMatchObject({ status: 'merged', counts: { candidates: 2, failedItems: 0 } });
      expect(project.db.prepare('SELECT count(*) FROM candidates').pluck().get()).toBe(2);
      for (const f of project.db.prepare('SELECT file_path FROM candidates').pluck().all() as string[]) expect(fs.existsSync(path.join(copy, f))).toBe(true);
      expect(mergeBundle(project, first!).status).toBe('already-merged');
      expect(project.db.prepare('SELECT count(*) FROM candidates').pluck().get()).toBe(2);
    } finally {
      project.db.close();
    }
  }, 30_000);

  it('refuses, changing nothing: an unfinished bundle, a bundle changed after its merge, a bundle of another project', async () => {
    const [first] = bundles('generate');
    const project = openProject(sharded);
    const count = () => project.db.prepare('SELECT count(*) FROM candidates').pluck().get();
    const n = count();
    try {
      const unfinished = path.join(t.dir, 'unfinished');
      fs.cpSync(first!, unfinished, { recursive: true });
      const u = new Database(path.join(unfinished, 'synood.db'));
      u.exec("UPDATE job_items SET status = 'pending' WHERE seq = 1");
      u.close();
      expect(() => mergeBundle(project, unfinished)).toThrow(/is unfinished: 1 of 2 items pending; rerun `synood generate --shard 0\/2`/);

      const changed = path.join(t.dir, 'changed');
      fs.cpSync(first!, changed, { recursive: true });
      const c = new Database(path.join(changed, 'synood.db'));
      c.exec('UPDATE candidates SET energy = energy + 1');
      c.close();
      expect(() => mergeBundle(project, changed)).toThrow(/was merged on .* and its contents changed since/);
      expect(count()).toBe(n);
    } finally {
      project.db.close();
    }
    const other = openProject(unsharded);
    try {
      expect(() => mergeBundle(other, first!)).toThrow(/was cut from project 'sharded'/);
    } finally {
      other.db.close();
    }
  }, 30_000);
});
