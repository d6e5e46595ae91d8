import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import type { ApiResult } from '../../src/shared/api/errors';
import type { ApiEvent } from '../../src/shared/api/events';
import { tmpDir, waitFor } from '../helpers/tmp';
import { writeImageFolder } from '../helpers/images';

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

  it('a job process killed with SIGKILL mid-way resumes with no item lost or done twice', async () => {
    const projectDir = path.join(t.dir, 'proj');
    const home = path.join(t.dir, 'home');
    const studio = new Studio({ transport: 'direct', homeDir: home });
    value(await studio.call('project.create', { dir: projectDir, name: 'kill test' }));
    const events: ApiEvent[] = [];
    studio.onEvent((e) => events.push(e));
    const { jobId } = value<{ jobId: number; datasetId: number }>(
      await studio.call('dataset.import', { name: 'ind', kind: 'ind-train', source: { type: 'folder', path: path.join(t.dir, 'src'), layout: 'imagefolder' }, paceMs: 15 }),
    );

    // Watch from a separate connection, as another process would.
    const probe = new Database(path.join(projectDir, 'synood.db'), { readonly: true });
    const doneCount = () => probe.prepare("SELECT count(*) FROM job_items WHERE job_id = ? AND status != 'pending'").pluck().get(jobId) as number;
    await waitFor(() => doneCount() >= 25, 60_000, 5);
    const pid = studio.jobProcessPid!;
    expect(pid).toBeGreaterThan(0);
    // Close the studio first so its supervisor does not restart the process: we want a cold restart.
    const stopping = studio.close();
    process.kill(pid, 'SIGKILL');
    await stopping;
    const atKill = doneCount();
    expect(atKill).toBeLessThan(total);
    expect(events.some((e) => e.type === 'job.progress' && e.jobId === jobId)).toBe(true);

    // Restart: opening the project resumes the interrupted job.
    const again = new Studio({ transport: 'direct', homeDir: home });
    value(await again.call('project.open', { dir: projectDir }));
    await waitFor(() => (probe.prepare('SELECT status FROM jobs WHERE id = ?').pluck().get(jobId) as string) === 'completed', 90_000, 20);
    await again.close();

    const items = probe.prepare('SELECT status, attempts FROM job_items WHERE job_id = ?').all(jobId) as { status: string; attempts: number }[];
    expect(items).toHaveLength(total);
    // Every item finished exactly once: a completed attempt is counted in the same transaction as its result.
    expect(items.every((i) => i.status === 'done' && i.attempts === 1)).toBe(true);
    const images = probe.prepare('SELECT path, skip_reason, sha256 FROM images').all() as { path: string; skip_reason: string | null; sha256: string | null }[];
    expect(images).toHaveLength(total);
    expect(new Set(images.map((i) => i.path)).size).toBe(total);
    const skipped = images.filter((i) => i.skip_reason !== null);
    expect(skipped.map((s) => s.path).sort()).toEqual(['cat/broken_0.png', 'cat/broken_1.png']);
    expect(skipped[0]!.skip_reason).toMatch(/corrupt image/);
    // Each good image landed in the project folder once, with a thumbnail; no temporary files left behind.
    for (const img of images.filter((i) => i.skip_reason === null)) expect(fs.existsSync(path.join(projectDir, img.path))).toBe(true);
    const leftovers = fs.readdirSync(projectDir, { recursive: true }).map(String).filter((f) => /\.\d+\.[0-9a-f]{8}\.tmp$/.test(f));
    expect(leftovers).toEqual([]);
    expect(probe.pragma('integrity_check', { simple: true })).toBe('ok');
    probe.close();
  });

  it('pause, resume, cancel and retry change state between items', async () => {
    const studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home2') });
    value(await studio.call('project.create', { dir: path.join(t.dir, 'proj2'), name: 'states' }));
    const { jobId } = value<{ jobId: number }>(
      await studio.call('dataset.import', { name: 'ind', kind: 'ind-train', source: { type: 'folder', path: path.join(t.dir, 'src'), layout: 'imagefolder' }, paceMs: 10 }),
    );
    const job = async () => value<{ state: { status: string }; progress: { done: number; failed: number; total: number } }>(await studio.call('job.get', { id: jobId }));
    await waitFor(async () => (await job()).progress.done > 3);
    value(await studio.call('job.pause', { id: jobId }));
    await new Promise((r) => setTimeout(r, 300));
    const paused = await job();
    expect(paused.state.status).toBe('paused');
    const frozen = paused.progress.done;
    await new Promise((r) => setTimeout(r, 300));
    expect((await job()).progress.done).toBe(frozen);
    value(await studio.call('job.resume', { id: jobId }));
    await waitFor(async () => (await job()).state.status === 'completed', 60_000, 50);
    const bad = await studio.call('job.retry', { id: jobId });
    expect(bad.ok).toBe(false);
    await studio.close();
  });
});
