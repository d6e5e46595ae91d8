import type { ApiEvent, DataEntity } from '../../shared/api/events';
import type { JobProgress } from '../../shared/api/jobs';
import type { OpenProject } from '../project/project';

/** What every service gets from the composition root. No Electron, no HTTP: transports live elsewhere. */
export interface StudioContext {
  /** The open project; throws a typed 'no_project' error when none is open. */
  project(): OpenProject;
  hasProject(): boolean;
  setProject(p: OpenProject): void;
  emit(event: ApiEvent): void;
  changed(entity: DataEntity): void;
  /** Tells the job process there is work. */
  wakeJobs(): void;
  /** The latest rate/ETA/current item the job process reported for a job, if running. */
  liveProgress(jobId: number): Partial<JobProgress> | undefined;
  homeDir: string;
  transport: 'electron' | 'browser' | 'direct';
}
