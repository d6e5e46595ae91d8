import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject } from '../../src/main/dev/seed';
import { Studio } from '../../src/main/root';
import { tmpDir } from '../helpers/tmp';
import { value } from './stage-project';

/**
 * Issue 13 items 1 and 4 on the main side: undo of a named batch (the studio's own session) leaves other tools'
 * batches alone, never overwrites a later change, and a relabel saves a human label that undo hands back to the model.
 */
describe('curation: session-scoped undo and relabel', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  const db = () => studio.project!.db;
  const call = async <T>(route: string, input: unknown): Promise<T> => value<T>(await studio.call(route, input));
  const row = (id: number) => db().prepare('SELECT status, label_id, label_source FROM candidates WHERE id = ?').get(id) as { status: string; label_id: number | null; label_source: string | null };

  beforeAll(async () => {
    t = tmpDir('synood-curation-session-');
    studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home') });
    await call('project.create', { dir: path.join(t.dir, 'project'), name: 'curation' });
    await seedProject(studio.project!, { classes: 2, imagesPerClass: 2, candidates: 10, pictures: 1, runs: false });
  });
  afterAll(async () => {
    await studio?.close();
    t?.cleanup();
  });

  it('undo of a named batch reverts that batch only; the newest batch (another tool\'s) stays', async () => {
    const mine = await call<{ batch: number; changed: number }>('curation.decide', { target: { type: 'ids', ids: [1, 2] }, decision: { status: 'rejected' } });
    // Another tool's bulk action, made after it.
    const theirs = await call<{ batch: number; changed: number }>('curation.decide', { target: { type: 'filter', filter: { status: 'new' } }, decision: { status: 'accepted' } });
    expect(theirs.changed).toBe(8);
    const undone = await call<{ batch: number; changed: number; skipped: number }>('curation.undo', { batch: mine.batch });
    expect(undone).toEqual({ batch: mine.batch, changed: 2, skipped: 0 });
    expect([1, 2].map((id) => row(id).status)).toEqual(['new', 'new']);
    expect(db().prepare("SELECT count(*) FROM candidates WHERE status = 'accepted'").pluck().get()).toBe(8);
    // Undoing it again is refused; redo of it brings it back.
    const again = await studio.call('curation.undo', { batch: mine.batch });
    expect(!again.ok && again.error.code).toBe('conflict');
    expect(await call('curation.redo', { batch: mine.batch })).toEqual({ batch: mine.batch, changed: 2, skipped: 0 });
    expect([1, 2].map((id) => row(id).status)).toEqual(['rejected', 'rejected']);
  });

  it('an entry changed since by a later batch is skipped, not overwritten', async () => {
    const mine = await call<{ batch: number }>('curation.decide', { target: { type: 'ids', ids: [3, 4] }, decision: { status: 'rejected' } });
    await call('curation.decide', { target: { type: 'ids', ids: [4] }, decision: { status: 'accepted' } });
    const undone = await call<{ changed: number; skipped: number }>('curation.undo', { batch: mine.batch });
    expect(undone).toMatchObject({ changed: 1, skipped: 1 });
    expect(row(3).status).toBe('accepted');
    expect(row(4).status).toBe('accepted');
  });

  it('a relabel to any mined word is a human label; undoing it returns the model\'s label as the model\'s', async () => {
    const before = row(5);
    expect(before.label_source).toBe('model');
    const word = Number(db().prepare("INSERT INTO neg_labels (word, pos, template, selected) VALUES ('zeppelin', 'noun', 'a photo of a {}.', 0)").run().lastInsertRowid);
    // The relabel box searches every mined word, the selected vocabulary first.
    const found = await call<{ id: number; word: string; selected: boolean }[]>('label.search', { query: 'zepp', limit: 10, scope: 'all' });
    expect(found).toEqual([expect.objectContaining({ id: word, word: 'zeppelin', selected: false })]);
    expect(await call('label.search', { query: 'zepp', limit: 10 })).toEqual([]);
    const r = await call<{ batch: number; changed: number }>('curation.decide', { target: { type: 'ids', ids: [5] }, decision: { labelId: word } });
    expect(r.changed).toBe(1);
    expect(row(5)).toMatchObject({ label_id: word, label_source: 'human' });
    await call('curation.undo', { batch: r.batch });
    expect(row(5)).toMatchObject({ label_id: before.label_id, label_source: 'model' });
  });

  it('the suggested-reject count is of undecided candidates only', async () => {
    const all = db().prepare('SELECT count(*) FROM candidates WHERE source_class_prob >= 0.5').pluck().get() as number;
    const undecided = db().prepare("SELECT count(*) FROM candidates WHERE status = 'new' AND source_class_prob >= 0.5").pluck().get() as number;
    db().prepare("UPDATE candidates SET source_class_prob = 0.95 WHERE id IN (1, 6)").run();
    const c = await call<{ suggestedRejects: number }>('curation.counts', { filter: {} });
    const expected = db().prepare("SELECT count(*) FROM candidates WHERE status = 'new' AND source_class_prob >= 0.5").pluck().get() as number;
    expect(c.suggestedRejects).toBe(expected);
    expect(expected).toBeLessThan(db().prepare('SELECT count(*) FROM candidates WHERE source_class_prob >= 0.5').pluck().get() as number);
    expect(all).toBeGreaterThanOrEqual(undecided);
  });
});
