import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinedLabelSet } from '../../src/shared/api/routes/mine-labels';
import { Studio } from '../../src/main/root';
import { noJobProcess } from '../../src/cli/job-process-spawn';
import { mineLabelsHandler } from '../../src/main/pipeline/mine-labels/job';
import { selectedNegatives } from '../../src/main/pipeline/mine-labels/selected-negatives';
import { miningCandidates } from '../../src/main/pipeline/mine-labels/candidate-words';
import { parseWordList, WordListError } from '../../src/main/pipeline/mine-labels/word-list';
import { tmpDir } from '../helpers/tmp';
import { exec, IND_CLASSES, oodProject, query, type OodProject } from './ood-project';
import { jobDone, openProbe, value } from './stage-project';

interface LabelRow {
  id: number;
  word: string;
  pos: 'noun' | 'adj';
  template: string;
  mining_score: number | null;
  selected: number;
}

const NOUNS = ['abbey', 'anchor', 'banjo', 'barrel', 'beacon', 'bicycle', 'blanket', 'bottle', 'bridge', 'bucket', 'cabin', 'candle', 'canoe', 'castle', 'chimney', 'compass', 'cottage', 'crayon', 'desk', 'drum', 'engine', 'feather', 'fence', 'flute', 'fountain', 'garden', 'glacier', 'hammer', 'harbor', 'helmet', 'island', 'jacket', 'kettle', 'ladder', 'lantern', 'lighthouse', 'marble', 'meadow', 'mirror', 'needle'];
const ADJS = ['ancient', 'brave', 'bright', 'calm', 'crisp', 'dusty', 'eager', 'faint', 'fierce', 'gentle', 'hollow', 'humid', 'jolly', 'lively', 'narrow', 'noisy', 'polite', 'rapid', 'rusty', 'silent'];

/** Per part of speech: ascending stored score (ties in list order), keep floor(n · pct); the rule written out on its own. */
function expectedPick(rows: LabelRow[], order: { word: string; pos: string }[], pct: number, drop: string[] = []): Set<number> {
  const keep = new Set<number>();
  const at = (r: LabelRow) => order.findIndex((o) => o.word === r.word && o.pos === r.pos);
  for (const pos of ['noun', 'adj']) {
    const eligible = rows.filter((r) => r.pos === pos && at(r) >= 0 && !drop.includes(r.word)).sort((a, b) => a.mining_score! - b.mining_score! || at(a) - at(b));
    for (const r of eligible.slice(0, Math.floor(eligible.length * pct))) keep.add(r.id);
  }
  return keep;
}

/** Everything a refused call must leave as it was: the job tables and the label table, row for row. */
function snapshot(projectDir: string): { jobs: number; items: number; labels: string } {
  return {
    jobs: query<{ n: number }>(projectDir, 'SELECT count(*) AS n FROM jobs')[0]!.n,
    items: query<{ n: number }>(projectDir, 'SELECT count(*) AS n FROM job_items')[0]!.n,
    labels: JSON.stringify(query(projectDir, 'SELECT * FROM neg_labels ORDER BY id')),
  };
}

