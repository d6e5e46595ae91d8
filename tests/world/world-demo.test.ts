import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/main/demo/run-demo';
import { IND_CLASS_NAMES } from '../../src/main/world';
import { tmpDir } from '../helpers/tmp';

/** The default demo (`npm run demo`): the world's splits and the models the project trained on it. */
describe('world demo', () => {
  const t = tmpDir('synood-world-demo-');
  afterAll(() => t.cleanup());

  it("runs the pipeline on the world's splits with the world classifier registered, and compares near- and far-OOD", async () => {
    const lines: string[] = [];
    const result = await runDemo({ dir: t.dir, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/miniature world/);
    expect(lines.find((l) => l.startsWith('models'))).toMatch(/classifier world-trained, clip world-trained, inpainting world-trained/);
    expect(lines.find((l) => l.startsWith('models'))).not.toMatch(/STAND-IN/);
    expect(lines.some((l) => l.startsWith('describe (CLIP nouns)'))).toBe(true);
    const rows = result.table.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toContain('near-ood AUROC');
    expect(rows[0]).toContain('far-ood AUROC');
    expect(rows.slice(2).map((r) => r.split('|')[1]!.trim())).toEqual(['NegLabel (zero-shot)', 'SynOOD stage 2 only (tuned label features)', 'SynOOD (projection + tuned label features)']);
    // With the trained tiny CLIP the zero-shot baseline means something: the floor, far-OOD AUROC ≥ 90
    // (here on 100 images per set; the world bench measures it on 500).
    const header = rows[0]!.split('|').map((c) => c.trim());
    const farAuroc = Number(rows[2]!.split('|').map((c) => c.trim())[header.indexOf('far-ood AUROC↑')]);
    expect(farAuroc).toBeGreaterThanOrEqual(90);

    const db = new Database(path.join(result.projectDir, 'synood.db'), { readonly: true });
    const classes = db.prepare("SELECT c.name FROM classes c JOIN datasets d ON d.id = c.dataset_id WHERE d.kind = 'ind-train' ORDER BY c.name").pluck().all() as string[];
    expect(classes).toEqual([...IND_CLASS_NAMES].sort());
    // The negative labels are the world's vocabulary words (no WordNet): 'circle' is a world shape noun.
    expect(db.prepare("SELECT count(*) FROM neg_labels WHERE word = 'circle' AND selected = 1").pluck().get()).toBe(1);
    expect(db.prepare("SELECT count(*) FROM jobs WHERE status != 'completed'").pluck().get()).toBe(0);
    db.close();
  }, 300_000);
});
