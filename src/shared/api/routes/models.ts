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

export const modelRoutes = {
  'model.list': route(z.object({}).strict(), z.array(ModelRow), 'Registered models, newest first per role'),
} as const;
