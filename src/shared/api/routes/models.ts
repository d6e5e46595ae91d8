import { z } from 'zod';
import { route } from '../route';

export const ModelRole = z.enum(['clip', 'classifier', 'inpainting', 'vlm']);
export type ModelRole = z.infer<typeof ModelRole>;

export const ModelRow = z.object({
  id: z.number().int(),
  role: ModelRole,
  path: z.string(),
  sha256: z.string(),
  /** ok=null when the validation record has no verdict the studio can read. */
  validation: z.object({ ok: z.boolean().nullable(), summary: z.string() }).nullable(),
  provider: z.string().nullable(),
  createdAt: z.number(),
});
export type ModelRow = z.infer<typeof ModelRow>;

export const ModelProblem = z.object({
  code: z.string(),
  /** Relative to the model folder. */
  file: z.string(),
  subject: z.string().optional(),
  expected: z.string().optional(),
  found: z.string().optional(),
  message: z.string(),
});
export type ModelProblem = z.infer<typeof ModelProblem>;

export const ModelValidation = z.object({
  ok: z.boolean(),
  role: ModelRole,
  /** The model folder (a classifier given as one file: that file's folder). */
  root: z.string(),
  layout: z.string(),
  problems: z.array(ModelProblem),
  /** Every file the role uses, relative to root. */
  files: z.array(z.string()),
});
export type ModelValidation = z.infer<typeof ModelValidation>;

const ModelSource = {
  role: ModelRole,
  path: z.string().min(1).max(4096).describe('absolute path of the model folder (or a classifier .onnx file)'),
};

export const modelRoutes = {
  'model.list': route(z.object({}).strict(), z.array(ModelRow), 'Registered models, newest first per role'),
  'model.validate': route(
    z.object(ModelSource).strict(),
    ModelValidation,
    "Check a model folder against its role's contract (files, ONNX inputs/outputs, external data) without loading it",
  ),
  'model.import': route(
    z.object({ ...ModelSource, copy: z.boolean().default(false) }).strict(),
    ModelRow,
    "Validate, hash and register a model for its role (it becomes the role's current model); copy=true copies it under the project's models/ first",
  ),
} as const;
