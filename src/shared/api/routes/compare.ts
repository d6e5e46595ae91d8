import { z } from 'zod';
import { route } from '../route';
import { Run } from './runs';
import { EvaluationRow, MetricsSummary } from './evaluations';

export const ComparedRun = z.object({
  run: Run,
  config: z.record(z.string(), z.unknown()),
  data: z.record(z.string(), z.unknown()),
  evaluations: z.array(EvaluationRow),
  average: MetricsSummary.nullable(),
});
export type ComparedRun = z.infer<typeof ComparedRun>;

export const ConfigDiffRow = z.object({ key: z.string(), values: z.array(z.string().nullable()), differs: z.boolean() });
export type ConfigDiffRow = z.infer<typeof ConfigDiffRow>;

const Selection = { runIds: z.array(z.number().int()).min(1).max(12) };

export const compareRoutes = {
  'compare.runs': route(
    z.object(Selection).strict(),
    z.object({ runs: z.array(ComparedRun), oodSets: z.array(z.string()), configDiff: z.array(ConfigDiffRow) }),
    'Runs side by side: metrics per OOD set, config (flattened, with what differs) and training data',
  ),
  'compare.export': route(
    z.object({ ...Selection, format: z.enum(['markdown', 'latex']) }).strict(),
    z.object({ text: z.string(), file: z.string() }),
    'The comparison as a table in the paper\'s layout (per OOD set AUROC↑/FPR95↓ plus average), also saved under exports/',
  ),
} as const;
