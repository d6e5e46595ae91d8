import type { ModelRole } from '../models/contract-types';
import type { ModelRecord, ModelSignature, ModelValidation } from '../models/import';
import type { Db } from './db';
import { pluckStmt, stmt } from './statement-cache';

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

/** What the Models page lists: the row without its signature, validation still as written. */
export interface ModelListRow {
  id: number;
  role: ModelRole;
  path: string;
  sha256: string;
  validation_json: string | null;
  provider: string | null;
  created_at: number;
}

/** The columns a pipeline stage needs to load a registered model. */
export interface RegisteredModelRow {
  id: number;
  role: ModelRole;
  /** Absolute folder (clip, inpainting, vlm) or file (classifier). */
  path: string;
  sha256: string;
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

/** Registers a model; answers its id. */
export function insertModelRow(db: Db, record: ModelRecord, now = Date.now()): number {
  const info = stmt(db, 'INSERT INTO models (role, path, sha256, signature_json, validation_json, provider, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    record.role,
    record.path,
    record.sha256,
    record.signature_json,
    record.validation_json,
    record.provider,
    now,
  );
  return Number(info.lastInsertRowid);
}

export function insertModel(db: Db, record: ModelRecord, now = Date.now()): StoredModel {
  return getModel(db, insertModelRow(db, record, now))!;
}

export function getModel(db: Db, id: number): StoredModel | undefined {
  const row = stmt(db, 'SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
  return row && fromRow(row);
}

/** Newest first; filtered to one role when given. */
export function listModels(db: Db, role?: ModelRole): StoredModel[] {
  const rows = (role === undefined ? stmt(db, 'SELECT * FROM models ORDER BY id DESC').all() : stmt(db, 'SELECT * FROM models WHERE role = ? ORDER BY id DESC').all(role)) as ModelRow[];
  return rows.map(fromRow);
}

/** A model already imported with the same role and content, so importing it again can reuse the row. */
export function findModelByHash(db: Db, role: ModelRole, sha256: string): StoredModel | undefined {
  const row = stmt(db, 'SELECT * FROM models WHERE role = ? AND sha256 = ? ORDER BY id DESC LIMIT 1').get(role, sha256) as ModelRow | undefined;
  return row && fromRow(row);
}

const LIST_COLUMNS = 'id, role, path, sha256, validation_json, provider, created_at';

/** Every model grouped by role, newest first within a role. */
export function modelListRows(db: Db): ModelListRow[] {
  return stmt(db, `SELECT ${LIST_COLUMNS} FROM models ORDER BY role, id DESC`).all() as ModelListRow[];
}

export function modelListRow(db: Db, id: number): ModelListRow | undefined {
  return stmt(db, `SELECT ${LIST_COLUMNS} FROM models WHERE id = ?`).get(id) as ModelListRow | undefined;
}

/** The newest registered model of a role, or undefined. */
export function newestModelOfRole(db: Db, role: ModelRole): RegisteredModelRow | undefined {
  return stmt(db, 'SELECT id, role, path, sha256 FROM models WHERE role = ? ORDER BY id DESC LIMIT 1').get(role) as RegisteredModelRow | undefined;
}

/** The execution provider chosen at import (null when none was); undefined when no such model exists. */
export function modelProvider(db: Db, id: number): string | null | undefined {
  return pluckStmt(db, 'SELECT provider FROM models WHERE id = ?').get(id) as string | null | undefined;
}

/** Every model's role, hash and path, by role then age: what a run bundle records of the models it was made with. */
export function modelHashes(db: Db): { role: string; sha256: string; path: string }[] {
  return stmt(db, 'SELECT role, sha256, path FROM models ORDER BY role, id').all() as { role: string; sha256: string; path: string }[];
}
