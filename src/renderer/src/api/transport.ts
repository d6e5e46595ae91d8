import type { ApiEvent, ApiResult, RouteInput, RouteName, RouteOutput, StudioApi } from '../../../shared/api';
import { parseRouteOutput } from '../../../shared/api/route-output';
import { ApiResultEnvelope } from '../../../shared/api/errors';

/** What the Electron preload exposes on window.synood (contextBridge); absent in browser mode. */
export interface PreloadBridge {
  invoke(route: string, input: unknown): Promise<ApiResult<unknown>>;
  onEvent(listener: (e: ApiEvent) => void): () => void;
}

declare global {
  interface Window {
    synood?: PreloadBridge;
  }
}

export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** The answer's value, parsed by the route's output schema: what crossed the process boundary is checked, not cast. */
function unwrap<K extends RouteName>(name: K, r: ApiResult<unknown>): RouteOutput<K> {
  if (r.ok) return parseRouteOutput(name, r.value);
  throw new ApiCallError(r.error.code, r.error.message, r.error.issues);
}

function electronApi(bridge: PreloadBridge): StudioApi {
  return {
    call: async <K extends RouteName>(name: K, input: RouteInput<K>) => unwrap(name, await bridge.invoke(name, input)),
    onEvent: (l) => bridge.onEvent(l),
    fileUrl: (rel) => `synood-file://project/${rel.split('/').map(encodeURIComponent).join('/')}`,
  };
}

/** Browser mode: the token arrives once in the page URL, is kept for the tab, and is sent with every request. */
function httpApi(): StudioApi {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('synood-token', fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
  }
  const token = fromUrl ?? sessionStorage.getItem('synood-token') ?? '';
  const listeners = new Set<(e: ApiEvent) => void>();
  let source: EventSource | null = null;
  const connect = () => {
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (m) => {
      const e = JSON.parse(m.data as string) as ApiEvent;
      listeners.forEach((l) => l(e));
    };
  };
  return {
    call: async <K extends RouteName>(name: K, input: RouteInput<K>) => {
      const res = await fetch(`/api/call/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-synood-token': token }, body: JSON.stringify(input ?? {}) });
      return unwrap(name, ApiResultEnvelope.parse(await res.json()));
    },
    onEvent: (l) => {
      listeners.add(l);
      if (!source) connect();
      return () => listeners.delete(l);
    },
    fileUrl: (rel) => `/files/${rel.split('/').map(encodeURIComponent).join('/')}?token=${encodeURIComponent(token)}`,
  };
}

/** The renderer cannot tell which transport it has: both satisfy StudioApi. */
export function createApi(): StudioApi {
  return window.synood ? electronApi(window.synood) : httpApi();
}
