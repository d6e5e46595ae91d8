import path from 'node:path';
import type { RouteInput, RouteName, RouteOutput } from '../../shared/api';
import { BACKGROUNDS, ELEMENTS } from './catalogue';
import { DISTRACTOR_WORDS } from './vocabulary';
import type { ManifestEntry, SplitManifest } from './write-split';

/**
 * The two describers the world offers a project, both run through the describe route (`prompt.describe`), so the
 * world never reaches into the pipeline:
 *  - 'clip-noun': the pipeline's CLIP-noun describer on the project's CLIP (the world's tiny CLIP, see
 *    clip/pipeline-folder.ts) over WORLD_DESCRIBER_NOUNS instead of WordNet;
 *  - 'oracle': no model; each image's ground-truth elements and background (from the split manifest) become its
 *    description, stored under the source ORACLE_SOURCE so it is never mistaken for a model's answer.
 */
export type WorldDescriber = 'clip-noun' | 'oracle';

/** The label of oracle prompts: prompt_versions.model is `given:oracle (ground truth)`. */
export const ORACLE_SOURCE = 'oracle (ground truth)';

/** The noun distractors of the negative vocabulary (its adjectives describe no context element). */
const NOUN_DISTRACTORS = DISTRACTOR_WORDS.filter((w) => !['shiny', 'wooden', 'metallic', 'fuzzy', 'tiny', 'huge'].includes(w));

/**
 * The CLIP-noun describer's vocabulary in the world: the element and background nouns that context can be, plus
 * everyday nouns the world never draws (so a describer that says them is measurably wrong). No shape word: the
 * object is the class, which a context description must leave out.
 */
export const WORLD_DESCRIBER_NOUNS: readonly string[] = [...ELEMENTS, ...BACKGROUNDS, ...NOUN_DISTRACTORS];

/** What an image's context truly is: its elements, then its background. */
export function oracleElements(truth: Pick<ManifestEntry, 'elements' | 'background'>): string[] {
  return [...truth.elements, ...(truth.background ? [truth.background] : [])];
}

/** The studio's route call, as Studio.call unwrapped (run-demo's `call`). */
export type RouteCall = <K extends RouteName>(route: K, input: RouteInput<K>) => Promise<RouteOutput<K>>;

export interface DescribeWorldOptions {
  describer: WorldDescriber;
  imageIds: number[];
  /** The manifests of the splits the project imported (oracle only): an image is matched by its file name. */
  manifests?: SplitManifest[];
  /** Nouns per image for 'clip-noun' (the describer's default, 4, otherwise). */
  topK?: number;
}

/** Queues the describe job for a project's selected world images; returns its id (wait on it with job.get). */
export async function describeWorldImages(call: RouteCall, o: DescribeWorldOptions): Promise<number> {
  if (o.describer === 'clip-noun') {
    return (await call('prompt.describe', { imageIds: o.imageIds, nouns: [...WORLD_DESCRIBER_NOUNS], ...(o.topK ? { topK: o.topK } : {}) })).jobId;
  }
  const byFile = new Map<string, ManifestEntry>();
  for (const m of o.manifests ?? []) for (const e of m.images) byFile.set(e.file, e);
  const elements: string[][] = [];
  for (const imageId of o.imageIds) {
    const { image } = await call('prompt.get', { imageId });
    const entry = byFile.get(path.posix.basename(image.path));
    if (!entry) throw new Error(`oracle describer: image ${imageId} (${image.path}) is in none of the given world manifests`);
    elements.push(oracleElements(entry));
  }
  return (await call('prompt.describe', { imageIds: o.imageIds, given: { source: ORACLE_SOURCE, elements } })).jobId;
}
