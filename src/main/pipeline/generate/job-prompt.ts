import { ItemError } from '../../jobs/handler';
import type { Db } from '../../store/db';
import { countSelectedLabels, selectedWordAt } from '../../store/neg-labels';
import type { Objective } from './guidance/objectives';
import { currentPrompt, pinnedPrompt } from '../../store/prompts';

export interface CandidatePrompt {
  text: string;
  /** The context-prompt version used; null for neg-text2img, whose prompt comes from a negative label. */
  promptVersionId: number | null;
}

/** The "Neg Image" baseline's prompt: the label is what the image should show, with no source to repaint. */
export const NEG_IMAGE_TEMPLATE = 'A photo of a {}.';

/**
 * The diffusion prompt of one item. Context objectives use the version pinned when the job was queued (later
 * edits do not change a queued item). An item queued while its image had no prompt pinned nothing: it reads the
 * image's current version each time it runs, so describing the image and retrying the failed item uses the new
 * prompt (the candidate records which version that was). neg-text2img draws a selected negative label, fixed by
 * (image, seed) so a redone item asks for the same one.
 */
export function candidatePrompt(db: Db, objective: Objective, item: { imageId: number; seed: number; promptVersionId: number | null }): CandidatePrompt {
  if (objective === 'neg-text2img') {
    const n = countSelectedLabels(db);
    if (n === 0) throw new ItemError('neg-text2img needs selected negative labels: mine them first');
    const pick = (item.imageId * 7919 + item.seed) % n;
    const word = selectedWordAt(db, pick)!;
    return { text: NEG_IMAGE_TEMPLATE.replace('{}', word), promptVersionId: null };
  }
  const row =
    item.promptVersionId === null
      ? currentPrompt(db, item.imageId)
      : pinnedPrompt(db, item.promptVersionId, item.imageId);
  if (!row) throw new ItemError('no context prompt; run Describe first');
  return { text: row.prompt, promptVersionId: row.id };
}
