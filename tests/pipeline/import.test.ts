import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import type { Job } from '../../src/shared/api/jobs';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { jobDone, value } from './stage-project';

interface Row {
  path: string;
  skip_reason: string | null;
  thumb_path: string | null;
  sha256: string | null;
  class_name: string | null;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** A name that is not valid UTF-8 (Latin-1 'café.png'), as an old camera or another OS's locale writes it. */
const latin1Name = (dir: string) => Buffer.concat([Buffer.from(`${dir}${path.sep}caf`), Buffer.from([0xe9]), Buffer.from('.png')]);

/** Every file (and link) under `dir`, relative to the project root, with whether it is a symbolic link. */
function filesUnder(projectDir: string, dir: string): { rel: string; symlink: boolean }[] {
  const abs = path.join(projectDir, dir);
  if (!fs.existsSync(abs)) return [];
  return (fs.readdirSync(abs, { recursive: true }) as string[])
    .map((rel) => path.join(abs, rel))
    .filter((f) => !fs.lstatSync(f).isDirectory())
    .map((f) => ({ rel: path.relative(projectDir, f).split(path.sep).join('/'), symlink: fs.lstatSync(f).isSymbolicLink() }));
}

describe('dataset import: links, odd names, duplicates', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let projectDir: string;
  let outside: string;

  const rowsOf = (datasetId: number): Row[] => {
    const db = new Database(path.join(projectDir, 'synood.db'), { readonly: true });
    try {
      return db
        .prepare('SELECT i.path, i.skip_reason, i.thumb_path, i.sha256, c.name AS class_name FROM images i LEFT JOIN classes c ON c.id = i.class_id WHERE i.dataset_id = ? ORDER BY i.id')
        .all(datasetId) as Row[];
    } finally {
      db.close();
    }
  };

  /** The project's image and thumbnail folders hold exactly the files the rows name: nothing orphaned, no links. */
  const expectNoOrphans = (datasetId: number, rows: Row[]) => {
    const onDisk = [...filesUnder(projectDir, `datasets/${datasetId}`), ...filesUnder(projectDir, `thumbs/datasets/${datasetId}`)];
    expect(onDisk.filter((f) => f.symlink)).toEqual([]);
    const named = rows.filter((r) => r.skip_reason === null).flatMap((r) => [r.path, r.thumb_path!]);
    expect(onDisk.map((f) => f.rel).sort()).toEqual(named.sort());
  };

  const importSource = async (name: string, source: unknown): Promise<{ datasetId: number; job: Job }> => {
    const { datasetId, jobId } = value<{ datasetId: number; jobId: number }>(await studio.call('dataset.import', { name, kind: 'ind-train', source }));
    return { datasetId, job: await jobDone(studio, jobId) };
  };

  beforeAll(async () => {
    t = tmpDir();
    outside = path.join(t.dir, 'outside');
    await writeImage(path.join(outside, 'secret.png'), 99);
    await writeImage(path.join(outside, 'dir', 'x.png'), 98);
    projectDir = path.join(t.dir, 'proj');
    studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home') });
    value(await studio.call('project.create', { dir: projectDir, name: 'p' }));
  });
  afterAll(async () => {
    await studio?.close();
    // rmSync walks names as text; remove the one that is not valid UTF-8 by its bytes first.
    for (const dir of ['src/dogs']) fs.rmSync(latin1Name(path.join(t.dir, dir)), { force: true });
    t.cleanup();
  });

  it('follows links inside the root, records links that leave it, imports a non-UTF-8 name', async () => {
    const src = path.join(t.dir, 'src');
    await writeImage(path.join(src, 'cats', 'a.png'), 1);
    await writeImage(path.join(src, 'cats', 'b.png'), 2);
    await writeImage(path.join(src, 'dogs', 'd.png'), 3);
    await writeImage(path.join(t.dir, 'tmp-latin1.png'), 4);
    const latin1Bytes = fs.readFileSync(path.join(t.dir, 'tmp-latin1.png'));
    fs.writeFileSync(latin1Name(path.join(src, 'dogs')), latin1Bytes);
    fs.symlinkSync('../dogs/d.png', path.join(src, 'cats', 'in-link.png'));
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(src, 'cats', 'out-link.png'));
    fs.symlinkSync('nowhere.png', path.join(src, 'cats', 'broken.png'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(src, 'linked-class'));
    fs.symlinkSync('..', path.join(src, 'dogs', 'loop')); // back to the root: must not recurse forever

    const { datasetId, job } = await importSource('links', { type: 'folder', path: src, layout: 'imagefolder' });
    expect(job.state.status).toBe('completed');
    expect(job.progress).toMatchObject({ failed: 0 });
    const rows = rowsOf(datasetId);
    const imported = rows.filter((r) => r.skip_reason === null).map((r) => r.path);
    const latin1Text = 'caf\uFFFDE9.png';
    expect(imported.sort()).toEqual(
      ['cats/a.png', 'cats/b.png', 'cats/in-link.png', 'dogs/d.png', `dogs/${latin1Text}`].map((r) => `datasets/${datasetId}/${r}`).sort(),
    );
    // The non-UTF-8 file arrived whole, under a name that is valid text.
    const latin1Row = rows.find((r) => r.path.endsWith(latin1Text))!;
    expect(latin1Row.sha256).toBe(sha256(latin1Bytes));
    expect(fs.readFileSync(path.join(projectDir, latin1Row.path)).equals(latin1Bytes)).toBe(true);
    // The inside link is a regular file in the project with the target's bytes.
    const inLink = path.join(projectDir, `datasets/${datasetId}/cats/in-link.png`);
    expect(fs.lstatSync(inLink).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(inLink).equals(fs.readFileSync(path.join(src, 'dogs', 'd.png')))).toBe(true);

    const skipped = Object.fromEntries(rows.filter((r) => r.skip_reason !== null).map((r) => [r.path, r.skip_reason!]));
    expect(Object.keys(skipped).sort()).toEqual(['cats/broken.png', 'cats/out-link.png', 'linked-class']);
    expect(skipped['cats/out-link.png']).toContain('cats/out-link.png');
    expect(skipped['cats/out-link.png']).toContain(fs.realpathSync(path.join(outside, 'secret.png')));
    expect(skipped['cats/out-link.png']).toMatch(/outside the import root/);
    expect(skipped['linked-class']).toContain(fs.realpathSync(path.join(outside, 'dir')));
    expect(skipped['cats/broken.png']).toMatch(/broken symbolic link: cats\/broken\.png points to nowhere\.png/);
    expect(rows.find((r) => r.path === 'linked-class')!.class_name).toBe('linked-class');
    expectNoOrphans(datasetId, rows);
  });

  it('skips a duplicate list entry with its reason, and a list entry that links outside, leaving no orphan', async () => {
    const root = path.join(t.dir, 'listed');
    await writeImage(path.join(root, 'a.png'), 11);
    await writeImage(path.join(root, 'b.png'), 12);
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(root, 'out.png'));
    fs.mkdirSync(path.join(root, 'sub'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'sub', 'away'));
    const list = path.join(root, 'list.txt');
    fs.writeFileSync(list, ['a.png cat', './a.png cat', 'b.png dog', 'a.png cat', 'out.png cat', 'sub/away/x.png dog', ''].join('\n'));

    const { datasetId, job } = await importSource('listed', { type: 'list', path: list });
    expect(job.state.status).toBe('completed');
    expect(job.progress).toMatchObject({ failed: 0, done: 6 });
    const rows = rowsOf(datasetId);
    expect(rows.filter((r) => r.skip_reason === null).map((r) => r.path)).toEqual([`datasets/${datasetId}/a.png`, `datasets/${datasetId}/b.png`]);
    const skipped = rows.filter((r) => r.skip_reason !== null);
    expect(skipped.map((r) => r.path)).toEqual(['a.png #2', 'a.png #4', 'out.png', 'sub/away/x.png']);
    for (const r of skipped.slice(0, 2)) expect(r.skip_reason).toMatch(/^duplicate entry: a\.png is listed more than once/);
    expect(skipped[2]!.skip_reason).toContain(fs.realpathSync(path.join(outside, 'secret.png')));
    expect(skipped[3]!.skip_reason).toContain(fs.realpathSync(path.join(outside, 'dir', 'x.png')));
    expectNoOrphans(datasetId, rows);
  });
});
