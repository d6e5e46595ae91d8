import type { CompareStats } from '../../shared/api/routes/review';
import type { ParsedBundle } from '../review/foreign';

/**
 * In-memory caches that live exactly as long as one open project: created by openProject, so they belong to whoever
 * opened it (the Studio, a job process, the CLI) and go with it; two projects never share an entry, and closing a
 * project frees what it cached. The code that reads an entry also bounds the map (oldest out first).
 */
export interface ProjectMemo {
  /** compare.stats results per selection and evaluation state (review/stats.ts): reopening Compare is instant. */
  readonly compareStats: Map<string, CompareStats>;
  /** Verified foreign-run bundles by file, with the size:mtime stamp they were read at (review/foreign.ts). */
  readonly foreignBundles: Map<string, { stamp: string; parsed: ParsedBundle }>;
}

export function createProjectMemo(): ProjectMemo {
  return { compareStats: new Map(), foreignBundles: new Map() };
}
