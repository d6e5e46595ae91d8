import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import { noJobProcess } from '../../src/cli/job-process-spawn';
import { EXIT } from '../../src/cli/output';
import type { SpawnJobProcess } from '../../src/main/jobs/supervisor';
import type { ApiResult } from '../../src/shared/api/errors';
import type { Job } from '../../src/shared/api/jobs';
import { tmpDir, waitFor } from '../helpers/tmp';
import { writeImageFolder } from '../helpers/images';
import { isAlive, spawnWithEnv } from '../helpers/job-process';
import { preloadEnv } from '../helpers/faults.cjs';
import { runCli } from '../cli/cli';

function value<T>(r: ApiResult<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/**
 * A job process that keeps dying must not be restarted forever, nor leave whoever waits on its job waiting forever:
 * after 3 restarts the job is failed with the last error, and a retry (once the cause is gone) finishes it.
 */
describe('a job process that keeps dying', () => {
  let t: ReturnType<typeof tmpDir>;
  let src: string;
  let total: number;
  beforeAll(async () => {
    t = tmpDir('synood-restart-');
    src = path.join(t.dir, 'src');
    total = await writeImageFolder(src, ['cat', 'dog'], 6);
  });
  afterAll(() => t.cleanup());

  /** SQLite in the job processes fails every write ("database or disk is full") while the flag file exists. */
  function fullDisk(name: string) {
    const flag = path.join(t.dir, `${name}.full`);
    fs.writeFileSync(flag, '');
    return { env: preloadEnv({ SYNOOD_TEST_SQLITE_FULL: flag }), free: () => fs.rmSync(flag) };
  }

  async function queueImport(studio: Studio, projectDir: string): Promise<number> {
    value(await studio.call('project.create', { dir: projectDir, name: path.basename(projectDir) }));
    return value<{ jobId: number }>(await studio.call('dataset.import', { name: 'ind', kind: 'ind-train', source: { type: 'folder', path: src, layout: 'imagefolder' } })).jobId;
  }

  it('the studio supervisor gives up after 3 restarts, fails the job with the last error, and a retry finishes it', async () => {
    const disk = fullDisk('studio');
    const pids: number[] = [];
    const spawn = spawnWithEnv(disk.env);
    const counting: SpawnJobProcess = (dir) => {
      const child = spawn(dir);
      pids.push(child.pid!);
      return child;
    };
    const studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home'), spawnJobProcess: counting });
    const jobId = await queueImport(studio, path.join(t.dir, 'studio'));
    const job = async () => value<Job>(await studio.call('job.get', { id: jobId }));
    const failed = await waitFor(async () => ((await job()).state.status === 'failed' ? await job() : null), 180_000, 50, `job ${jobId} to fail`);
    expect(failed.state.status === 'failed' && failed.state.error).toBe('the job process died 4 times in a row without finishing an item; last error: database or disk is full');
    expect(pids).toHaveLength(4);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(studio.jobProcessPid).toBeUndefined();
    // Nothing was lost: every item is still pending, ready for a retry.
    expect(failed.progress).toMatchObject({ total, done: 0, failed: 0 });

    disk.free();
    expect(value<Job>(await studio.call('job.retry', { id: jobId })).state.status).toBe('queued');
    const done = await waitFor(async () => ((await job()).state.status === 'completed' ? await job() : null), 120_000, 50, `job ${jobId} to complete after the retry`);
    expect(done.progress).toMatchObject({ total, done: total, failed: 0 });
    expect(pids).toHaveLength(5);
    await studio.close();
  }, 300_000);

  it('repeated kills end the same way, naming the signal', async () => {
    const barrier = path.join(t.dir, 'barrier-kills');
    fs.mkdirSync(barrier);
    fs.writeFileSync(path.join(barrier, 'hold-3'), '');
    const studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home'), spawnJobProcess: spawnWithEnv({ SYNOOD_TEST_BARRIER: barrier }) });
    const jobId = await queueImport(studio, path.join(t.dir, 'kills'));
    const at = path.join(barrier, 'at-3');
    for (let kill = 1; kill <= 4; kill++) {
      const pid = Number((await waitFor(() => fs.existsSync(at) && fs.readFileSync(at, 'utf8'), 60_000, 10, `job process ${kill} to reach item 3`)).split(' ')[0]);
      fs.rmSync(at);
      process.kill(pid, 'SIGKILL');
    }
    const job = async () => value<Job>(await studio.call('job.get', { id: jobId }));
    const failed = await waitFor(async () => ((await job()).state.status === 'failed' ? await job() : null), 180_000, 50, `job ${jobId} to fail`);
    expect(failed.state.status === 'failed' && failed.state.error).toMatch(/died 4 times in a row without finishing an item; last error: the job process was killed \(SIGKILL\)$/);
    expect(failed.progress.done).toBe(3);
    expect(fs.existsSync(at)).toBe(false);
    await studio.close();
  }, 300_000);

  it('`synood jobs wait` exits 1 with the error instead of hanging; retry and wait then finish the job', async () => {
    const disk = fullDisk('cli');
    const projectDir = path.join(t.dir, 'cli');
    const studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home'), spawnJobProcess: noJobProcess });
    const jobId = await queueImport(studio, projectDir);
    await studio.close();
    const home = path.join(t.dir, 'cli-home');
    fs.mkdirSync(home, { recursive: true });
    const r = await runCli(['jobs', 'wait', String(jobId), '-p', projectDir], { home, env: disk.env, timeoutMs: 180_000 });
    expect(r.stderr).toContain(`synood: job #${jobId} failed: the job process died 4 times in a row without finishing an item; last error: database or disk is full`);
    expect(r.code).toBe(EXIT.failure);

    disk.free();
    const retry = await runCli(['jobs', 'retry', String(jobId), '-p', projectDir], { home });
    expect(retry.code).toBe(EXIT.ok);
    const again = await runCli(['jobs', 'wait', String(jobId), '-p', projectDir], { home, timeoutMs: 120_000 });
    expect(again.code).toBe(EXIT.ok);
    expect(again.stdout).toContain(`#${jobId} completed: ${total}/${total} done`);
  }, 300_000);

  it('the demo stops with exit code 1 and the error', async () => {
    const disk = fullDisk('demo');
    const dir = path.join(t.dir, 'demo');
    const r = await runCli(['demo', '--dir', dir], { home: t.dir, env: disk.env, timeoutMs: 240_000 });
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toMatch(/import ind-train failed: the job process died 4 times in a row without finishing an item; last error: database or disk is full/);
  }, 300_000);
});
