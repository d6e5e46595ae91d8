import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { CandidateRow } from '../../../../shared/api';
import { useApi } from '../../api/context';
import type { GalleryQuery } from './filters';

const PAGE = 200;
/** Beyond this many loaded rows a data change restarts the list instead of refreshing every row in place. */
const REFRESH_LIMIT = 8000;

/**
 * The gallery's loaded rows as a store: one object for the life of the page, whose contents change as pages load.
 * Components read what they need from it through `useCandidatePagesValue` and re-render only when that changes: a
 * page fetched during a scroll re-renders the grid, not the page around it (filter bar, buttons, detail panel),
 * which reads only the count and the focused row.
 */
export interface CandidatePages {
  /** Loaded rows in gallery order; mutated in place (a refresh replaces the array), `version` says when. */
  readonly items: CandidateRow[];
  readonly total: number | null;
  /** Bumped on every change of the above (and of `error`). */
  readonly version: number;
  readonly error: string | undefined;
  /** Loads keyset pages until row `index` is present (or the list ends). */
  ensure: (index: number) => void;
  /** Re-reads the loaded rows (statuses, labels) without moving them. */
  refresh: () => void;
  subscribe: (onChange: () => void) => () => void;
}

/** A value derived from the store; the caller re-renders only when it changes (Object.is). */
export function useCandidatePagesValue<T>(pages: CandidatePages, select: (pages: CandidatePages) => T): T {
  return useSyncExternalStore(pages.subscribe, () => select(pages));
}

interface State {
  items: CandidateRow[];
  total: number | null;
  version: number;
  error: string | undefined;
  next: string | null;
  loading: boolean;
  wanted: number;
  generation: number;
}

/**
 * The gallery's rows, fetched page by page with the opaque keyset cursor. Rows keep their place when their status
 * changes (a curator's view does not jump under them); changing the query starts over.
 */
export function useCandidatePages(query: GalleryQuery): CandidatePages {
  const api = useApi();
  const state = useRef<State>({ items: [], total: null, version: 0, error: undefined, next: null, loading: false, wanted: 0, generation: 0 });
  const listeners = useRef(new Set<() => void>());
  const key = JSON.stringify(query);
  const queryOfKey = useMemo(() => JSON.parse(key) as GalleryQuery, [key]);

  const changed = useCallback((patch: Partial<State> = {}) => {
    Object.assign(state.current, patch);
    state.current.version++;
    for (const l of listeners.current) l();
  }, []);

  const pump = useCallback(async () => {
    const s = state.current;
    if (s.loading) return;
    const gen = s.generation;
    s.loading = true;
    try {
      while (gen === s.generation && (s.items.length === 0 || (s.next && s.items.length <= s.wanted))) {
        const first = s.items.length === 0;
        // The count of the whole view runs beside the first page rather than inside it, so the grid paints first.
        if (first)
          void api.call('candidate.count', { filter: queryOfKey.filter }).then(
            (c) => gen === s.generation && changed({ total: c.total }),
            () => undefined,
          );
        const page = await api.call('candidate.list', { ...queryOfKey, limit: PAGE, withTotal: false, ...(first ? {} : { after: s.next }) });
        if (gen !== s.generation) return;
        s.items.push(...page.items);
        s.next = page.next;
        // One notification a page, with everything it changed.
        changed(first && !page.next ? { total: page.items.length, error: undefined } : { error: undefined });
        if (first && !page.next) break;
      }
    } catch (e) {
      if (gen === s.generation) changed({ error: (e as Error).message });
    } finally {
      if (gen === s.generation) s.loading = false;
    }
  }, [api, queryOfKey, changed]);

  useEffect(() => {
    const s = state.current;
    s.generation++;
    s.next = null;
    s.wanted = 0;
    s.loading = false;
    changed({ items: [], total: null });
    void pump();
  }, [pump, changed]);

  const ensure = useCallback(
    (index: number) => {
      const s = state.current;
      s.wanted = Math.max(s.wanted, index);
      if (s.next && s.items.length <= index) void pump();
    },
    [pump],
  );

  const refresh = useCallback(() => {
    const s = state.current;
    if (s.items.length > REFRESH_LIMIT) {
      s.generation++;
      s.next = null;
      s.loading = false;
      changed({ items: [] });
      void pump();
      return;
    }
    const gen = s.generation;
    const ids = s.items.map((r) => r.id);
    void (async () => {
      const fresh = new Map<number, CandidateRow>();
      for (let i = 0; i < ids.length; i += 2000) for (const r of await api.call('candidate.rows', { ids: ids.slice(i, i + 2000) })) fresh.set(r.id, r);
      if (gen !== s.generation) return;
      changed({ items: s.items.map((r) => fresh.get(r.id) ?? r) });
    })().catch((e: Error) => changed({ error: e.message }));
  }, [api, pump, changed]);

  const subscribe = useCallback((onChange: () => void) => {
    listeners.current.add(onChange);
    return () => void listeners.current.delete(onChange);
  }, []);

  // One object for the page's life (its functions change only with the query): the getters read the current state.
  return useMemo(
    () => ({
      get items() {
        return state.current.items;
      },
      get total() {
        return state.current.total;
      },
      get version() {
        return state.current.version;
      },
      get error() {
        return state.current.error;
      },
      ensure,
      refresh,
      subscribe,
    }),
    [ensure, refresh, subscribe],
  );
}
