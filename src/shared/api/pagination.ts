import { z } from 'zod';

/** Keyset pagination: the cursor is opaque to the renderer; never OFFSET, so page N costs the same as page 1. */
export const PageRequest = z.object({
  after: z.string().max(512).nullable().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().nullable() });
}
