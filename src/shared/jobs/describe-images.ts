import { z } from 'zod';
import { defineJob, NoItemResult } from './contract';

/**
 * The describe job's choices, all optional (a job queued with `{}` runs the default describer: the VLM if one is
 * registered, else the CLIP-noun describer over WordNet's nouns).
 *  - nouns: run the CLIP-noun describer over this vocabulary instead (a domain's own noun list), even if a VLM is
 *    registered; topK: how many nouns describe an image.
 *  - givenSource: no model runs; each item's `given` elements are written as its description, and the version is
 *    labelled with this source (e.g. "oracle (ground truth)"), so a prompt never passes for a model's answer.
 */
export const DescribeParams = z
  .object({
    nouns: z.array(z.string().trim().min(1).max(100)).min(1).max(200_000).optional(),
    topK: z.number().int().min(1).max(20).optional(),
    givenSource: z.string().trim().min(1).max(100).optional(),
  })
  .refine((p) => !(p.nouns && p.givenSource), { message: 'nouns (CLIP-noun describer) and givenSource (given descriptions) exclude each other' });
export type DescribeParams = z.infer<typeof DescribeParams>;

/** 'describe.images': one item per InD image; each appends a prompt version. */
export const describeImagesJob = defineJob({
  kind: 'describe.images',
  params: DescribeParams,
  payload: z.object({ imageId: z.number().int(), given: z.array(z.string()).max(50).optional() }),
  result: NoItemResult,
  touches: 'prompts',
  refreshes: ['prompts'],
});
