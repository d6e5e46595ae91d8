import { createContext, useContext, useEffect, useEffectEvent, useMemo, useState, type ReactNode } from 'react';
import type { ApiEvent, StudioApi } from '../../../shared/api';
import { withJobRefresh } from './job-refresh';

const ApiContext = createContext<StudioApi | null>(null);

/** Provides the api to every view, with job events turned into refreshes of what each job writes (job-refresh.ts). */
export function ApiProvider({ api, children }: { api: StudioApi; children: ReactNode }) {
  const live = useMemo(() => withJobRefresh(api), [api]);
  return <ApiContext.Provider value={live}>{children}</ApiContext.Provider>;
}

export function useApi(): StudioApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

/** Subscribes for the component's lifetime; each event reaches the listener of the latest render. */
export function useApiEvents(listener: (e: ApiEvent) => void) {
  const api = useApi();
  const onEvent = useEffectEvent(listener);
  useEffect(() => api.onEvent((e) => onEvent(e)), [api]);
}

/** Re-runs `load` whenever one of `entities` changes on the main side, and when a value in `deps` changes (compared as JSON). */
export function useLive<T>(load: (api: StudioApi) => Promise<T>, entities: string[], deps: unknown[] = []): { data: T | undefined; error: string | undefined; reload: () => void } {
  const api = useApi();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  // `load` is a new closure every render: the latest one runs, when api, tick or a dep changed.
  const loadLatest = useEffectEvent(load);
  const depsKey = JSON.stringify(deps);
  useEffect(() => {
    let alive = true;
    loadLatest(api).then(
      (d) => alive && (setData(d), setError(undefined)),
      (e: Error) => alive && setError(e.message),
    );
    return () => {
      alive = false;
    };
  }, [api, tick, depsKey]);
  const onEvent = useEffectEvent((e: ApiEvent) => e.type === 'data.changed' && entities.includes(e.entity) && setTick((t) => t + 1));
  useEffect(() => api.onEvent((e) => onEvent(e)), [api]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