describe('word lists: parsing rules', () => {
  const opts = { classNames: IND_CLASSES, mode: 'pool' as const };
  const parse = (text: string | Uint8Array, mode: 'pool' | 'fixed' = 'pool') => parseWordList(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, '/lists/w.txt', { ...opts, mode });
  const refusal = (text: string | Uint8Array, mode: 'pool' | 'fixed' = 'pool'): WordListError => {
    try {
      parse(text, mode);
    } catch (e) {
      if (e instanceof WordListError) return e;
      throw e;
    }
    throw new Error('the list was accepted');
  };

  it('reads trimmed labels, an optional noun/adj column, a BOM, CRLF and one final newline', () => {
    const l = parse('\uFEFF  big   apple \r\nquick\tADJ\r\nzebra\tnoun\n');
    expect(l.entries).toEqual([
      { word: 'big apple', pos: 'noun', line: 1 },
      { word: 'quick', pos: 'adj', line: 2 },
      { word: 'zebra', pos: 'noun', line: 3 },
    ]);
    expect(l.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parse('a\nb').entries.map((e) => e.word)).toEqual(['a', 'b']);
  });

  it('names the file and every bad line', () => {
    const e = refusal('zebra\n\nZebra\nFox\nbanjo\tverb\na\tb\tc\n   \nok\n\n');
    expect(e.message).toContain('/lists/w.txt');
    expect(e.problems).toEqual([
      { line: 2, message: expect.stringContaining('empty line') },
      { line: 3, message: expect.stringContaining('repeats line 1 ("zebra")') },
      { line: 4, message: expect.stringContaining('the InD class "fox"') },
      { line: 5, message: expect.stringContaining('part of speech "verb"') },
      { line: 6, message: expect.stringContaining('3 tab-separated columns') },
      { line: 7, message: expect.stringContaining('empty line') },
      { line: 9, message: expect.stringContaining('empty line') },
    ]);
    // Class names compare like labels: case, '_' and spaces do not matter.
    expect(() => parseWordList(Buffer.from('Golden  Retriever\n'), 'x', { classNames: ['golden_retriever'], mode: 'pool' })).toThrow(/line 1: label "Golden Retriever" is the InD class "golden_retriever"/);
  });

  it('refuses invalid UTF-8 with its line, an empty file, and a fixed list with a noun after an adjective', () => {
    const bad = refusal(Buffer.concat([Buffer.from('ok\nfine\n'), Buffer.from([0x63, 0x61, 0xff, 0x74, 0x0a]), Buffer.from('caf\u00e9\n')]));
    expect(bad.problems).toEqual([{ line: 3, message: expect.stringMatching(/not valid UTF-8 \(byte 0xff at byte 3 of the line\)/) }]);
    expect(refusal(Buffer.from([0xc3, 0x28])).problems[0]!.line).toBe(1); // a lead byte without its continuation
    expect(refusal('').message).toMatch(/w\.txt: is empty/);
    expect(refusal('\n').problems).toEqual([{ line: 1, message: expect.stringContaining('empty line') }]);
    const order = refusal('kite\nquick\tadj\nzebra\n', 'fixed');
    expect(order.problems).toEqual([{ line: 3, message: expect.stringContaining('comes after the adjective on line 2') }]);
    expect(parse('kite\nquick\tadj\nzebra\n', 'pool').entries).toHaveLength(3); // a pool has no order to keep
  });
});

