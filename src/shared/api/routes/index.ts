import { appRoutes } from './app';
import { datasetRoutes } from './datasets';
import { jobRoutes } from './jobs';
import { candidateRoutes } from './candidates';
import { candidateDetailRoutes } from './candidate-detail';
import { promptRoutes } from './prompts';
import { modelRoutes } from './models';
import { labelRoutes } from './labels';
import { generateRoutes } from './generate';
import { runRoutes } from './runs';
import { evaluationRoutes } from './evaluations';
import { compareRoutes } from './compare';
import { mineLabelRoutes } from './mine-labels';
import { assignRoutes } from './assign';
import { selectRoutes } from './select';
import { exportRoutes } from './export';
import { reviewRoutes } from './review';

/** The whole contract: both transports and the CLI speak exactly these routes. */
export const routes = {
  ...appRoutes,
  ...datasetRoutes,
  ...jobRoutes,
  ...candidateRoutes,
  ...candidateDetailRoutes,
  ...promptRoutes,
  ...modelRoutes,
  ...labelRoutes,
  ...generateRoutes,
  ...runRoutes,
  ...evaluationRoutes,
  ...compareRoutes,
  ...mineLabelRoutes,
  ...assignRoutes,
  ...selectRoutes,
  ...exportRoutes,
  ...reviewRoutes,
} as const;
export type Routes = typeof routes;
export type RouteName = keyof Routes;

export * from './app';
export * from './datasets';
export * from './jobs';
export * from './candidates';
export * from './candidate-detail';
export * from './prompts';
export * from './models';
export * from './labels';
export * from './generate';
export * from './runs';
export * from './evaluations';
export * from './compare';
export * from './mine-labels';
export * from './assign';
export * from './select';
export * from './export';
export * from './review';
