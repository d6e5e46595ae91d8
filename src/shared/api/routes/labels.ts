import { z } from 'zod';
import { route } from '../route';

export const NegLabel = z.object({ id: z.number().int(), word: z.string(), pos: z.enum(['noun', 'adj']), uses: z.number().int() });
export type NegLabel = z.infer<typeof NegLabel>;

export const labelRoutes = {
  'label.search': route(
    z.object({ query: z.string().max(100), limit: z.number().int().min(1).max(100).default(20) }).strict(),
    z.array(NegLabel),
    'Autocomplete over the selected negative labels: prefix matches first, then words containing the query',
  ),
  'label.summary': route(
    z.object({}).strict(),
    z.object({ selected: z.number().int(), candidates: z.number().int(), assignedToAccepted: z.number().int() }),
    'Size of the negative vocabulary and how many distinct labels the accepted candidates use (M\')',
  ),
} as const;
