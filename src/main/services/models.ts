import fs from 'node:fs';
import path from 'node:path';
import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import type { ModelRow } from '../../shared/api/routes/models';
import { importModel, insertModel, ModelValidationError, validateModel } from '../models';
import type { Db } from '../store/db';
import { modelListRow, modelListRows, type ModelListRow } from '../store/models';
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

function toModelRow(r: ModelListRow): ModelRow {
  return { id: r.id, role: r.role, path: r.path, sha256: r.sha256, validation: readValidation(r.validation_json), provider: r.provider, createdAt: r.created_at };
}

/** A free folder name under models/ for a copy, so importing the same folder twice never overwrites the first copy. */
function copyDestination(modelsDir: string, source: string): string {
  const base = path.basename(path.resolve(source)).replace(/\.onnx$/i, '') || 'model';
  for (let n = 1; ; n++) {
    const dest = path.join(modelsDir, n === 1 ? base : `${base}-${n}`);
    if (!fs.existsSync(dest)) return dest;
  }
}

function requireSource(p: string): void {
  if (!fs.existsSync(p)) throw new ApiError('not_found', `${p} does not exist`, [{ path: 'path', message: 'no such file or folder' }]);
}

function rowById(db: Db, id: number): ModelRow {
  return toModelRow(modelListRow(db, id)!);
}

export function modelHandlers(ctx: StudioContext): Pick<Handlers, 'model.list' | 'model.validate' | 'model.import'> {
  return {
    'model.list': () => {
      const { db } = ctx.project();
      return modelListRows(db).map(toModelRow);
    },
    'model.validate': ({ role, path: source }) => {
      requireSource(source);
      const r = validateModel(role, source);
      return { ok: r.ok, role: r.role, root: r.root, layout: r.layout, problems: r.problems, files: r.files };
    },
    'model.import': async ({ role, path: source, copy }) => {
      const { db, paths } = ctx.project();
      requireSource(source);
      try {
        // A classifier given as a file is copied as a folder holding that file, like every other role.
        const copyTo = copy ? copyDestination(paths.models, source) : undefined;
        const { record } = await importModel({ role, source, ...(copyTo ? { copyTo } : {}) });
        const stored = insertModel(db, record);
        ctx.changed('models');
        return rowById(db, stored.id);
      } catch (err) {
        if (err instanceof ModelValidationError) throw new ApiError('invalid_input', err.message, err.report.problems.map((p) => ({ path: p.file, message: p.message })));
        throw err;
      }
    },
  };
}
