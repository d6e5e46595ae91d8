import { z } from 'zod';
import { route } from '../route';

const Template = z
  .string()
  .min(2)
  .max(200)
  .refine((t) => t.split('{}').length === 2, { message: "a template must contain exactly one '{}'" });

/** NegLabel mining settings (SYNOOD.md §4); more than one template per part of speech = a template ensemble. */
export const MineLabelsParams = z
  .object({
    /** Fraction kept per part of speech. */
    pct: z.number().min(0).max(1).default(0.15),
    /** Quantile of each candidate's similarities to the InD classes. */
    quantile: z.number().min(0).max(1).default(0.95),
    nounTemplates: z.array(Template).min(1).max(20).default(['the nice {}']),
    adjTemplates: z.array(Template).min(1).max(20).default(['This is a {} photo']),
    /** Template of the InD class prompts the candidates are compared with. */
    classTemplate: Template.default('the nice {}'),
    /** 'first': one word per synset (NLTK synset names); 'all': every lemma. */
    lemmas: z.enum(['first', 'all']).default('first'),
    /** For demos and tests: a deterministic, evenly spread subset of this many WordNet candidates. */
    candidateLimit: z.number().int().min(1).optional(),
  })
  .strict();
export type MineLabelsParams = z.infer<typeof MineLabelsParams>;

export const mineLabelRoutes = {
  'labels.mine': route(
    MineLabelsParams,
    z.object({ jobId: z.number().int(), candidates: z.number().int(), items: z.number().int() }),
    'Queue a labels.mine job: score every WordNet candidate against the InD classes and select the negative labels',
  ),
} as const;
