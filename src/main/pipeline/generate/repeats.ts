import { GenerateSettings } from '../../../shared/api/routes/generate';
import { ItemError } from '../../jobs/handler';
import type { Db } from '../../store/db';
import { parseJson } from '../../services/json';
import { sameSeedCandidates } from '../../store/candidates';

/**
 * The settings that decide what a candidate looks like: all of GenerateSettings but the first seed, the count
 * per image (each item has its own seed; perImage only says how many items there are) and whether the unguided
 * image is kept beside it (a file more, the same candidate).
 */
const NOT_GENERATION = new Set(['seed', 'perImage', 'saveUnguided']);
const GENERATION_KEYS = Object.keys(GenerateSettings.parse({})).filter((k) => !NOT_GENERATION.has(k));

/** Whether recorded settings (a candidate's config_json, a job's params) generate what `settings` would. */
export function sameGeneration(recorded: unknown, settings: GenerateSettings): boolean {
  if (!recorded || typeof recorded !== 'object') return false;
  const r = recorded as Record<string, unknown>;
  const s = settings as unknown as Record<string, unknown>;
  // A candidate made before a setting existed did not record it: it is not known to be the same, so not a repeat.
  return GENERATION_KEYS.every((k) => k in r && JSON.stringify(r[k]) === JSON.stringify(s[k]));
}

export interface Repeat {
  candidateId: number;
  jobId: number | null;
}

/**
 * A candidate already made from this source image with this seed, these settings and this prompt text, if any:
 * generating it again would write the same picture a second time (docs/METHOD.md §3, "Repeats").
 */
export function findRepeat(db: Db, settings: GenerateSettings, item: { imageId: number; seed: number }, prompt: string | null): Repeat | null {
  if (prompt === null) return null;
  // The store keeps the statement prepared per connection: a preview of a large subset asks once per item.
  const rows = sameSeedCandidates(db, item.imageId, item.seed, settings.objective);
  for (const r of rows) {
    const config = parseJson<Record<string, unknown> | null>(r.config_json, null);
    if (config && config.prompt === prompt && sameGeneration(config, settings)) return { candidateId: r.id, jobId: r.job_id };
  }
  return null;
}

/**
 * The run-time half of the rule generate.start applies when queueing: an item (a retry of an older job's failed
 * item, say) whose candidate another job has made since fails with the reason instead of making it twice.
 */
export function refuseRepeat(db: Db, settings: GenerateSettings, item: { imageId: number; seed: number }, prompt: string): void {
  const r = findRepeat(db, settings, item, prompt);
  if (r) throw new ItemError(`skipped: candidate #${r.candidateId}${r.jobId !== null ? ` (job ${r.jobId})` : ''} was already made from this image with seed ${item.seed}, the same settings and prompt`);
}
