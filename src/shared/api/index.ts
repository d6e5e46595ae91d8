import type { z } from 'zod';
import type { Routes, RouteName } from './routes';
import type { ApiEvent } from './events';

export * from './errors';
export * from './events';
export * from './jobs';
export * from './pagination';
export * from './route';
export * from './routes';
export * from './route-output';

export type RouteInput<K extends RouteName> = z.input<Routes[K]['input']>;
export type RouteParsedInput<K extends RouteName> = z.output<Routes[K]['input']>;
export type RouteOutput<K extends RouteName> = z.output<Routes[K]['output']>;

/** What the renderer holds: it cannot tell which transport is behind it. */
export interface StudioApi {
  call<K extends RouteName>(name: K, input: RouteInput<K>): Promise<RouteOutput<K>>;
  /** Subscribe to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** URL under which the renderer may load a project file (thumbnails, images). */
  fileUrl(projectRelativePath: string): string;
}

/** What the main side implements, once: an exhaustive map, so a route without a handler fails typecheck. */
export type Handlers = { [K in RouteName]: (input: RouteParsedInput<K>) => Promise<RouteOutput<K>> | RouteOutput<K> };
export * from '../guidance';
