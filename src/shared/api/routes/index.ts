import { appRoutes } from './app';
import { datasetRoutes } from './datasets';
import { jobRoutes } from './jobs';
import { candidateRoutes } from './candidates';

/** The whole contract: both transports and the CLI speak exactly these routes. */
export const routes = { ...appRoutes, ...datasetRoutes, ...jobRoutes, ...candidateRoutes } as const;
export type Routes = typeof routes;
export type RouteName = keyof Routes;

export * from './app';
export * from './datasets';
export * from './jobs';
export * from './candidates';
