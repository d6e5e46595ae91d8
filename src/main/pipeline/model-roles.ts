import type { Db } from '../store/db';
import { newestModelOfRole } from '../store/models';
import { ItemError } from '../jobs/handler';

export type ModelRole = 'clip' | 'classifier' | 'inpainting' | 'vlm';

export interface RegisteredModel {
  id: number;
  role: ModelRole;
  /** Absolute folder (clip, inpainting, vlm) or file (classifier). */
  path: string;
  sha256: string;
}

/** The newest registered model of a role, or undefined. */
export function findModel(db: Db, role: ModelRole): RegisteredModel | undefined {
  return newestModelOfRole(db, role);
}

/** Like findModel, but a missing model stops the job before any item runs, saying what to import. */
export function requireModel(db: Db, role: ModelRole): RegisteredModel {
  const m = findModel(db, role);
  if (!m) throw new ItemError(`no ${role} model is registered in this project: import one first (Models page, or \`synood models import --role ${role} DIR\`)`);
  return m;
}
