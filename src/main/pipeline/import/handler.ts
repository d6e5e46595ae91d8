import fs from 'node:fs';
import path from 'node:path';
import type { JobHandler } from '../../jobs/handler';
import { datasetImportJob } from '../../../shared/jobs';
import type { Db } from '../../store/db';
import { importOne, storedRelFor, type ImportOutcome } from './import-item';
import { hasImageEntry, insertImage } from '../../store/images';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Whether an earlier item of this dataset already has this path: a list file can name one file twice. Items run
 * in order and each commits with its row, so a row found here is an earlier entry's (a re-run item has none yet).
 */
function earlierEntry(db: Db, datasetId: number, rel: string): boolean {
  return hasImageEntry(db, datasetId, storedRelFor(datasetId, rel), rel);
}

/** Implements datasetImportJob: one item per source file; a corrupt file becomes a skipped row with its reason. */
export const importHandler: JobHandler<typeof datasetImportJob.kind> = {
  kind: datasetImportJob.kind,
  async runItem(ctx, params, item) {
    const { rel } = item.payload;
    // A duplicate is skipped before anything is written: importing it again would overwrite the first entry's
    // file, and its row could never be inserted (one path per dataset), leaving its thumbnail orphaned.
    const duplicate = earlierEntry(ctx.project.db, params.datasetId, rel);
    const out: ImportOutcome = duplicate
      ? { ok: false, bytes: 0, reason: `duplicate entry: ${rel} is listed more than once; only its first entry is imported` }
      : await importOne({ src: item.payload.src, rel, root: params.root, projectRoot: ctx.project.paths.root, datasetId: params.datasetId, seq: item.seq });
    if (params.paceMs) await sleep(params.paceMs);
    return (db) => {
      try {
        insertImage(db, {
          datasetId: params.datasetId,
          classId: item.payload.classId,
          // A skipped duplicate's row needs a path of its own (one path per dataset): its entry number tells it apart.
          path: out.ok ? out.storedRel : duplicate ? `${rel} #${item.seq + 1}` : rel,
          width: out.ok ? out.width : null,
          height: out.ok ? out.height : null,
          bytes: out.bytes,
          sha256: out.ok ? out.sha256 : null,
          skipReason: out.ok ? null : out.reason,
          thumbPath: out.ok ? out.thumbRel : null,
        });
      } catch (e) {
        // The item fails without a row: the files written for it would be orphans in the project.
        if (out.ok) for (const rel of [out.storedRel, out.thumbRel]) fs.rmSync(path.join(ctx.project.paths.root, rel), { force: true });
        throw e;
      }
    };
  },
};
