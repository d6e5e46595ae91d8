import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { JobStore } from '../jobs/job-store';
import { miningCandidateCount } from '../pipeline/mine-labels/candidate-words';
import { MINE_LABELS_JOB_KIND, mineItems } from '../pipeline/mine-labels/job';
import { findModel } from '../pipeline/model-roles';
import type { StudioContext } from './context';

export function mineLabelHandlers(ctx: StudioContext): Pick<Handlers, 'labels.mine'> {
  return {
    'labels.mine': (params) => {
      const { db } = ctx.project();
      if (!findModel(db, 'clip')) throw new ApiError('invalid_input', 'no CLIP model is registered: import one under Models (role: clip) first', [{ path: 'model', message: 'no clip model' }]);
      const classes = db.prepare("SELECT count(*) FROM classes WHERE dataset_id IN (SELECT id FROM datasets WHERE kind = 'ind-train')").pluck().get() as number;
      if (classes === 0) throw new ApiError('invalid_input', 'no InD classes to mine against: import an InD-train dataset with class folders first', [{ path: 'classes', message: 'none' }]);
      const candidates = miningCandidateCount({ lemmas: params.lemmas, limit: params.candidateLimit });
      const items = mineItems(candidates);
      const title = `Mine negative labels: ${candidates.toLocaleString('en-US')} WordNet candidates, keep ${Math.round(params.pct * 1000) / 10}% per part of speech`;
      const jobId = new JobStore(db).create(MINE_LABELS_JOB_KIND, title, params, items);
      ctx.wakeJobs();
      return { jobId, candidates, items: items.length };
    },
  };
}
