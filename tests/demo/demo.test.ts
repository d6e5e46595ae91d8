import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/main/demo/run-demo';
import { Studio } from '../../src/main/root';
import { tmpDir } from '../helpers/tmp';

describe('embedded demo, factory data (--factory: random-weight models in the real layouts)', () => {
  const t = tmpDir('synood-demo-');
  afterAll(() => t.cleanup());

  it('runs the whole pipeline end to end and leaves a project the studio opens', async () => {
    const lines: string[] = [];
    const result = await runDemo({ dir: t.dir, log: (l) => lines.push(l), data: 'factory' });
    expect(lines[0]).toMatch(/RANDOM weights/);
    // The demo runs the studio's default guidance and says which objective and step semantics it used.
    expect(lines.find((l) => l.startsWith('guidance'))).toMatch(/objective official \(Official code loss.*official code\); ε ← ε − \(r\/B\)·∂L\/∂u with u = z0\/0\.18215 the decoder input, r = 10, per-image \(B = 1\)/);
    for (const stage of ['import ind-train', 'describe (VLM)', 'generate (guided)', 'mine negative labels', 'assign labels', 'train label features', 'train projection', 'evaluate SynOOD'])
      expect(lines.some((l) => l.startsWith(stage))).toBe(true);
    // The comparison table: a header, a separator, then the baseline and both SynOOD runs with numbers per OOD set.
    const rows = result.table.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toContain('ood-noise AUROC');
    expect(rows[0]).toContain('Average FPR95');
    expect(rows.slice(2).map((r) => r.split('|')[1]!.trim())).toEqual(['NegLabel (zero-shot)', 'SynOOD stage 2 only (tuned label features)', 'SynOOD (projection + tuned label features)']);
    for (const r of rows.slice(2)) expect(r.split('|').slice(2, -1).every((c) => /^\s*\d+\.\d\d\s*$/.test(c))).toBe(true);

    const db = new Database(path.join(result.projectDir, 'synood.db'), { readonly: true });
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    expect(count("SELECT count(*) FROM candidates WHERE status = 'accepted' AND label_id IS NOT NULL")).toBeGreaterThan(0);
    expect(count('SELECT count(*) FROM prompt_versions')).toBe(24);
    expect(count("SELECT count(*) FROM runs WHERE status = 'completed'")).toBe(3);
    expect(count('SELECT count(*) FROM evaluations')).toBe(6);
    expect(count("SELECT count(*) FROM jobs WHERE status != 'completed'")).toBe(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home2') });
    const opened = await studio.call('project.open', { dir: result.projectDir });
    expect(opened.ok).toBe(true);
    const runs = await studio.call('run.list', {});
    expect(runs.ok && (runs.value as unknown[]).length).toBe(3);
    await studio.close();
  });
});
