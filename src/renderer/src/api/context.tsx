import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
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

/** Subscribes for the component's lifetime. */
export function useApiEvents(listener: (e: ApiEvent) => void, deps: unknown[] = []) {
  const api = useApi();
  useEffect(() => api.onEvent(listener), [api, ...deps]);
}

/** Re-runs `load` whenever one of `entities` changes on the main side. */
export function useLive<T>(load: (api: StudioApi) => Promise<T>, entities: string[], deps: unknown[] = []): { data: T | undefined; error: string | undefined; reload: () => void } {
  const api = useApi();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    load(api).then(
      (d) => alive && (setData(d), setError(undefined)),
      (e: Error) => alive && setError(e.message),
    );
    return () => {
      alive = false;
    };
  }, [api, tick, ...deps]);
  useEffect(() => api.onEvent((e) => e.type === 'data.changed' && entities.includes(e.entity) && setTick((t) => t + 1)), [api, entities.join()]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
