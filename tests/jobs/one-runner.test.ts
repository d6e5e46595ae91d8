import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import { noJobProcess } from '../../src/cli/job-process-spawn';
import type { ApiResult } from '../../src/shared/api/errors';
import { tmpDir, waitFor } from '../helpers/tmp';
import { writeImageFolder } from '../helpers/images';
import { isAlive, startJobProcess, type TestJobProcess } from '../helpers/job-process';
import { spawnCli } from '../helpers/job-process';
import { EXIT } from '../../src/cli/output';

function value<T>(r: ApiResult<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** A project with one queued import job and no job process of its own: the test starts job processes itself. */
async function queuedImport(root: string, name: string, src: string, paceMs: number): Promise<{ projectDir: string; jobId: number }> {
  const projectDir = path.join(root, name);
  const studio = new Studio({ transport: 'direct', homeDir: path.join(root, 'home'), spawnJobProcess: noJobProcess });
  try {
    value(await studio.call('project.create', { dir: projectDir, name }));
    const { jobId } = value<{ jobId: number }>(await studio.call('dataset.import', { name: 'ind', kind: 'ind-train', source: { type: 'folder', path: src, layout: 'imagefolder' }, paceMs }));
    return { projectDir, jobId };
  } finally {
    await studio.close();
  }
}

describe('one runner per job', () => {
  let t: ReturnType<typeof tmpDir>;
  let total: number;
  let src: string;
  const started: TestJobProcess[] = [];
  beforeAll(async () => {
    t = tmpDir('synood-one-runner-');
    src = path.join(t.dir, 'src');
    total = await writeImageFolder(src, ['cat', 'dog'], 20, 1);
  });
  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    t.cleanup();
  });

  it('two job processes on one project: one runs the job, every item is done exactly once', async () => {
    const { projectDir, jobId } = await queuedImport(t.dir, 'two', src, 10);
    const a = startJobProcess(projectDir);
    const b = startJobProcess(projectDir);
    started.push(a, b);
    const probe = new Database(path.join(projectDir, 'synood.db'), { readonly: true });
    const status = () => probe.prepare('SELECT status FROM jobs WHERE id = ?').pluck().get(jobId) as string;
    await waitFor(() => ['completed', 'failed'].includes(status()), 90_000, 20, `job ${jobId} to end`);
    await Promise.all([a.stop(), b.stop()]);
    expect(status()).toBe('completed');
    const items = probe.prepare('SELECT seq, status, attempts, error FROM job_items WHERE job_id = ? ORDER BY seq').all(jobId) as { status: string; attempts: number; error: string | null }[];
    expect(items).toHaveLength(total);
    expect(items.filter((i) => i.status !== 'done' || i.attempts !== 1)).toEqual([]);
    expect(probe.prepare('SELECT count(DISTINCT path) FROM images').pluck().get()).toBe(total);
    // Exactly one of the two reported progress on the job: the other never ran an item of it.
    const reporters = [a, b].filter((p) => p.messages.some((m) => m.type === 'progress' && m.jobId === jobId));
    expect(reporters).toHaveLength(1);
    probe.close();
  });

  it('a second process waits and says who runs the job; `synood jobs wait` then reports it completed', async () => {
    const { projectDir, jobId } = await queuedImport(t.dir, 'held', src, 0);
    const barrier = path.join(t.dir, 'barrier-held');
    fs.mkdirSync(barrier);
    fs.writeFileSync(path.join(barrier, 'hold-5'), '');
    const a = startJobProcess(projectDir, { SYNOOD_TEST_BARRIER: barrier, SYNOOD_JOB_OWNER: 'test runner A' });
    started.push(a);
    await waitFor(() => fs.existsSync(path.join(barrier, 'at-5')), 60_000, 20, 'runner A to reach item 5');
    const probe = new Database(path.join(projectDir, 'synood.db'), { readonly: true });
    expect(probe.prepare('SELECT lease_pid, lease_kind FROM jobs WHERE id = ?').get(jobId)).toEqual({ lease_pid: a.pid, lease_kind: 'test runner A' });

    const home = path.join(t.dir, 'cli-home');
    fs.mkdirSync(home, { recursive: true });
    // The CLI gets the barrier too: had its job process run the job, it would have stopped at item 5 and said so.
    const cli = spawnCli(['jobs', 'wait', String(jobId), '-p', projectDir], { home, env: { SYNOOD_TEST_BARRIER: barrier } });
    await waitFor(() => cli.stderr().includes(`job #${jobId} is being run by test runner A (pid ${a.pid} on `), 60_000, 20, 'the CLI to say who runs the job');
    expect(probe.prepare("SELECT count(*) FROM job_items WHERE job_id = ? AND status != 'pending'").pluck().get(jobId)).toBe(5);
    fs.rmSync(path.join(barrier, 'hold-5'));
    const r = await cli.done;
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(new RegExp(`#${jobId} completed: ${total}/${total} done`));
    expect(fs.readFileSync(path.join(barrier, 'at-5'), 'utf8')).toBe(`${a.pid} ${jobId}`);
    const items = probe.prepare('SELECT status, attempts FROM job_items WHERE job_id = ?').all(jobId) as { status: string; attempts: number }[];
    expect(items.filter((i) => i.status !== 'done' || i.attempts !== 1)).toEqual([]);
    expect(a.messages.filter((m) => m.type === 'progress' && m.jobId === jobId)).toHaveLength(total);
    probe.close();
  });

  it('when the runner dies mid-item, the waiting process takes the job over and finishes it, each item done once', async () => {
    const { projectDir, jobId } = await queuedImport(t.dir, 'takeover', src, 0);
    const barrier = path.join(t.dir, 'barrier-takeover');
    fs.mkdirSync(barrier);
    fs.writeFileSync(path.join(barrier, 'hold-7'), '');
    const a = startJobProcess(projectDir, { SYNOOD_TEST_BARRIER: barrier });
    started.push(a);
    await waitFor(() => fs.existsSync(path.join(barrier, 'at-7')), 60_000, 20, 'runner A to reach item 7');
    const b = startJobProcess(projectDir);
    started.push(b);
    await waitFor(() => b.messages.some((m) => m.type === 'idle'), 60_000, 20, 'runner B to start and find the job taken');
    expect(b.messages.filter((m) => m.type === 'progress')).toEqual([]);
    a.child.kill('SIGKILL');
    await a.exited;
    expect(isAlive(a.pid)).toBe(false);

    const probe = new Database(path.join(projectDir, 'synood.db'), { readonly: true });
    await waitFor(() => probe.prepare('SELECT status FROM jobs WHERE id = ?').pluck().get(jobId) === 'completed', 60_000, 20, 'B to complete the job');
    expect(probe.prepare('SELECT lease_owner FROM jobs WHERE id = ?').pluck().get(jobId)).toBeNull();
    const items = probe.prepare('SELECT seq, status, attempts FROM job_items WHERE job_id = ? ORDER BY seq').all(jobId) as { seq: number; status: string; attempts: number }[];
    expect(items).toHaveLength(total);
    expect(items.filter((i) => i.status !== 'done' || i.attempts !== 1)).toEqual([]);
    // A committed items 0–6; B did the rest, starting with the item A died in.
    // B's progress messages travel over IPC and may land after the job's row says completed: wait for them, then
    // check there are exactly as many as the items B ran (no more arrive: the job is done).
    const byB = () => b.messages.filter((m) => m.type === 'progress' && m.jobId === jobId);
    await waitFor(() => byB().length >= total - 7, 10_000, 20, "B's progress messages");
    expect(byB()).toHaveLength(total - 7);
    expect(probe.prepare('SELECT count(DISTINCT path) FROM images').pluck().get()).toBe(total);
    probe.close();
  });
});
