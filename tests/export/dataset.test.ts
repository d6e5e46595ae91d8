import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Studio } from '../../src/main/root';
import { tmpDir } from '../helpers/tmp';
import { openDb, openStudio, seededProject, value } from './seeded';

interface Expected {
  id: number;
  file_path: string;
  word: string | null;
  pos: string | null;
  label_id: number | null;
  objective: string;
  seed: number;
  energy: number | null;
  msp: number | null;
  neglabel_score: number | null;
  source_class_prob: number | null;
  prompt: string | null;
  source_path: string | null;
  class_name: string | null;
}

const COLUMNS = [
  'file_name',
  'label',
  'label_pos',
  'label_source',
  'label_margin',
  'candidate_id',
  'source_image',
  'source_class',
  'prompt',
  'objective',
  'seed',
  'strength',
  'steps',
  'guidance',
  'iterations',
  'lr',
  'energy',
  'msp',
  'neglabel_score',
  'source_class_prob',
];

const readJsonl = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown> & { file_name: string });

/** Every file under a folder, relative, '/'-separated. */
const listFiles = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => f.split(path.sep).join('/')).sort();

describe('export dataset', () => {
  const t = tmpDir('synood-export-dataset-');
  const proj = path.join(t.dir, 'proj');
  let studio: Studio;
  let expected: Expected[];

  beforeAll(async () => {
    await seededProject(proj);
    const db = openDb(proj);
    // Accept every third candidate; one accepted without a label, and one labelled with the noun twin of an
    // adjective the seeder selected, so two labels share a word and must not share a folder.
    db.prepare("UPDATE candidates SET status = 'accepted' WHERE id % 3 = 0").run();
    const accepted = db.prepare("SELECT id FROM candidates WHERE status = 'accepted' ORDER BY id").pluck().all() as number[];
    db.prepare('UPDATE candidates SET label_id = NULL WHERE id = ?').run(accepted[0]);
    const adj = db.prepare("SELECT id, word FROM neg_labels WHERE pos = 'adj' ORDER BY id LIMIT 1").get() as { id: number; word: string };
    const noun = Number(db.prepare("INSERT INTO neg_labels (word, pos, template, selected) VALUES (?, 'noun', 'the nice {}', 1)").run(adj.word).lastInsertRowid);
    db.prepare('UPDATE candidates SET label_id = ? WHERE id = ?').run(adj.id, accepted[1]);
    db.prepare('UPDATE candidates SET label_id = ? WHERE id = ?').run(noun, accepted[2]);
    expected = db
      .prepare(
        `SELECT c.id, c.file_path, l.word, l.pos, c.label_id, c.objective, c.seed, c.energy, c.msp, c.neglabel_score, c.source_class_prob,
                pv.prompt, i.path AS source_path, k.name AS class_name
           FROM candidates c LEFT JOIN neg_labels l ON l.id = c.label_id LEFT JOIN prompt_versions pv ON pv.id = c.prompt_version_id
           LEFT JOIN images i ON i.id = c.source_image_id LEFT JOIN classes k ON k.id = c.class_id
          WHERE c.status = 'accepted' ORDER BY c.id`,
      )
      .all() as Expected[];
    db.close();
    studio = await openStudio(path.join(t.dir, 'home'), proj);
  }, 60_000);
  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  it('writes the accepted candidates as an ImageFolder by label with metadata.jsonl rows matching them', async () => {
    const out = path.join(t.dir, 'out', 'synood-ood');
    const r = value<{ dir: string; images: number; labels: number; unlabeled: number; metadataFile: string }>(await studio.call('export.dataset', { out }));
    expect(r).toMatchObject({ dir: out, images: expected.length, unlabeled: 1, metadataFile: path.join(out, 'metadata.jsonl') });
    expect(r.labels).toBe(new Set(expected.filter((e) => e.label_id !== null).map((e) => e.label_id)).size);

    const rows = readJsonl(path.join(out, 'metadata.jsonl'));
    expect(rows.map((row) => row.candidate_id)).toEqual(expected.map((e) => e.id));
    // Hugging Face imagefolder: metadata.jsonl at the root, file_name relative to it; the folder holds exactly
    // the listed images and the metadata, nothing half-written.
    expect(listFiles(out)).toEqual([...rows.map((row) => row.file_name), 'metadata.jsonl'].sort());
    const folderOfLabel = new Map<number, string>();
    for (const [i, row] of rows.entries()) {
      const e = expected[i]!;
      expect(Object.keys(row)).toEqual(COLUMNS);
      expect(fs.readFileSync(path.join(out, row.file_name))).toEqual(fs.readFileSync(path.join(proj, e.file_path)));
      expect(row.file_name).toBe(`${row.file_name.split('/')[0]}/${e.id}${path.extname(e.file_path)}`);
      expect(row).toMatchObject({
        label: e.word,
        label_pos: e.pos,
        objective: e.objective,
        seed: e.seed,
        energy: e.energy,
        msp: e.msp,
        neglabel_score: e.neglabel_score,
        source_class_prob: e.source_class_prob,
        prompt: e.prompt,
        source_image: e.source_path,
        source_class: e.class_name,
        // The seeder's generation config.
        strength: 0.6,
        steps: 20,
        guidance: 8,
        iterations: 3,
        lr: 10,
      });
      const folder = row.file_name.split('/')[0]!;
      if (e.label_id === null) expect(folder).toBe('unlabeled');
      else {
        expect(folderOfLabel.get(e.label_id) ?? folder).toBe(folder);
        folderOfLabel.set(e.label_id, folder);
      }
    }
    // One folder per label, never two labels in one folder (the noun and adjective twins included).
    expect(new Set(folderOfLabel.values()).size).toBe(folderOfLabel.size);
    const twins = expected.slice(1, 3).map((e) => folderOfLabel.get(e.label_id!));
    expect(twins[0]).not.toBe(twins[1]);
  });

  it('refuses a non-empty folder unless forced, and a forced export replaces it whole', async () => {
    const out = path.join(t.dir, 'occupied');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const refused = await studio.call('export.dataset', { out });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('conflict');
      expect(refused.error.message).toContain(`${out} is not empty`);
    }
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
    value(await studio.call('export.dataset', { out, force: true }));
    expect(fs.existsSync(path.join(out, 'notes.txt'))).toBe(false);
    expect(readJsonl(path.join(out, 'metadata.jsonl'))).toHaveLength(expected.length);
    // No staging or backup folder is left beside it.
    expect(fs.readdirSync(t.dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('exports into an existing empty folder; refuses relative paths and a project with nothing accepted', async () => {
    const empty = path.join(t.dir, 'empty');
    fs.mkdirSync(empty);
    expect(value<{ images: number }>(await studio.call('export.dataset', { out: empty })).images).toBe(expected.length);
    const relative = await studio.call('export.dataset', { out: 'relative/dir' });
    expect(!relative.ok && relative.error.code).toBe('invalid_input');
    const db = openDb(proj);
    db.prepare("UPDATE candidates SET status = 'new'").run();
    db.close();
    const none = await studio.call('export.dataset', { out: path.join(t.dir, 'none') });
    expect(!none.ok && none.error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('no accepted candidates') });
    expect(fs.existsSync(path.join(t.dir, 'none'))).toBe(false);
  });
});
