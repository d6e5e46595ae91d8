import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp';
import { openDb, seededProject } from '../export/seeded';
import { runCli } from './cli';

describe('synood accept, export and compare on a seeded project', () => {
  const t = tmpDir('synood-cli-curate-');
  const proj = path.join(t.dir, 'proj');
  const cli = async (...args: string[]) => {
    const r = await runCli(args, { home: t.dir });
    if (r.code !== 0) throw new Error(`synood ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const count = (sql: string) => {
    const db = openDb(proj);
    try {
      return db.prepare(sql).pluck().get() as number;
    } finally {
      db.close();
    }
  };

  beforeAll(() => seededProject(proj, { candidates: 30, pictures: 4 }), 60_000);
  afterAll(() => t.cleanup());

  it('bulk-accepts by filter, rejects by id, and exports exactly the accepted candidates', async () => {
    const matching = count("SELECT count(*) FROM candidates WHERE status = 'new' AND source_class_prob <= 0.5");
    expect(matching).toBeGreaterThan(2);
    const accepted = JSON.parse(await cli('accept', '-p', proj, '--status', 'new', '--max-source-prob', '0.5', '--json'));
    expect(accepted).toMatchObject({ changed: matching, status: 'accepted' });
    expect(count("SELECT count(*) FROM candidates WHERE status = 'accepted'")).toBe(matching);

    const db = openDb(proj);
    const two = db.prepare("SELECT id FROM candidates WHERE status = 'accepted' ORDER BY id LIMIT 2").pluck().all() as number[];
    db.close();
    const rejected = JSON.parse(await cli('accept', '-p', proj, '--ids', two.join(','), '--reject', '--json'));
    expect(rejected).toMatchObject({ changed: 2, status: 'rejected' });

    const out = path.join(t.dir, 'dataset');
    const exported = JSON.parse(await cli('export', 'dataset', '-p', proj, '-o', out, '--json'));
    expect(exported.images).toBe(matching - 2);
    const ids = fs.readFileSync(path.join(out, 'metadata.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).candidate_id as number);
    expect(ids).toHaveLength(matching - 2);
    for (const id of two) expect(ids).not.toContain(id);
  }, 60_000);

  it('export contact-sheet writes the PNG and its sidecar with --per-class rows per class, and refuses to overwrite', async () => {
    const out = path.join(t.dir, 'sheet.png');
    const r = JSON.parse(await cli('export', 'contact-sheet', '-p', proj, '--out', out, '--per-class', '2', '--cell', '64', '--json'));
    const classes = count('SELECT count(DISTINCT class_id) FROM candidates WHERE class_id IS NOT NULL');
    expect(r).toMatchObject({ file: out, sidecar: path.join(t.dir, 'sheet.json'), rows: 2 * classes, classes, withoutUnguided: 0, width: 3 * 64 + 4 * 4 });
    const sidecar = JSON.parse(fs.readFileSync(r.sidecar, 'utf8')) as { rows: { files: { unguided: string | null } }[] };
    expect(sidecar.rows).toHaveLength(2 * classes);
    for (const row of sidecar.rows) expect(row.files.unguided).toMatch(/\/unguided\//);
    const again = await runCli(['export', 'contact-sheet', '-p', proj, '--out', out], { home: t.dir });
    expect(again.code).toBe(5);
  }, 60_000);

  it('compares runs against the zero-shot baseline as a table, markdown and JSON', async () => {
    const db = openDb(proj);
    const runs = db.prepare("SELECT id, name FROM runs WHERE kind != 'zero-shot' AND id IN (SELECT run_id FROM evaluations) ORDER BY id LIMIT 2").all() as { id: number; name: string }[];
    db.close();
    const ids = runs.map((r) => r.id).join(',');
    const [json, table, md] = await Promise.all([
      cli('compare', '-p', proj, '--runs', ids, '--baseline', '--json'),
      cli('compare', '-p', proj, '--runs', ids, '--baseline', String(runs[0]!.id)),
      cli('compare', '-p', proj, '--runs', ids, '--format', 'markdown'),
    ]);
    const cmp = JSON.parse(json);
    const baselineId = count("SELECT id FROM runs WHERE kind = 'zero-shot' ORDER BY id LIMIT 1");
    expect(cmp.baselineId).toBe(baselineId);
    expect(cmp.runs.map((r: { run: { id: number } }) => r.run.id)).toEqual([baselineId, ...runs.map((r) => r.id)]);
    expect(table).toContain(`#${runs[0]!.id} ${runs[0]!.name} (baseline)`);
    expect(table).toMatch(/ΔAUROC/);
    expect(md.startsWith('| Method |')).toBe(true);
    for (const r of runs) expect(md).toContain(`| ${r.name} |`);
  }, 60_000);
});
