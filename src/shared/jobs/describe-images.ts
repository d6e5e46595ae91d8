import { z } from 'zod';
import { defineJob, NoItemResult } from './contract';

/** 'describe.images': no parameters, one item per InD image; each appends a prompt version. */
export const describeImagesJob = defineJob({
  kind: 'describe.images',
  params: z.object({}),
  payload: z.object({ imageId: z.number().int() }),
  result: NoItemResult,
  touches: 'prompts',
  refreshes: ['prompts'],
});
