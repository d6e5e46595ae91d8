import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CandidateFilter, CandidateSort } from '../../src/shared/api/routes/candidates';
import { createProject, type OpenProject } from '../../src/main/project/project';
import { decodeCursor, encodeCursor } from '../../src/main/services/cursor';
import { candidatePage, countCandidates, type PageKey } from '../../src/main/store/candidate-queries';
import { tmpDir } from '../helpers/tmp';

/**
 * Keyset paging of the Curate gallery (store/candidate-queries.ts) on a real project database: every page walk is
 * compared with the order the gallery promises — sort value with id as the tie-break, NULL sort values after all
 * others by id — and rows deleted between pages must neither shift the walk (skip) nor repeat a row.
 */

let project: OpenProject;
let cleanup: () => void;

beforeEach(() => {
  const t = tmpDir('synood-paging-');
  cleanup = t.cleanup;
  project = createProject(t.dir, 'paging');
});

afterEach(() => {
  project.db.close();
  cleanup();
});

interface Seeded {
  id: number;
  energy: number | null;
  status: 'new' | 'accepted' | 'rejected';
}

/** Candidates with the given energies (NULL allowed), in insertion order; ids ascend with it. */
function seed(energies: (number | null)[], status: (i: number) => Seeded['status'] = () => 'new'): Seeded[] {
  const ins = project.db.prepare(
    "INSERT INTO candidates (seed, objective, energy, status, file_path, created_at) VALUES (?, 'official', ?, ?, ?, ?)",
  );
  return energies.map((energy, i) => {
    const s = status(i);
    const id = Number(ins.run(i, energy, s, `candidates/${i}.png`, 1_000 + i).lastInsertRowid);
    return { id, energy, status: s };
  });
}

/** The order the gallery promises for sort 'energy'. */
function expected(rows: Seeded[], desc: boolean): number[] {
  const dir = desc ? -1 : 1;
  const valued = rows.filter((r) => r.energy !== null).sort((a, b) => dir * (a.energy! - b.energy!) || dir * (a.id - b.id));
  const nulls = rows.filter((r) => r.energy === null).sort((a, b) => dir * (a.id - b.id));
  return [...valued, ...nulls].map((r) => r.id);
}

/**
 * Walks every page, passing the cursor through its wire form (as the renderer does), calling `between` after
 * each page with that page's ids. Stops after 1000 pages so a cursor that never advances fails instead of hanging.
 */
function walk(opts: { sort?: CandidateSort; desc: boolean; limit: number; filter?: CandidateFilter; between?: (page: number[], n: number) => void }): number[] {
  const seen: number[] = [];
  let after: PageKey | null = null;
  for (let n = 0; n < 1000; n++) {
    const page = candidatePage(project.db, { filter: opts.filter ?? {}, sort: opts.sort ?? 'energy', desc: opts.desc, after, limit: opts.limit });
    expect(page.items.length).toBeLessThanOrEqual(opts.limit);
    seen.push(...page.items.map((r) => r.id));
    if (!page.next) return seen;
    expect(page.items.length).toBe(opts.limit);
    opts.between?.(page.items.map((r) => r.id), n);
    after = decodeCursor(encodeCursor(page.next));
  }
  throw new Error('paging did not end after 1000 pages');
}

