import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/main/demo/run-demo';
import { IND_CLASS_NAMES } from '../../src/main/world';
import { tmpDir } from '../helpers/tmp';

/** The demo's world path (runDemo data 'world', `synood demo --world`), ready for the switch-over. */
describe('world demo', () => {
  const t = tmpDir('synood-world-demo-');
  afterAll(() => t.cleanup());

  it("runs the pipeline on the world's splits with the world classifier registered, and compares near- and far-OOD", async () => {
    const lines: string[] = [];
    const result = await runDemo({ dir: t.dir, log: (l) => lines.push(l), data: 'world' });
    expect(lines[0]).toMatch(/miniature world/);
    expect(lines.find((l) => l.startsWith('models'))).toMatch(/classifier world-trained/);
    const rows = result.table.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toContain('near-ood AUROC');
    expect(rows[0]).toContain('far-ood AUROC');
    expect(rows.slice(2).map((r) => r.split('|')[1]!.trim())).toEqual(['NegLabel (zero-shot)', 'SynOOD stage 2 only (tuned label features)', 'SynOOD (projection + tuned label features)']);

    const db = new Database(path.join(result.projectDir, 'synood.db'), { readonly: true });
    const classes = db.prepare("SELECT c.name FROM classes c JOIN datasets d ON d.id = c.dataset_id WHERE d.kind = 'ind-train' ORDER BY c.name").pluck().all() as string[];
    expect(classes).toEqual([...IND_CLASS_NAMES].sort());
    // The negative labels are the world's vocabulary words (no WordNet): 'circle' is a world shape noun.
    expect(db.prepare("SELECT count(*) FROM neg_labels WHERE word = 'circle' AND selected = 1").pluck().get()).toBe(1);
    expect(db.prepare("SELECT count(*) FROM jobs WHERE status != 'completed'").pluck().get()).toBe(0);
    db.close();
  }, 300_000);
});
