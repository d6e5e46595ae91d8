import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField, csvLine } from '../../src/main/export/csv';
import type { Studio } from '../../src/main/root';
import { tmpDir } from '../helpers/tmp';
import { openDb, openStudio, seededProject, value } from './seeded';

/** A small RFC 4180 reader, written apart from the exporter's writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

interface EvalRow {
  ood_name: string;
  auroc: number;
  fpr95_mos: number;
  fpr95_openood: number;
  aupr_in: number | null;
  aupr_out: number | null;
  n_ind: number;
  n_ood: number;
}

describe('export labels and metrics', () => {
  const t = tmpDir('synood-export-lm-');
  const proj = path.join(t.dir, 'proj');
  let studio: Studio;
  let runId: number;
  let runName: string;

  beforeAll(async () => {
    await seededProject(proj, { candidates: 6, pictures: 2 });
    const db = openDb(proj);
    // Some mined words that were not selected must not be exported.
    db.prepare("INSERT INTO neg_labels (word, pos, template, mining_score, selected) VALUES ('zebra', 'noun', 'the nice {}', 0.9, 0), ('tiny', 'adj', 'This is a {} photo', 0.8, 0)").run();
    // A run evaluated twice on one set: only the newest evaluation of each set counts.
    const r = db.prepare("SELECT r.id, r.name FROM runs r WHERE EXISTS (SELECT 1 FROM evaluations e WHERE e.run_id = r.id) ORDER BY r.id DESC LIMIT 1").get() as { id: number; name: string };
    runId = r.id;
    runName = r.name;
    db.prepare('INSERT INTO evaluations (run_id, ood_dataset_id, ood_name, auroc, fpr95_mos, fpr95_openood, aupr_in, aupr_out, n_ind, n_ood, created_at) SELECT run_id, ood_dataset_id, ood_name, 0.5, 0.95, 0.95, 0.5, 0.5, n_ind, n_ood, created_at + 1 FROM evaluations WHERE run_id = ? ORDER BY id LIMIT 1').run(runId);
    db.prepare("UPDATE runs SET name = ? WHERE id = ?").run('proj, "v2"', runId);
    runName = 'proj, "v2"';
    db.close();
    studio = await openStudio(path.join(t.dir, 'home'), proj);
  }, 60_000);
  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  it('writes the selected negative labels one per line, nouns first, optionally with pos and score', async () => {
    const db = openDb(proj);
    const nouns = db.prepare("SELECT word, mining_score FROM neg_labels WHERE selected = 1 AND pos = 'noun' ORDER BY id").all() as { word: string; mining_score: number }[];
    const adjs = db.prepare("SELECT word, mining_score FROM neg_labels WHERE selected = 1 AND pos = 'adj' ORDER BY id").all() as { word: string; mining_score: number }[];
    db.close();
    const file = path.join(t.dir, 'labels.txt');
    expect(value(await studio.call('export.labels', { out: file }))).toEqual({ file, labels: nouns.length + adjs.length });
    expect(fs.readFileSync(file, 'utf8')).toBe([...nouns, ...adjs].map((l) => `${l.word}\n`).join(''));

    const refused = await studio.call('export.labels', { out: file, columns: ['pos'] });
    expect(!refused.ok && refused.error.code).toBe('conflict');
    value(await studio.call('export.labels', { out: file, columns: ['pos', 'score'], force: true }));
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
    expect(lines[0]).toEqual(['word', 'pos', 'score']);
    expect(lines.slice(1)).toEqual([...nouns.map((l) => [l.word, 'noun', String(l.mining_score)]), ...adjs.map((l) => [l.word, 'adj', String(l.mining_score)])]);
    expect(fs.readdirSync(t.dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it("writes a run's newest evaluation per OOD set and their mean as CSV", async () => {
    const db = openDb(proj);
    const all = db.prepare('SELECT * FROM evaluations WHERE run_id = ? ORDER BY id').all(runId) as EvalRow[];
    db.close();
    const newest = new Map<string, EvalRow>();
    for (const e of all) newest.set(e.ood_name, e);
    const rows = [...newest.values()];
    const file = path.join(t.dir, 'metrics.csv');
    expect(value(await studio.call('export.metrics', { runId, out: file }))).toEqual({ file, format: 'csv', sets: rows.length });
    const csv = parseCsv(fs.readFileSync(file, 'utf8'));
    expect(csv[0]).toEqual(['run_id', 'run_name', 'ood_set', 'auroc', 'fpr95_mos', 'fpr95_openood', 'aupr_in', 'aupr_out', 'n_ind', 'n_ood']);
    const body = csv.slice(1, -1);
    expect(body.map((r) => r[2]).sort()).toEqual([...newest.keys()].sort());
    for (const r of body) {
      const e = newest.get(r[2]!)!;
      expect(r.slice(0, 2)).toEqual([String(runId), runName]);
      expect(r.slice(3).map(Number)).toEqual([e.auroc, e.fpr95_mos, e.fpr95_openood, e.aupr_in, e.aupr_out, e.n_ind, e.n_ood]);
    }
    const mean = (k: keyof EvalRow) => rows.reduce((a, r) => a + (r[k] as number), 0) / rows.length;
    const avg = csv.at(-1)!;
    expect(avg.slice(0, 3)).toEqual([String(runId), runName, 'average']);
    (['auroc', 'fpr95_mos', 'fpr95_openood', 'aupr_in', 'aupr_out'] as const).forEach((k, i) => expect(Number(avg[3 + i])).toBeCloseTo(mean(k), 12));
    expect(avg.slice(8)).toEqual(['', '']);
  });

  it('writes JSON with the training curves too; the format follows the extension unless given', async () => {
    const db = openDb(proj);
    const points = db.prepare('SELECT name, count(*) AS n FROM run_metrics WHERE run_id = ? GROUP BY name ORDER BY name').all(runId) as { name: string; n: number }[];
    db.close();
    const file = path.join(t.dir, 'metrics.json');
    value(await studio.call('export.metrics', { runId, out: file }));
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(j.run).toMatchObject({ id: runId, name: runName });
    expect(Object.entries(j.training).map(([name, pts]) => ({ name, n: (pts as unknown[]).length }))).toEqual(points);
    const db2 = openDb(proj);
    const sets = db2.prepare('SELECT DISTINCT ood_name FROM evaluations WHERE run_id = ? ORDER BY ood_name').pluck().all(runId) as string[];
    const redone = db2.prepare('SELECT ood_name FROM evaluations WHERE run_id = ? ORDER BY id DESC LIMIT 1').pluck().get(runId) as string;
    db2.close();
    expect(j.evaluations.map((e: { oodName: string }) => e.oodName).sort()).toEqual(sets);
    // The set evaluated again in beforeAll reports its newest result (AUROC 0.5), not the first.
    expect(j.evaluations.find((e: { oodName: string }) => e.oodName === redone).auroc).toBe(0.5);

    const forced = path.join(t.dir, 'metrics.txt');
    expect(value<{ format: string }>(await studio.call('export.metrics', { runId, out: forced, format: 'json' })).format).toBe('json');
    const unknown = await studio.call('export.metrics', { runId, out: path.join(t.dir, 'metrics.xlsx') });
    expect(!unknown.ok && unknown.error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('.csv or .json') });
    const missing = await studio.call('export.metrics', { runId: 9999, out: path.join(t.dir, 'x.csv') });
    expect(!missing.ok && missing.error.code).toBe('not_found');
  });

  it('quotes CSV fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvLine([1, null, Number.NaN, 'x'])).toBe('1,,,x');
  });
});
