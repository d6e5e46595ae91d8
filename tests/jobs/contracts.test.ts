import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import { noJobProcess } from '../../src/cli/job-process-spawn';
import { JobStore } from '../../src/main/store/jobs';
import { openDb } from '../../src/main/store/db';
import { ApiError, type ApiResult } from '../../src/shared/api/errors';
import { datasetImportJob, generateCandidatesJob } from '../../src/shared/jobs';
import { tmpDir, waitFor } from '../helpers/tmp';
import { writeImageFolder } from '../helpers/images';
import { isAlive, startJobProcess, type TestJobProcess } from '../helpers/job-process';

function value<T>(r: ApiResult<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

describe('job contracts at the process boundary', () => {
  let t: ReturnType<typeof tmpDir>;
  let src: string;
  const started: TestJobProcess[] = [];
  beforeAll(async () => {
    t = tmpDir('synood-contracts-');
    src = path.join(t.dir, 'src');
    await writeImageFolder(src, ['cat', 'dog'], 3, 1);
  });
  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    t.cleanup();
  });

  it('queueing params or a payload the contract refuses throws before anything is inserted', () => {
    const db = openDb(path.join(t.dir, 'queue.db'));
    const store = new JobStore(db);
    const count = () => db.prepare('SELECT (SELECT count(*) FROM jobs) + (SELECT count(*) FROM job_items)').pluck().get();
    expect(() => store.enqueue(datasetImportJob.kind, 'empty root', { datasetId: 1, root: '' }, [{ key: 'a', payload: { src: '/a.png', rel: 'a.png', classId: null } }])).toThrow(
      /dataset\.import job params are invalid: root:/,
    );
    expect(() => store.enqueue(datasetImportJob.kind, 'bad item', { datasetId: 1, root: '/r' }, [{ key: 'a', payload: { src: '/a.png', rel: 'a.png', classId: 1.5 } }])).toThrow(
      /dataset\.import job item 0 \(a\) has an invalid payload: classId:/,
    );
    // A cross-field rule of the generation settings is the contract's too.
    const settings = { ...generateCandidatesJob.params.shape.settings.parse({}), reduction: 'per-image' as const, batchSize: 4 };
    let err: unknown;
    try {
      store.enqueue(generateCandidatesJob.kind, 'bad settings', { settings }, [{ key: '1:0', payload: { imageId: 1, seed: 0, promptVersionId: null } }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(/generate\.candidates job params are invalid: settings\.batchSize:/);
    expect(count()).toBe(0);
    const ok = store.enqueue(datasetImportJob.kind, 'fine', { datasetId: 1, root: '/r' }, [{ key: 'a', payload: { src: '/a.png', rel: 'a.png', classId: null } }]);
    expect(store.get(ok).kind).toBe('dataset.import');
    expect(count()).toBe(2);
    db.close();
  });

  it('a job whose stored params no longer parse fails naming the kind and the field; the job process runs the next job', async () => {
    const projectDir = path.join(t.dir, 'project');
    const studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home'), spawnJobProcess: noJobProcess });
    let stale: number;
    let fine: number;
    try {
      value(await studio.call('project.create', { dir: projectDir, name: 'p' }));
      const source = { type: 'folder', path: src, layout: 'imagefolder' } as const;
      stale = value<{ jobId: number }>(await studio.call('dataset.import', { name: 'stale', kind: 'ind-train', source })).jobId;
      fine = value<{ jobId: number }>(await studio.call('dataset.import', { name: 'fine', kind: 'ind-train', source })).jobId;
    } finally {
      await studio.close();
    }
    // What an older (or broken) version could have left: a field of the wrong type, and one item's payload likewise.
    const rw = new Database(path.join(projectDir, 'synood.db'));
    rw.prepare(`UPDATE jobs SET params_json = json_set(params_json, '$.datasetId', 'one') WHERE id = ?`).run(stale);
    rw.prepare(`UPDATE job_items SET payload_json = json_set(payload_json, '$.rel', 7) WHERE job_id = ? AND seq = 1`).run(fine);
    rw.close();

    const p = startJobProcess(projectDir);
    started.push(p);
    const probe = new Database(path.join(projectDir, 'synood.db'), { readonly: true });
    const job = (id: number) => probe.prepare('SELECT status, error FROM jobs WHERE id = ?').get(id) as { status: string; error: string | null };
    await waitFor(() => job(fine).status === 'completed' && job(stale).status === 'failed', 60_000, 20, 'both jobs to end');
    expect(job(stale).error).toMatch(new RegExp(`^dataset\\.import job ${stale}: its stored params do not fit this version: datasetId: `));
    const items = probe.prepare('SELECT seq, status, error FROM job_items WHERE job_id = ? ORDER BY seq').all(fine) as { seq: number; status: string; error: string | null }[];
    expect(items.filter((i) => i.status === 'done')).toHaveLength(items.length - 1);
    expect(items[1]).toMatchObject({ status: 'failed', error: expect.stringMatching(/^dataset\.import item 1 \(.*\): its stored payload does not fit this version: rel: /) });
    // Nothing of the stale job ran, and the process lives on for more work.
    expect(probe.prepare('SELECT count(*) FROM job_items WHERE job_id = ? AND status != ?').pluck().get(stale, 'pending')).toBe(0);
    expect(isAlive(p.pid)).toBe(true);
    expect(p.output()).not.toMatch(/job-process failed/);
    probe.close();
  });
});
