import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/output';
import { writeImage, writeImageFolder } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { runCli } from './cli';

describe('synood init → import → select → jobs', () => {
  const t = tmpDir('synood-cli-flow-');
  afterAll(() => t.cleanup());
  const proj = path.join(t.dir, 'my project');
  const cli = async (...args: string[]) => {
    const r = await runCli(args, { home: t.dir });
    if (r.code !== 0) throw new Error(`synood ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const query = <T>(sql: string) => {
    const db = new Database(path.join(proj, 'synood.db'), { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };

  it('runs the first stages on procedural images, each as a script would', async () => {
    const train = path.join(t.dir, 'train');
    expect(await writeImageFolder(train, ['cat', 'dog', 'fox'], 4, 1)).toBe(13);
    for (let i = 0; i < 3; i++) await writeImage(path.join(t.dir, 'ood', `${i}.png`), 900 + i);

    const project = await cli('init', proj, '--json');
    expect(project).toMatchObject({ name: 'my project', dir: proj });

    const imported = await cli('import', '-p', proj, '--name', 'train', '--kind', 'ind-train', '--folder', train, '--json');
    expect(imported.job.state.status).toBe('completed');
    expect(imported.result).toMatchObject({ id: imported.datasetId, name: 'train', kind: 'ind-train', imageCount: 12, classCount: 3, skippedCount: 1 });

    const selected = await cli('select', '-p', proj, '--k', '2', '--json');
    expect(selected).toEqual({ datasets: 1, classes: 3, selected: 6, unclassed: 0 });
    const perClass = query<{ n: number }>('SELECT count(*) AS n FROM images WHERE selected = 1 GROUP BY class_id');
    expect(perClass.map((r) => r.n)).toEqual([2, 2, 2]);

    // Queue only, then let `jobs wait` run it: the job is durable, not tied to the command that queued it.
    const queued = await cli('import', '-p', proj, '--name', 'ood', '--kind', 'ood-test', '--flat', path.join(t.dir, 'ood'), '--no-wait', '--json');
    // Queued only: no job process ran it in the command that queued it.
    expect(queued.job).toMatchObject({ id: queued.jobId, state: { status: 'queued' }, progress: { done: 0 } });
    expect((await cli('jobs', '-p', proj, '--json'))[0].state.status).toBe('queued');
    const waited = await cli('jobs', 'wait', String(queued.jobId), '-p', proj, '--json');
    expect(waited.state.status).toBe('completed');
    expect(waited.progress).toMatchObject({ total: 3, done: 3, failed: 0 });

    const jobs = await cli('jobs', '-p', proj, '--json');
    expect(jobs.map((j: { id: number; kind: string; state: { status: string } }) => [j.id, j.kind, j.state.status])).toEqual([
      [queued.jobId, 'dataset.import', 'completed'],
      [imported.jobId, 'dataset.import', 'completed'],
    ]);
    expect(query<{ n: number }>("SELECT count(*) AS n FROM images WHERE dataset_id = (SELECT id FROM datasets WHERE name = 'ood')")[0]!.n).toBe(3);
  }, 120_000);

  it('describes an empty subset as bad input, before queuing anything', async () => {
    const db = new Database(path.join(proj, 'synood.db'));
    db.prepare('UPDATE images SET selected = 0').run();
    db.close();
    const r = await runCli(['describe', '-p', proj], { home: t.dir });
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toContain('the subset is empty');
  }, 60_000);
});
