import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { JobStore } from '../store/jobs';
import { assignItems, labelsAssignJob } from '../../shared/jobs';
import { findModel } from '../pipeline/model-roles';
import { countSelectedLabels } from '../store/neg-labels';
import type { StudioContext } from './context';
import { candidateIdsInScope } from '../store/candidates';

export function assignHandlers(ctx: StudioContext): Pick<Handlers, 'labels.assign'> {
  return {
    'labels.assign': (params) => {
      const { db } = ctx.project();
      if (!findModel(db, 'clip')) throw new ApiError('invalid_input', 'no CLIP model is registered: import one under Models (role: clip) first', [{ path: 'model', message: 'no clip model' }]);
      const selected = countSelectedLabels(db);
      if (selected === 0) throw new ApiError('invalid_input', 'no negative labels are selected yet: mine them first (labels.mine)', [{ path: 'labels', message: 'none selected' }]);
      const ids = candidateIdsInScope(db, params.scope);
      if (ids.length === 0) {
        const why = { accepted: 'no accepted candidates to label: accept some in Curate first', all: 'no candidates to label: generate some first', unlabelled: 'every candidate already has a label' }[params.scope];
        throw new ApiError('invalid_input', why, [{ path: 'scope', message: 'empty' }]);
      }
      const items = assignItems(ids);
      const which = { accepted: 'accepted ', all: '', unlabelled: 'unlabelled ' }[params.scope];
      const jobId = new JobStore(db).enqueue(labelsAssignJob.kind, `Assign negative labels to ${ids.length} ${which}candidate${ids.length === 1 ? '' : 's'}`, params, items);
      ctx.wakeJobs();
      return { jobId, candidates: ids.length, items: items.length };
    },
  };
}
