import { z } from 'zod';
import { BIG_OUTPUT, route } from '../route';
import { PageRequest, page } from '../pagination';

/** The official code's diffusion prompt: 'A photo only remain ' + answer[:73] + '.' (73 characters, not tokens). */
export const PROMPT_PREFIX = 'A photo only remain ';
export const PROMPT_ANSWER_CHARS = 73;

/** The final prompt built from context elements exactly as the official code builds it from the VLM answer. */
export function composePrompt(elements: string[]): string {
  return `${PROMPT_PREFIX}${elements.join(', ').slice(0, PROMPT_ANSWER_CHARS)}.`;
}

/** What prompt.save accepts per element and per prompt: the describer's output is fitted to these (fitElements). */
export const ELEMENT_MAX_CHARS = 100;
export const ELEMENTS_MAX = 50;
/** Ends an element that was cut to ELEMENT_MAX_CHARS, so the cut shows wherever the element does. */
export const CUT_MARK = '…';

function cutElement(text: string, max: number): { kept: string; dropped: string } {
  // Room for the mark; a cut never splits a surrogate pair.
  let end = max - CUT_MARK.length;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  const head = text.slice(0, end);
  // At a word boundary when one is in the second half of what fits (a space right after the head counts too).
  const space = text.charAt(end) === ' ' ? end : head.lastIndexOf(' ');
  const at = space >= Math.floor(max / 2) ? space : end;
  return { kept: text.slice(0, at).trimEnd(), dropped: text.slice(at).trim() };
}

/**
 * Context elements as prompt.save accepts them: trimmed, non-empty, each at most ELEMENT_MAX_CHARS (a longer one is
 * cut at a word boundary and ends in CUT_MARK), at most ELEMENTS_MAX of them. `notes` says what was cut or dropped.
 * Idempotent: elements that already fit come back unchanged. The describe stage stores its elements through this,
 * and the prompt editor fits older stored versions the same way before an edit is saved.
 */
export function fitElements(elements: string[]): { elements: string[]; notes: string[] } {
  const notes: string[] = [];
  const out: string[] = [];
  for (const raw of elements) {
    const text = raw.trim().replace(/\s+/g, ' ');
    if (!text) continue;
    if (text.length <= ELEMENT_MAX_CHARS) {
      out.push(text);
      continue;
    }
    const { kept, dropped } = cutElement(text, ELEMENT_MAX_CHARS);
    out.push(kept + CUT_MARK);
    notes.push(`Element ${out.length} had ${text.length} characters, over the ${ELEMENT_MAX_CHARS}-character limit: cut at a word boundary (marked ${CUT_MARK}), dropping "${dropped}".`);
  }
  if (out.length > ELEMENTS_MAX) {
    const extra = out.splice(ELEMENTS_MAX);
    notes.push(`${extra.length} more element${extra.length === 1 ? '' : 's'} beyond the ${ELEMENTS_MAX}-element limit ${extra.length === 1 ? 'was' : 'were'} dropped: ${extra.join(', ')}.`);
  }
  return { elements: out, notes };
}

/**
 * Notes for stored elements that fitElements already cut (they end in CUT_MARK): which element, and the words it
 * dropped, found again in the raw answer the version keeps (the elements are its lower-cased phrases).
 */
export function trimNotes(elements: string[], rawAnswer: string | null): string[] {
  const answer = (rawAnswer ?? '').toLowerCase().replace(/\s+/g, ' ');
  const notes: string[] = [];
  elements.forEach((e, i) => {
    if (!e.endsWith(CUT_MARK) || e.length <= ELEMENT_MAX_CHARS / 2) return;
    const kept = e.slice(0, -CUT_MARK.length);
    const at = answer.indexOf(kept);
    const rest = at < 0 ? '' : (answer.slice(at + kept.length).split(/,|;|:|\band\b|&|\bas well as\b|\bwith\b/)[0] ?? '').replace(/[.!?]+\s*$/, '').trim();
    notes.push(
      `Element ${i + 1} was over the ${ELEMENT_MAX_CHARS}-character limit and was cut at a word boundary (marked ${CUT_MARK})` +
        (rest ? `, dropping "${rest}".` : '; the model answer above has its full text.'),
    );
  });
  return notes;
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

const Element = z.string().trim().min(1).max(ELEMENT_MAX_CHARS);

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
    BIG_OUTPUT,
  ),
  'prompt.get': route(
    z.object({ imageId: z.number().int() }).strict(),
    z.object({ image: PromptImage, filePath: z.string(), versions: z.array(PromptVersion) }),
    'One image with its full prompt history, newest first',
  ),
  'prompt.save': route(
    z.object({ imageId: z.number().int(), elements: z.array(Element).max(ELEMENTS_MAX), prompt: z.string().trim().min(1).max(500) }).strict(),
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
    z
      .object({
        imageIds: z.array(z.number().int()).min(1).max(100_000),
        /** The CLIP-noun describer over this noun list (a domain's own vocabulary) instead of the default describer. */
        nouns: z.array(z.string().trim().min(1).max(100)).min(1).max(200_000).optional(),
        topK: z.number().int().min(1).max(20).optional(),
        /** Given descriptions, one element list per image (same order as imageIds), stored under `source`: no model runs. */
        given: z.object({ source: z.string().trim().min(1).max(100), elements: z.array(z.array(z.string()).max(50)) }).strict().optional(),
      })
      .strict(),
    z.object({ jobId: z.number().int() }),
    'Re-run the describer on a selection (the VLM, or the CLIP-noun describer over `nouns`, or `given` descriptions labelled by their source): a describe.images job, one item per image',
  ),
} as const;
