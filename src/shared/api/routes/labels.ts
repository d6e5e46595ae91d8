import { z } from 'zod';
import { route } from '../route';

export const NegLabel = z.object({
  id: z.number().int(),
  word: z.string(),
  pos: z.enum(['noun', 'adj']),
  uses: z.number().int(),
  /** In the selected vocabulary (what assignment and the NegLabel score use); a curator may still pick any mined word. */
  selected: z.boolean().optional(),
});
export type NegLabel = z.infer<typeof NegLabel>;

export const labelRoutes = {
  'label.search': route(
    z
      .object({
        query: z.string().max(100),
        limit: z.number().int().min(1).max(100).default(20),
        /** 'selected': the selected vocabulary only; 'all': every mined word, the selected ones first (relabelling). */
        scope: z.enum(['selected', 'all']).default('selected'),
      })
      .strict(),
    z.array(NegLabel),
    'Autocomplete over the negative labels: prefix matches first, then words containing the query (selected words before the others with scope all)',
  ),
  'label.summary': route(
    z.object({}).strict(),
    z.object({
      selected: z.number().int(),
      candidates: z.number().int(),
      assignedToAccepted: z.number().int(),
      /** Candidates with no negative label yet (made after the last assignment): they await labels.assign. */
      unlabelledCandidates: z.number().int(),
    }),
    'Size of the negative vocabulary, how many distinct labels the accepted candidates use (M\'), and how many candidates await a label',
  ),
} as const;