describe('candidate gallery keyset paging', () => {
  it('puts rows whose sort value is NULL after all others, by id, in both directions and across the boundary', () => {
    const rows = seed([0.5, null, -2, null, 3, 0.5, null, -7, 1, null, 2]);
    for (const desc of [false, true])
      for (const limit of [1, 2, 3, 4, 7, 11, 50]) {
        const ids = walk({ desc, limit });
        expect(ids, `desc=${desc} limit=${limit}`).toEqual(expected(rows, desc));
      }
    // The NULL tail really is last: no NULL-energy id before a valued one.
    const asc = walk({ desc: false, limit: 3 });
    const firstNull = asc.findIndex((id) => rows.find((r) => r.id === id)!.energy === null);
    expect(asc.slice(firstNull).every((id) => rows.find((r) => r.id === id)!.energy === null)).toBe(true);
  });

  it('only NULL sort values: pages by id alone', () => {
    const rows = seed([null, null, null, null, null]);
    expect(walk({ desc: false, limit: 2 })).toEqual(rows.map((r) => r.id));
    expect(walk({ desc: true, limit: 2 })).toEqual(rows.map((r) => r.id).reverse());
  });

  it('breaks ties in the sort value by id, so a page boundary inside a tie neither repeats nor skips', () => {
    const rows = seed([1, 1, 1, 1, 1, 0, 0, 0, 2, 2, 1, null, 1]);
    for (const desc of [false, true])
      for (const limit of [1, 2, 3, 5]) {
        const ids = walk({ desc, limit });
        expect(ids, `desc=${desc} limit=${limit}`).toEqual(expected(rows, desc));
        expect(new Set(ids).size).toBe(rows.length);
      }
  });

  it('rows deleted between pages (the cursor row itself, rows ahead, rows already shown) neither skip nor repeat a row', () => {
    const rows = seed([5, null, 1, 1, 3, null, 2, 2, 4, 0, null, 1, 6, null]);
    const order = expected(rows, false);
    const deleted = new Set<number>();
    const del = (id: number | undefined) => {
      if (id === undefined || deleted.has(id)) return;
      project.db.prepare('DELETE FROM candidates WHERE id = ?').run(id);
      deleted.add(id);
    };
    const ids = walk({
      desc: false,
      limit: 3,
      between: (page) => {
        del(page[page.length - 1]); // the row the cursor points at
        del(page[0]); // one already shown
        const next = order.filter((id) => !deleted.has(id) && !page.includes(id));
        const ahead = next[next.indexOf(page[page.length - 1]!) + 2] ?? next[1];
        del(ahead); // one not shown yet
      },
    });
    expect(new Set(ids).size).toBe(ids.length);
    // Everything that was never deleted appears, in order; a deleted row appears only if it was shown before its delete.
    const survivors = order.filter((id) => !deleted.has(id));
    expect(ids.filter((id) => !deleted.has(id))).toEqual(survivors);
    expect(ids).toEqual(order.filter((id) => ids.includes(id)));
    // The walk crossed into the NULL tail while deleting, and still reached its end.
    expect(deleted.size).toBeGreaterThan(3);
  });

  it('a cursor inside the NULL tail keeps working after its own row is deleted', () => {
    const rows = seed([1, null, null, null, null, 2]);
    const first = candidatePage(project.db, { filter: {}, sort: 'energy', desc: false, after: null, limit: 3 });
    expect(first.next?.v).toBeNull();
    project.db.prepare('DELETE FROM candidates WHERE id = ?').run(first.next!.id);
    const rest = candidatePage(project.db, { filter: {}, sort: 'energy', desc: false, after: first.next, limit: 10 });
    expect([...first.items.map((r) => r.id), ...rest.items.map((r) => r.id)]).toEqual(expected(rows, false));
    expect(rest.next).toBeNull();
  });

  it('pages a filtered set (the low-cardinality status filter) in the same order as the unfiltered walk', () => {
    const rows = seed([3, null, 1, 1, 2, null, 0, 5, 1, 4], (i) => (i % 3 === 0 ? 'accepted' : 'new'));
    const accepted = rows.filter((r) => r.status === 'accepted');
    for (const desc of [false, true]) expect(walk({ desc, limit: 2, filter: { status: 'accepted' } })).toEqual(expected(accepted, desc));
    expect(countCandidates(project.db, { status: 'accepted' })).toBe(accepted.length);
  });

  it('sorts by creation time too (a column with no NULLs)', () => {
    const rows = seed([null, 1, null, 2]);
    expect(walk({ sort: 'created', desc: true, limit: 3 })).toEqual(rows.map((r) => r.id).reverse());
  });
});
