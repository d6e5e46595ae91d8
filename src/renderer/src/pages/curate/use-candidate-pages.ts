import { useCallback, useEffect, useRef, useState } from 'react';
import type { CandidateRow } from '../../../../shared/api';
import { useApi } from '../../api/context';
import type { GalleryQuery } from './filters';

const PAGE = 200;
/** Beyond this many loaded rows a data change restarts the list instead of refreshing every row in place. */
const REFRESH_LIMIT = 8000;

export interface CandidatePages {
  /** Loaded rows in gallery order; mutated in place, `version` says when. */
  items: CandidateRow[];
  total: number | null;
  version: number;
  error: string | undefined;
  /** Loads keyset pages until row `index` is present (or the list ends). */
  ensure: (index: number) => void;
  /** Re-reads the loaded rows (statuses, labels) without moving them. */
  refresh: () => void;
}

/**
 * The gallery's rows, fetched page by page with the opaque keyset cursor. Rows keep their place when their status
 * changes (a curator's view does not jump under them); changing the query starts over.
 */
export function useCandidatePages(query: GalleryQuery): CandidatePages {
  const api = useApi();
  const items = useRef<CandidateRow[]>([]);
  const next = useRef<string | null>(null);
  const loading = useRef(false);
  const wanted = useRef(0);
  const generation = useRef(0);
  const [total, setTotal] = useState<number | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string>();
  const key = JSON.stringify(query);

  const pump = useCallback(async () => {
    if (loading.current) return;
    const gen = generation.current;
    loading.current = true;
    try {
      while (gen === generation.current && (items.current.length === 0 || (next.current && items.current.length <= wanted.current))) {
        const first = items.current.length === 0;
        // The count of the whole view runs beside the first page rather than inside it, so the grid paints first.
        if (first)
          void api.call('candidate.count', { filter: query.filter }).then(
            (c) => gen === generation.current && setTotal(c.total),
            () => undefined,
          );
        const page = await api.call('candidate.list', { ...query, limit: PAGE, withTotal: false, ...(first ? {} : { after: next.current }) });
        if (gen !== generation.current) return;
        items.current.push(...page.items);
        next.current = page.next;
        if (first && !page.next) setTotal(page.items.length);
        setVersion((v) => v + 1);
        if (first && !page.next) break;
      }
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      loading.current = false;
    }
    // query is a new object every render; `key` is its JSON, so the pump is rebuilt when the view's value changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);

  useEffect(() => {
    generation.current++;
    items.current = [];
    next.current = null;
    wanted.current = 0;
    loading.current = false;
    setTotal(null);
    setVersion((v) => v + 1);
    void pump();
  }, [pump]);

  const ensure = useCallback(
    (index: number) => {
      wanted.current = Math.max(wanted.current, index);
      if (next.current && items.current.length <= index) void pump();
    },
    [pump],
  );

  const refresh = useCallback(() => {
    if (items.current.length > REFRESH_LIMIT) {
      generation.current++;
      items.current = [];
      next.current = null;
      loading.current = false;
      setVersion((v) => v + 1);
      void pump();
      return;
    }
    const gen = generation.current;
    const ids = items.current.map((r) => r.id);
    void (async () => {
      const fresh = new Map<number, CandidateRow>();
      for (let i = 0; i < ids.length; i += 2000) for (const r of await api.call('candidate.rows', { ids: ids.slice(i, i + 2000) })) fresh.set(r.id, r);
      if (gen !== generation.current) return;
      items.current = items.current.map((r) => fresh.get(r.id) ?? r);
      setVersion((v) => v + 1);
    })().catch((e: Error) => setError(e.message));
  }, [api, pump]);

  return { items: items.current, total, version, error, ensure, refresh };
}
