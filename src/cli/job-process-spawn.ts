import { EventEmitter } from 'node:events';
import type { JobProcessHandle, SpawnJobProcess } from '../main/jobs/supervisor';

/**
 * For commands that only read or queue: no job process at all. Opening a project with pending work would
 * otherwise fork one (seconds of model loading) only to stop it when the command ends a moment later; the work
 * stays queued for whoever opens the project to run it (the studio, `synood jobs wait`).
 */
export const noJobProcess: SpawnJobProcess = () => {
  const handle = new EventEmitter() as EventEmitter & JobProcessHandle;
  Object.assign(handle, {
    pid: undefined,
    connected: false,
    send: () => undefined,
    // Stopping "it" is immediate: there is nothing to wait for.
    kill: (signal?: NodeJS.Signals) => void handle.emit('exit', null, signal ?? 'SIGTERM'),
  });
  return handle;
};
