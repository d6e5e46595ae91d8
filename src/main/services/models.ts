import type { Handlers } from '../../shared/api';
import type { ModelRow } from '../../shared/api/routes/models';
import { parseJson } from './json';
import type { StudioContext } from './context';

/** validation_json is written by the ONNX engine; read its verdict if it states one, otherwise show what it says. */
export function readValidation(text: string | null): ModelRow['validation'] {
  if (text === null) return null;
  const v = parseJson<unknown>(text, text);
  if (typeof v === 'string') return { ok: null, summary: v };
  if (!v || typeof v !== 'object') return { ok: null, summary: String(v) };
  const o = v as Record<string, unknown>;
  const ok = typeof o.ok === 'boolean' ? o.ok : typeof o.valid === 'boolean' ? o.valid : null;
  const summary = typeof o.message === 'string' ? o.message : typeof o.summary === 'string' ? o.summary : JSON.stringify(o).slice(0, 300);
  return { ok, summary };
}

export function modelHandlers(ctx: StudioContext): Pick<Handlers, 'model.list'> {
  return {
    'model.list': () => {
      const { db } = ctx.project();
      const rows = db.prepare('SELECT id, role, path, sha256, validation_json, provider, created_at FROM models ORDER BY role, id DESC').all() as {
        id: number;
        role: ModelRow['role'];
        path: string;
        sha256: string;
        validation_json: string | null;
        provider: string | null;
        created_at: number;
      }[];
      return rows.map((r) => ({ id: r.id, role: r.role, path: r.path, sha256: r.sha256, validation: readValidation(r.validation_json), provider: r.provider, createdAt: r.created_at }));
    },
  };
}
