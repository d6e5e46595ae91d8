import { z } from 'zod';
import { route } from '../route';

const Template = z
  .string()
  .min(2)
  .max(200)
  .refine((t) => t.split('{}').length === 2, { message: "a template must contain exactly one '{}'" });

/**
 * Where the candidate words come from (docs/METHOD.md §4).
 * - 'wordnet': WordNet nouns and adjectives, NegLabel's corpus (the default).
 * - 'file': a word list (UTF-8, one label per line, optionally a tab and `noun` or `adj`; plain lines are nouns).
 *   mode 'pool' mines it exactly like WordNet (score, sort per part of speech, keep pct); mode 'fixed' uses it
 *   as-is as the negative labels, in the file's order, with no mining (e.g. NegLabel's published 10k ImageNet list).
 *   `path` must be absolute: the API process's working folder means nothing to the person who typed it.
 */
export const LabelPool = z.discriminatedUnion('type', [
  z.object({ type: z.literal('wordnet') }).strict(),
  z
    .object({
      type: z.literal('file'),
      path: z.string().min(1).max(4096),
      mode: z.enum(['pool', 'fixed']).default('pool'),
    })
    .strict(),
]);
export type LabelPool = z.infer<typeof LabelPool>;

/** NegLabel mining settings (docs/METHOD.md §4); more than one template per part of speech = a template ensemble. */
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
    /** 'first': one word per synset (NLTK synset names); 'all': every lemma. WordNet pool only. */
    lemmas: z.enum(['first', 'all']).default('first'),
    /** For demos and tests: a deterministic, evenly spread subset of this many WordNet candidates. WordNet pool only. */
    candidateLimit: z.number().int().min(1).optional(),
    /** The candidate words: WordNet (default) or a word-list file used as the pool or as a fixed selection. */
    pool: LabelPool.default({ type: 'wordnet' }),
    /**
     * Drop WordNet candidates equal to an InD class name before selecting. Off by default: NegLabel's code keeps
     * them (docs/METHOD.md §4). A word list never needs it: a list naming an InD class is refused outright.
     */
    excludeInDClassNames: z.boolean().default(false),
  })
  .strict();
export type MineLabelsParams = z.infer<typeof MineLabelsParams>;

/** What the API recorded about a word list when it queued the job; the job refuses a file that changed since. */
export const WordListRecord = z.object({
  sha256: z.string(),
  labels: z.number().int(),
  nouns: z.number().int(),
  adjectives: z.number().int(),
});
export type WordListRecord = z.infer<typeof WordListRecord>;

/** How the current negative-label set was made: the mining job that last selected labels, with its options. */
export const MinedLabelSet = z.object({
  jobId: z.number().int(),
  /** When its selection was committed (ms since epoch). */
  at: z.number().int().nullable(),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('wordnet'), lemmas: z.enum(['first', 'all']), candidateLimit: z.number().int().nullable() }),
    z.object({ type: z.literal('file'), path: z.string(), mode: z.enum(['pool', 'fixed']), sha256: z.string().nullable(), labels: z.number().int().nullable() }),
  ]),
  excludeInDClassNames: z.boolean(),
  pct: z.number(),
  quantile: z.number(),
  nounTemplates: z.array(z.string()),
  adjTemplates: z.array(z.string()),
  classTemplate: z.string(),
  /** Labels selected now, per part of speech. */
  selected: z.object({ noun: z.number().int(), adj: z.number().int() }),
});
export type MinedLabelSet = z.infer<typeof MinedLabelSet>;

export const mineLabelRoutes = {
  'labels.mine': route(
    MineLabelsParams,
    z.object({ jobId: z.number().int(), candidates: z.number().int(), items: z.number().int() }),
    'Queue a labels.mine job: score every candidate (WordNet or a word list) against the InD classes and select the negative labels, or take a word list as the negative labels',
  ),
  'labels.mining': route(
    z.object({}).strict(),
    MinedLabelSet.nullable(),
    'How the selected negative labels were made: the last labels.mine job that selected them and its recorded options (null before any)',
  ),
} as const;
