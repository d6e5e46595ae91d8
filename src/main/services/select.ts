import type { Handlers } from '../../shared/api';
import { selectSubset } from '../pipeline/select/select-subset';
import type { StudioContext } from './context';

export function selectHandlers(ctx: StudioContext): Pick<Handlers, 'subset.select'> {
  return {
    'subset.select': ({ datasetId, k }) => {
      const out = selectSubset(ctx.project().db, { datasetId, k });
      ctx.changed('images');
      return out;
    },
  };
}
