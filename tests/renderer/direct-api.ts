import type { ApiEvent, StudioApi } from '../../src/shared/api';
import type { Studio } from '../../src/main/root';

/** A StudioApi over a real in-process Studio: component tests exercise the real services, no transport mock. */
export function directApi(studio: Studio): StudioApi {
  return {
    call: async (name, input) => {
      const r = await studio.call(name, input);
      if (!r.ok) throw new Error(r.error.message);
      return r.value as never;
    },
    onEvent: (l: (e: ApiEvent) => void) => studio.onEvent(l),
    fileUrl: (rel) => `/files/${rel}`,
  };
}