describe('labels.mine with a word list (real studio, job process, SQLite, tiny CLIP)', () => {
  let t: ReturnType<typeof tmpDir>;
  let p: OodProject;
  const labels = () => query<LabelRow>(p.projectDir, 'SELECT * FROM neg_labels ORDER BY id');
  const list = (name: string, content: string | Buffer) => {
    const f = path.join(t.dir, 'lists', name);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, content);
    return f;
  };
  const mining = async () => value<MinedLabelSet | null>(await p.studio.call('labels.mining', {}));

  beforeAll(async () => {
    t = tmpDir('synood-mine-list-');
    p = await oodProject(t.dir, { perClass: 1, indTest: 1 });
  }, 90_000);
  afterAll(async () => {
    await p.studio.close();
    t.cleanup();
  });

  it('mines a word list used as the pool: every entry scored, the lowest 15% of each part of speech kept', async () => {
    const file = list('pool.txt', [...NOUNS, ...ADJS.map((a) => `${a}\tadj`)].join('\n') + '\n');
    const r = value<{ jobId: number; candidates: number; items: number }>(await p.studio.call('labels.mine', { pool: { type: 'file', path: file, mode: 'pool' } }));
    expect(r).toMatchObject({ candidates: 60, items: 2 });
    expect((await jobDone(p.studio, r.jobId)).state.status).toBe('completed');

    const rows = labels();
    expect(rows).toHaveLength(60);
    expect(rows.every((x) => Number.isFinite(x.mining_score))).toBe(true);
    expect(new Set(rows.filter((x) => x.pos === 'noun').map((x) => x.word))).toEqual(new Set(NOUNS));
    expect(new Set(rows.filter((x) => x.pos === 'adj').map((x) => x.word))).toEqual(new Set(ADJS));
    expect(new Set(rows.filter((x) => x.pos === 'noun').map((x) => x.template))).toEqual(new Set(['the nice {}']));
    expect(new Set(rows.filter((x) => x.pos === 'adj').map((x) => x.template))).toEqual(new Set(['This is a {} photo']));
    const sel = rows.filter((x) => x.selected === 1);
    expect(sel.filter((x) => x.pos === 'noun')).toHaveLength(6); // floor(40 · 0.15)
    expect(sel.filter((x) => x.pos === 'adj')).toHaveLength(3); // floor(20 · 0.15)
    const order = [...NOUNS.map((word) => ({ word, pos: 'noun' })), ...ADJS.map((word) => ({ word, pos: 'adj' }))];
    expect(new Set(sel.map((x) => x.id))).toEqual(expectedPick(rows, order, 0.15));

    const rec = await mining();
    expect(rec).toMatchObject({ jobId: r.jobId, source: { type: 'file', path: file, mode: 'pool', labels: 60 }, excludeInDClassNames: false, pct: 0.15, selected: { noun: 6, adj: 3 } });
    expect(rec!.source.type === 'file' && rec!.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await jobDone(p.studio, r.jobId)).title).toContain('60 candidates from pool.txt');
  }, 90_000);

  it('uses a fixed word list exactly, in its order, without scoring', async () => {
    // Some words overlap the pool above (their rows are reused), the rest are new; 'zebra crossing' has a space.
    const words = ['needle', 'zebra crossing', 'abbey', 'kite', 'quartz', 'banjo'];
    const adjs = ['silent', 'woolly'];
    const file = list('fixed.txt', [...words, ...adjs.map((a) => `${a}\tadj`)].join('\n') + '\n');
    const before = new Map(labels().map((x) => [`${x.word}/${x.pos}`, x.id]));
    const r = value<{ jobId: number; candidates: number; items: number }>(await p.studio.call('labels.mine', { pool: { type: 'file', path: file, mode: 'fixed' } }));
    expect(r).toMatchObject({ candidates: 8, items: 1 });
    expect((await jobDone(p.studio, r.jobId)).state.status).toBe('completed');

    const db = openProbe(p.projectDir);
    try {
      const sel = selectedNegatives(db);
      // Every stage reads the selection through selectedNegatives: its order is the file's.
      expect(sel.map((x) => [x.word, x.pos, x.template])).toEqual([
        ...words.map((w) => [w, 'noun', 'the nice {}']),
        ...adjs.map((w) => [w, 'adj', 'This is a {} photo']),
      ]);
      for (const x of sel) if (before.has(`${x.word}/${x.pos}`)) expect(x.id).toBe(before.get(`${x.word}/${x.pos}`));
    } finally {
      db.close();
    }
    expect(labels().filter((x) => x.selected === 1)).toHaveLength(8);
    expect(await mining()).toMatchObject({ jobId: r.jobId, source: { type: 'file', path: file, mode: 'fixed', labels: 8 }, selected: { noun: 6, adj: 2 } });
  }, 60_000);

  it('refuses each bad list with the file and line, and leaves the project unchanged', async () => {
    const cases: { name: string; content: string | Buffer; mode?: 'pool' | 'fixed'; want: RegExp }[] = [
      { name: 'empty-line.txt', content: 'abbey\nanchor\n\nbanjo\n', want: /line 3: empty line/ },
      { name: 'duplicate.txt', content: 'abbey\nAnchor\nbanjo\nanchor\n', want: /line 4: label "anchor" repeats line 2 \("Anchor"\)/ },
      { name: 'class-name.txt', content: 'abbey\nDog\nbanjo\n', mode: 'fixed', want: /line 2: label "Dog" is the InD class "dog"/ },
      { name: 'latin1.txt', content: Buffer.concat([Buffer.from('abbey\nbanjo\n'), Buffer.from('caf\xe9\n', 'latin1')]), want: /line 3: not valid UTF-8/ },
      { name: 'adj-first.txt', content: 'abbey\nquick\tadj\nbanjo\n', mode: 'fixed', want: /line 3: noun "banjo" comes after the adjective on line 2/ },
    ];
    for (const c of cases) {
      const file = list(c.name, c.content);
      const before = snapshot(p.projectDir);
      const r = await p.studio.call('labels.mine', { pool: { type: 'file', path: file, mode: c.mode ?? 'pool' } });
      expect(r.ok, c.name).toBe(false);
      if (r.ok) continue;
      expect(r.error.code, c.name).toBe('invalid_input');
      expect(r.error.message, c.name).toContain(file);
      expect(r.error.message, c.name).toMatch(c.want);
      expect(r.error.issues?.[0]?.path, c.name).toBe('pool.path');
      expect(snapshot(p.projectDir), c.name).toEqual(before);
    }
    const before = snapshot(p.projectDir);
    const missing = await p.studio.call('labels.mine', { pool: { type: 'file', path: path.join(t.dir, 'nope.txt') } });
    expect(!missing.ok && missing.error).toMatchObject({ code: 'not_found', message: expect.stringContaining('nope.txt: no such file') });
    const relative = await p.studio.call('labels.mine', { pool: { type: 'file', path: 'lists/pool.txt' } });
    expect(!relative.ok && relative.error.message).toMatch(/must be absolute/);
    const limited = await p.studio.call('labels.mine', { pool: { type: 'file', path: path.join(t.dir, 'lists', 'pool.txt') }, candidateLimit: 5 });
    expect(!limited.ok && limited.error.message).toMatch(/candidateLimit/);
    expect(snapshot(p.projectDir)).toEqual(before);
  }, 60_000);

  it('checks the list again in the job: a list that changed or names an InD class writes nothing', async () => {
    const file = list('changing.txt', 'abbey\nkite\n');
    const before = snapshot(p.projectDir);
    // Queue without a job process, change the file, then let a studio with one run the job.
    await p.studio.close();
    const queuer = new Studio({ transport: 'direct', homeDir: p.home, spawnJobProcess: noJobProcess });
    let jobId: number;
    try {
      value(await queuer.call('project.open', { dir: p.projectDir }));
      jobId = value<{ jobId: number }>(await queuer.call('labels.mine', { pool: { type: 'file', path: file, mode: 'fixed' } })).jobId;
    } finally {
      await queuer.close();
    }
    fs.writeFileSync(file, 'abbey\nkite\nquartz\n');
    p.studio = new Studio({ transport: 'direct', homeDir: p.home });
    value(await p.studio.call('project.open', { dir: p.projectDir }));
    const job = await jobDone(p.studio, jobId);
    expect(job.state.status).toBe('failed');
    expect(job.state.status === 'failed' && job.state.error).toMatch(/changing\.txt changed since this job was queued/);
    expect(snapshot(p.projectDir).labels).toEqual(before.labels);

    // The InD classes are read again too: the job refuses a list naming one (as recorded params without a record).
    const named = list('named.txt', 'abbey\nfox\n');
    const params = { pct: 0.15, quantile: 0.95, nounTemplates: ['the nice {}'], adjTemplates: ['This is a {} photo'], classTemplate: 'the nice {}', lemmas: 'first' as const, pool: { type: 'file' as const, path: named, mode: 'pool' as const }, excludeInDClassNames: false };
    await expect(mineLabelsHandler.prepare!({ project: p.studio.project!, jobId: 0, signal: new AbortController().signal }, params)).rejects.toThrow(/named\.txt refused:\n {2}line 2: label "fox" is the InD class "fox"/);
    await mineLabelsHandler.dispose!();
    expect(snapshot(p.projectDir).labels).toEqual(before.labels);
  }, 90_000);

  it('excludeInDClassNames drops WordNet candidates equal to an InD class, and is recorded', async () => {
    // Two of the WordNet candidates become InD classes (a second InD-train dataset), so the pool holds class names.
    // 500 evenly spread candidates hold 414 nouns: floor(414 · 0.15) = 62 but floor(412 · 0.15) = 61, so the
    // exclusion shows in the count even though class names score high and would not be picked anyway.
    const limit = 500;
    const nouns = miningCandidates({ limit }).filter((c) => c.pos === 'noun' && /^[a-z]+$/.test(c.word));
    const classWords = [nouns[10]!.word, nouns[200]!.word];
    const db = openProbe(p.projectDir);
    try {
      const ds = Number(db.prepare("INSERT INTO datasets (name, kind, source_path, source_json, created_at) VALUES ('extra', 'ind-train', '/nowhere', '{}', ?)").run(Date.now()).lastInsertRowid);
      classWords.forEach((w, i) => db.prepare('INSERT INTO classes (dataset_id, name, idx) VALUES (?, ?, ?)').run(ds, w, i));
    } finally {
      db.close();
    }
    const order = miningCandidates({ limit }).map((c) => ({ word: c.word, pos: c.pos as string }));
    const pick = async (exclude: boolean | undefined) => {
      const input = { candidateLimit: limit, ...(exclude === undefined ? {} : { excludeInDClassNames: exclude }) };
      const r = value<{ jobId: number }>(await p.studio.call('labels.mine', input));
      expect((await jobDone(p.studio, r.jobId)).state.status).toBe('completed');
      const rows = labels().filter((x) => order.some((o) => o.word === x.word && o.pos === x.pos));
      expect(rows).toHaveLength(limit);
      return { jobId: r.jobId, rows, selected: new Set(labels().filter((x) => x.selected === 1).map((x) => x.id)) };
    };

    const kept = await pick(undefined); // NegLabel's default: class names stay candidates
    expect(kept.selected).toEqual(expectedPick(kept.rows, order, 0.15));
    const nNouns = order.filter((o) => o.pos === 'noun').length;
    const nounsOf = (r: { rows: LabelRow[]; selected: Set<number> }) => [...r.selected].filter((id) => r.rows.find((x) => x.id === id)!.pos === 'noun').length;
    expect(nounsOf(kept)).toBe(Math.floor(nNouns * 0.15));
    expect(await mining()).toMatchObject({ jobId: kept.jobId, source: { type: 'wordnet', lemmas: 'first', candidateLimit: limit }, excludeInDClassNames: false });

    const dropped = await pick(true);
    expect(dropped.selected).toEqual(expectedPick(dropped.rows, order, 0.15, classWords));
    expect(nounsOf(dropped)).toBe(Math.floor((nNouns - 2) * 0.15));
    expect(nounsOf(dropped)).toBe(nounsOf(kept) - 1);
    for (const w of classWords) expect(dropped.rows.find((x) => x.word === w && x.pos === 'noun')!.selected).toBe(0);
    expect(await mining()).toMatchObject({ jobId: dropped.jobId, excludeInDClassNames: true });
    expect((await jobDone(p.studio, dropped.jobId)).title).toContain('InD class names excluded');
    exec(p.projectDir, "DELETE FROM classes WHERE dataset_id = (SELECT id FROM datasets WHERE name = 'extra')");
  }, 120_000);
});
