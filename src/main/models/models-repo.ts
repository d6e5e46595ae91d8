import type { Db } from '../store/db';
import type { ModelRole } from './contract-types';
import type { ModelRecord, ModelSignature, ModelValidation } from './import';

/** A row of the `models` table with its JSON columns parsed. */
export interface StoredModel {
  id: number;
  role: ModelRole;
  path: string;
  sha256: string;
  signature: ModelSignature;
  validation: ModelValidation | null;
  provider: string | null;
  createdAt: number;
}

interface ModelRow {
  id: number;
  role: ModelRole;
  path: string;
  sha256: string;
  signature_json: string;
  validation_json: string | null;
  provider: string | null;
  created_at: number;
}

function fromRow(row: ModelRow): StoredModel {
  return {
    id: row.id,
    role: row.role,
    path: row.path,
    sha256: row.sha256,
    signature: JSON.parse(row.signature_json) as ModelSignature,
    validation: row.validation_json === null ? null : (JSON.parse(row.validation_json) as ModelValidation),
    provider: row.provider,
    createdAt: row.created_at,
  };
}

export function insertModel(db: Db, record: ModelRecord, now = Date.now()): StoredModel {
  const info = db
    .prepare('INSERT INTO models (role, path, sha256, signature_json, validation_json, provider, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(record.role, record.path, record.sha256, record.signature_json, record.validation_json, record.provider, now);
  return getModel(db, Number(info.lastInsertRowid))!;
}

export function getModel(db: Db, id: number): StoredModel | undefined {
  const row = db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
  return row && fromRow(row);
}

/** Newest first; filtered to one role when given. */
export function listModels(db: Db, role?: ModelRole): StoredModel[] {
  const rows = (
    role === undefined ? db.prepare('SELECT * FROM models ORDER BY id DESC').all() : db.prepare('SELECT * FROM models WHERE role = ? ORDER BY id DESC').all(role)
  ) as ModelRow[];
  return rows.map(fromRow);
}

/** A model already imported with the same role and content, so importing it again can reuse the row. */
export function findModelByHash(db: Db, role: ModelRole, sha256: string): StoredModel | undefined {
  const row = db.prepare('SELECT * FROM models WHERE role = ? AND sha256 = ? ORDER BY id DESC LIMIT 1').get(role, sha256) as ModelRow | undefined;
  return row && fromRow(row);
}
