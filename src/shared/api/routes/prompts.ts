import { z } from 'zod';
import { route } from '../route';
import { PageRequest, page } from '../pagination';

/** The official code's diffusion prompt: 'A photo only remain ' + answer[:73] + '.' (73 characters, not tokens). */
export const PROMPT_PREFIX = 'A photo only remain ';
export const PROMPT_ANSWER_CHARS = 73;

/** The final prompt built from context elements exactly as the official code builds it from the VLM answer. */
export function composePrompt(elements: string[]): string {
  return `${PROMPT_PREFIX}${elements.join(', ').slice(0, PROMPT_ANSWER_CHARS)}.`;
}

export const PromptAuthor = z.enum(['model', 'human']);

export const PromptVersion = z.object({
  id: z.number().int(),
  imageId: z.number().int(),
  version: z.number().int(),
  author: PromptAuthor,
  model: z.string().nullable(),
  rawAnswer: z.string().nullable(),
  elements: z.array(z.string()),
  prompt: z.string(),
  createdAt: z.number(),
});
export type PromptVersion = z.infer<typeof PromptVersion>;

export const PromptImage = z.object({
  imageId: z.number().int(),
  datasetId: z.number().int(),
  classId: z.number().int().nullable(),
  className: z.string().nullable(),
  path: z.string(),
  thumbPath: z.string().nullable(),
  current: PromptVersion.nullable(),
});
export type PromptImage = z.infer<typeof PromptImage>;

const Element = z.string().trim().min(1).max(100);

export const PromptScope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('class'), classId: z.number().int() }),
  z.object({ type: z.literal('images'), ids: z.array(z.number().int()).min(1).max(100_000) }),
]);
export type PromptScope = z.infer<typeof PromptScope>;

export const promptRoutes = {
  'prompt.images': route(
    PageRequest.extend({ datasetId: z.number().int().optional(), classId: z.number().int().optional() }).strict(),
    page(PromptImage),
    'A page of InD training images with their current prompt (keyset); without datasetId, every InD-train dataset',
  ),
  'prompt.get': route(
    z.object({ imageId: z.number().int() }).strict(),
    z.object({ image: PromptImage, filePath: z.string(), versions: z.array(PromptVersion) }),
    'One image with its full prompt history, newest first',
  ),
  'prompt.save': route(
    z.object({ imageId: z.number().int(), elements: z.array(Element).max(50), prompt: z.string().trim().min(1).max(500) }).strict(),
    PromptVersion,
    'Save an edited prompt as a new human version',
  ),
  'prompt.revert': route(
    z.object({ imageId: z.number().int(), versionId: z.number().int() }).strict(),
    PromptVersion,
    'Make an older version current again (as a new human version, so history is never rewritten)',
  ),
  'prompt.replace': route(
    z.object({ scope: PromptScope, find: z.string().min(1).max(200), replace: z.string().max(200), apply: z.boolean() }).strict(),
    z.object({ matched: z.number().int(), changed: z.number().int(), examples: z.array(z.object({ imageId: z.number().int(), before: z.string(), after: z.string() })) }),
    'Find/replace (literal, case-sensitive) in the current prompts of a class or a selection; apply=false previews',
  ),
  'prompt.describe': route(
    z.object({ imageIds: z.array(z.number().int()).min(1).max(100_000) }).strict(),
    z.object({ jobId: z.number().int() }),
    'Re-run the describer (VLM) on a selection: a describe.images job, one item per image',
  ),
} as const;
