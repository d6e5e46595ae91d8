import { z } from 'zod';
import { GenerateSettings } from '../api/routes/generate';
import { defineJob, NoItemResult } from './contract';

/** 'generate.candidates' (docs/METHOD.md §3): the settings once, one item per (source image, seed). */
export const generateCandidatesJob = defineJob({
  kind: 'generate.candidates',
  params: z.object({ settings: GenerateSettings }),
  payload: z.object({
    imageId: z.number().int(),
    seed: z.number().int(),
    /** Pinned when queued; null when the image had no prompt yet (the item then reads the image's prompt when it runs). */
    promptVersionId: z.number().int().nullable(),
  }),
  result: NoItemResult,
  touches: 'candidates',
  refreshes: ['candidates'],
  explainStaleParams(raw) {
    const settings = raw && typeof raw === 'object' ? (raw as { settings?: unknown }).settings : undefined;
    const objective = settings && typeof settings === 'object' ? (settings as { objective?: unknown }).objective : undefined;
    if (objective !== 'energy-eq7-literal') return null;
    return "this job was queued by an older version with objective 'energy-eq7-literal' (eq. 7 read literally), which pushed images toward InD and was removed; queue a new generation (objective 'energy' is now the energy hinge, docs/METHOD.md §3)";
  },
});
