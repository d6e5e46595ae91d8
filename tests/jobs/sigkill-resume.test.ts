import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import type { ApiResult } from '../../src/shared/api/errors';
import type { ApiEvent } from '../../src/shared/api/events';
import { tmpDir, waitFor } from '../helpers/tmp';
import { writeImageFolder } from '../helpers/images';
import { isAlive, spawnWithEnv } from '../helpers/job-process';

function value<T>(r: ApiResult<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

describe('durable jobs', () => {
  let t: ReturnType<typeof tmpDir>;
  let total: number;
  const classes = ['cat', 'dog', 'fox'];
  beforeAll(async () => {
    t = tmpDir();
    total = await writeImageFolder(path.join(t.dir, 'src'), classes, 40, 2);
  });
  afterAll(() => t.cleanup());

  /** A barrier folder (SYNOOD_TEST_BARRIER): the job process stops before committing item `seq` while hold-<seq> exists. */
  function barrier(name: string) {
    const dir = path.join(t.dir, name);
    fs.mkdirSync(dir);
    return {
      env: { SYNOOD_TEST_BARRIER: dir },
      hold: (seq: number) => fs.writeFileSync(path.join(dir, `hold-${seq}`), ''),
      release: (seq: number) => fs.rmSync(path.join(dir, `hold-${seq}`)),
      /** "<pid> <jobId>" of the process waiting at `seq`, once one got there. */
      at: (seq: number) => (fs.existsSync(path.join(dir, `at-${seq}`)) ? fs.readFileSync(path.join(dir, `at-${seq}`), 'utf8') : undefined),
    };
  }

  it('a job process killed with SIGKILL mid-way resumes with no item lost or done twice', async () => {
    const projectDir = path.join(t.dir, 'proj');
    const home = path.join(t.dir, 'home');
    const b = barrier('barrier-kill');
    b.hold(25);
    const studio = new Studio({ transport: 'direct', homeDir: home, spawnJobProcess: spawnWithEnv(b.env) });
    value(await studio.call('project.create', { dir: projectDir, name: 'kill test' }));
    const events: ApiEvent[] = [];
    studio.onEvent((e) => events.push(e));
    const { jobId } = value<{ jobId: number; datasetId: number }>(
      await studio.call('dataset.import', { name: 'ind', kind: 'ind-train', source: { type: 'folder', path: path.join(t.dir, 'src'), layout: 'imagefolder' } }),
    );

    // Watch from a separate connection, as another process would.
    const probe = new Database(path.join(projectDir, 'synood.db'), { readonly: true });
    const doneCount = () => probe.prepare("SELECT count(*) FROM job_items WHERE job_id = ? AND status != 'pending'").pluck().get(jobId) as number;
    // Item 25's files are written, its rows are not: the worst moment to die.
    const at = await waitFor(() => b.at(25), 60_000, 10, 'the job process to reach item 25');
    const pid = studio.jobProcessPid!;
    expect(at).toBe(`${pid} ${jobId}`);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid), 10_000, 10, `job process ${pid} to die`);
    // Close the studio too (its supervisor may already have restarted the process: it waits at the same barrier).
    await studio.close();
    expect(doneCount()).toBe(25);
    expect(events.some((e) => e.type === 'job.progress' && e.jobId === jobId)).toBe(true);

    // Restart: opening the project resumes the interrupted job.
    b.release(25);
    const again = new Studio({ transport: 'direct', homeDir: home });
    value(await again.call('project.open', { dir: projectDir }));
    await waitFor(() => (probe.prepare('SELECT status FROM jobs WHERE id = ?').pluck().get(jobId) as string) === 'completed', 90_000, 20, `job ${jobId} to complete`);
    await again.close();

    const items = probe.prepare('SELECT status, attempts FROM job_items WHERE job_id = ?').all(jobId) as { status: string; attempts: number }[];
    expect(items).toHaveLength(total);
    // Every item finished exactly once: a completed attempt is counted in the same transaction as its result.
    expect(items.filter((i) => i.status !== 'done' || i.attempts !== 1)).toEqual([]);
    const images = probe.prepare('SELECT path, skip_reason, sha256 FROM images').all() as { path: string; skip_reason: string | null; sha256: string | null }[];
    expect(images).toHaveLength(total);
    expect(new Set(images.map((i) => i.path)).size).toBe(total);
    const skipped = images.filter((i) => i.skip_reason !== null);
    expect(skipped.map((s) => s.path).sort()).toEqual(['cat/broken_0.png', 'cat/broken_1.png']);
    expect(skipped[0]!.skip_reason).toMatch(/corrupt image/);
    // Each good image landed in the project folder once, with a thumbnail; no temporary files left behind.
    for (const img of images.filter((i) => i.skip_reason === null)) expect(fs.existsSync(path.join(projectDir, img.path))).toBe(true);
    // Item 25 was redone over its own hard link: rename(2) between two links of one file does nothing, so
    // linkOrCopyAtomic (src/main/files/atomic.ts) must remove its temporary itself for this to hold.
    const leftovers = fs.readdirSync(projectDir, { recursive: true }).map(String).filter((f) => /\.\d+\.[0-9a-f]{8}\.tmp$/.test(f));
    expect(leftovers).toEqual([]);
    expect(probe.pragma('integrity_check', { simple: true })).toBe('ok');
    probe.close();
  });

  it('pause, resume, cancel and retry change state between items', async () => {
    const projectDir = path.join(t.dir, 'proj2');
    const b = barrier('barrier-states');
    b.hold(4);
    const studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home2'), spawnJobProcess: spawnWithEnv(b.env) });
    value(await studio.call('project.create', { dir: projectDir, name: 'states' }));
    const probe = new Database(path.join(projectDir, 'synood.db'), { readonly: true });
    const leased = (id: number) => probe.prepare('SELECT lease_owner FROM jobs WHERE id = ?').pluck().get(id) !== null;
    const importJob = async (name: string) =>
      value<{ jobId: number }>(await studio.call('dataset.import', { name, kind: 'ind-train', source: { type: 'folder', path: path.join(t.dir, 'src'), layout: 'imagefolder' } })).jobId;
    type J = { state: { status: string }; progress: { done: number; failed: number; total: number } };
    const job = async (id: number) => value<J>(await studio.call('job.get', { id }));

    const jobId = await importJob('ind');
    await waitFor(() => b.at(4), 60_000, 10, 'the job to reach item 4');
    // Paused while item 4 is in flight: that item still commits, then the runner stops and gives the job back.
    expect(value<J>(await studio.call('job.pause', { id: jobId })).state.status).toBe('paused');
    b.release(4);
    await waitFor(() => !leased(jobId), 30_000, 10, 'the runner to stop and give the paused job back');
    const paused = await job(jobId);
    expect(paused.state.status).toBe('paused');
    expect(paused.progress.done).toBe(5);

    value(await studio.call('job.resume', { id: jobId }));
    await waitFor(async () => (await job(jobId)).state.status === 'completed', 60_000, 50, `job ${jobId} to complete`);
    const completed = await job(jobId);
    expect(completed.progress).toMatchObject({ done: total, failed: 0, total });
    const retry = await studio.call('job.retry', { id: jobId });
    expect(retry.ok ? retry.value : retry.error).toMatchObject({ code: 'conflict', message: `job ${jobId} has no failed items to retry` });

    // Cancelled mid-item the same way: finished items stay, the rest is never run.
    b.hold(7);
    const second = await importJob('again');
    await waitFor(() => b.at(7)?.endsWith(` ${second}`), 60_000, 10, 'the second job to reach item 7');
    expect(value<J>(await studio.call('job.cancel', { id: second })).state.status).toBe('cancelled');
    b.release(7);
    await waitFor(() => !leased(second), 30_000, 10, 'the runner to stop and give the cancelled job back');
    const cancelled = await job(second);
    expect(cancelled.state.status).toBe('cancelled');
    expect(cancelled.progress.done).toBe(8);
    probe.close();
    await studio.close();
  });
});
