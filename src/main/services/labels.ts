import type { Handlers } from '../../shared/api';
import type { NegLabel } from '../../shared/api/routes/labels';
import type { StudioContext } from './context';

export function labelHandlers(ctx: StudioContext): Pick<Handlers, 'label.search' | 'label.summary'> {
  return {
    'label.search': ({ query, limit }) => {
      const { db } = ctx.project();
      const q = query.trim().toLowerCase();
      const uses = db.prepare('SELECT count(*) FROM candidates WHERE label_id = ?').pluck();
      // Prefix matches ride the (selected, word) index as a range; the contains-pass fills up what is left.
      const prefix = db
        .prepare("SELECT id, word, pos FROM neg_labels WHERE selected = 1 AND word >= ? AND word < ? ORDER BY word LIMIT ?")
        .all(q, q + '\u{10ffff}', limit) as Omit<NegLabel, 'uses'>[];
      let rows = prefix;
      if (q && rows.length < limit) {
        const seen = new Set(rows.map((r) => r.id));
        const contains = db.prepare("SELECT id, word, pos FROM neg_labels WHERE selected = 1 AND instr(word, ?) > 1 ORDER BY word LIMIT ?").all(q, limit) as Omit<NegLabel, 'uses'>[];
        rows = [...rows, ...contains.filter((r) => !seen.has(r.id))].slice(0, limit);
      }
      return rows.map((r) => ({ ...r, uses: uses.get(r.id) as number }));
    },
    'label.summary': () => {
      const { db } = ctx.project();
      return {
        selected: db.prepare('SELECT count(*) FROM neg_labels WHERE selected = 1').pluck().get() as number,
        candidates: db.prepare('SELECT count(*) FROM neg_labels').pluck().get() as number,
        assignedToAccepted: db.prepare("SELECT count(DISTINCT label_id) FROM candidates WHERE status = 'accepted' AND label_id IS NOT NULL").pluck().get() as number,
      };
    },
  };
}
