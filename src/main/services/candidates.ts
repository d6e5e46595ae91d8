import type { Handlers } from '../../shared/api';
import { candidatePage, countCandidates } from '../store/candidate-queries';
import { decodeCursor, encodeCursor } from './cursor';
import type { StudioContext } from './context';

export function candidateHandlers(ctx: StudioContext): Pick<Handlers, 'candidate.list' | 'candidate.count'> {
  return {
    'candidate.count': ({ filter }) => ({ total: countCandidates(ctx.project().db, filter) }),
    'candidate.list': ({ filter, sort, desc, after, limit, withTotal }) => {
      const { db } = ctx.project();
      const page = candidatePage(db, { filter, sort, desc, after: after ? decodeCursor(after) : null, limit });
      // Counting every page would cost a scan each time: only a first page asked for it carries the total.
      const total = after || !withTotal ? null : countCandidates(db, filter);
      return { items: page.items, next: page.next ? encodeCursor(page.next) : null, total };
    },
  };
}
