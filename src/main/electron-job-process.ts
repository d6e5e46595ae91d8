import { utilityProcess } from 'electron';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import type { JobProcessHandle, SpawnJobProcess } from './jobs/supervisor';
import type { SupervisorMessage } from './jobs/messages';

/**
 * Adapts Electron's utilityProcess to the supervisor's JobProcessHandle. The entry is electron-job-entry.js, which
 * loads the Electron build of better-sqlite3 the main process chose (its path travels in the environment) before the
 * job process proper.
 */
export const spawnUtilityJobProcess: SpawnJobProcess = (projectDir, homeDir) => {
  const child = utilityProcess.fork(path.join(__dirname, 'electron-job-entry.js'), homeDir ? [projectDir, homeDir] : [projectDir], { serviceName: 'SynOOD jobs', stdio: 'inherit', env: { ...process.env } });
  const events = new EventEmitter();
  let alive = true;
  // Passed on unchecked: the supervisor parses every message.
  child.on('message', (m: unknown) => events.emit('message', m));
  child.on('exit', (code) => {
    alive = false;
    events.emit('exit', code, null);
  });
  const handle: JobProcessHandle = {
    get pid() {
      return child.pid;
    },
    get connected() {
      return alive;
    },
    send: (m: SupervisorMessage) => child.postMessage(m),
    on: (event: string, l: (...args: never[]) => void) => void events.on(event, l as (...args: unknown[]) => void),
    once: (event: string, l: () => void) => void events.once(event, l),
    kill: () => void child.kill(),
  };
  return handle;
};
