import type { Handlers } from '../../shared/api';
import type { Db } from '../store/db';
import { countLabels, countSelectedLabels, labelsContaining, labelsWithPrefix, type LabelMatch } from '../store/neg-labels';
import type { StudioContext } from './context';

type Row = LabelMatch;

/** Prefix matches (a range over the word index), then words containing the query, within one selected-state. */
function matches(db: Db, q: string, selected: 0 | 1, limit: number): Row[] {
  if (limit <= 0) return [];
  const prefix = labelsWithPrefix(db, q, selected, limit);
  if (!q || prefix.length >= limit) return prefix;
  const seen = new Set(prefix.map((r) => r.id));
  const contains = labelsContaining(db, q, selected, limit);
  return [...prefix, ...contains.filter((r) => !seen.has(r.id))].slice(0, limit);
}

export function labelHandlers(ctx: StudioContext): Pick<Handlers, 'label.search' | 'label.summary'> {
  return {
    'label.search': ({ query, limit, scope }) => {
      const { db } = ctx.project();
      const q = query.trim().toLowerCase();
      const uses = db.prepare('SELECT count(*) FROM candidates WHERE label_id = ?').pluck();
      // The selected vocabulary first; with scope 'all' the other mined words fill up what is left.
      const rows = matches(db, q, 1, limit);
      if (scope === 'all') rows.push(...matches(db, q, 0, limit - rows.length));
      return rows.map((r) => ({ id: r.id, word: r.word, pos: r.pos, selected: r.selected === 1, uses: uses.get(r.id) as number }));
    },
    'label.summary': () => {
      const { db } = ctx.project();
      return {
        selected: countSelectedLabels(db),
        candidates: countLabels(db),
        assignedToAccepted: db.prepare("SELECT count(DISTINCT label_id) FROM candidates WHERE status = 'accepted' AND label_id IS NOT NULL").pluck().get() as number,
        unlabelledCandidates: db.prepare('SELECT count(*) FROM candidates WHERE label_id IS NULL').pluck().get() as number,
      };
    },
  };
}
