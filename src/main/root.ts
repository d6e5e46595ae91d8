import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import type { ApiEvent, DataEntity } from '../shared/api/events';
import type { JobProgress } from '../shared/api/jobs';
import { ApiError } from '../shared/api/errors';
import type { Handlers } from '../shared/api';
import type { OpenProject } from './project/project';
import { forkJobProcess, JobSupervisor, type SpawnJobProcess } from './jobs/supervisor';
import { JobStore } from './store/jobs';
import type { JobProcessMessage } from './jobs/messages';
import type { StudioContext } from './services/context';
import { appHandlers } from './services/app';
import { datasetHandlers } from './services/datasets';
import { jobHandlers } from './services/jobs';
import { candidateHandlers } from './services/candidates';
import { curationHandlers } from './services/curation';
import { candidateDetailHandlers } from './services/candidate-detail';
import { promptHandlers } from './services/prompts';
import { modelHandlers } from './services/models';
import { labelHandlers } from './services/labels';
import { generateHandlers } from './services/generate';
import { runHandlers } from './services/runs';
import { evaluationHandlers } from './services/evaluations';
import { compareHandlers } from './services/compare';
import { mineLabelHandlers } from './services/mine-labels';
import { assignHandlers } from './services/assign';
import { selectHandlers } from './services/select';
import { exportHandlers } from './services/export';
import { reviewHandlers } from './services/review';
import { dispatch } from './api/dispatch';

export interface StudioOptions {
  /** Per-user folder for settings and the recent-projects list. */
  homeDir?: string;
  transport: StudioContext['transport'];
  /** How to start the job process: fork under Node, utilityProcess under Electron. */
  spawnJobProcess?: SpawnJobProcess;
}

/** The composition root: every service, the job supervisor and the event bus, with no Electron and no HTTP. */
export class Studio {
  readonly events = new EventEmitter();
  readonly handlers: Handlers;
  private current: OpenProject | null = null;
  private supervisor: JobSupervisor | null = null;
  private readonly live = new Map<number, Partial<JobProgress>>();
  private readonly ctx: StudioContext;
  private readonly spawnJobProcess: SpawnJobProcess;

  constructor(opts: StudioOptions) {
    this.spawnJobProcess = opts.spawnJobProcess ?? forkJobProcess;
    const homeDir = opts.homeDir ?? process.env.SYNOOD_HOME ?? path.join(os.homedir(), '.synood');
    this.ctx = {
      homeDir,
      transport: opts.transport,
      project: () => {
        if (!this.current) throw new ApiError('no_project', 'no project is open: create or open one first');
        return this.current;
      },
      hasProject: () => this.current !== null,
      setProject: (p) => this.switchProject(p),
      emit: (e) => this.emit(e),
      changed: (entity) => this.changed(entity),
      wakeJobs: () => this.supervisor?.wake(),
      liveProgress: (id) => this.live.get(id),
    };
    this.handlers = {
      ...appHandlers(this.ctx),
      ...datasetHandlers(this.ctx),
      ...jobHandlers(this.ctx),
      ...candidateHandlers(this.ctx),
      ...curationHandlers(this.ctx),
      ...candidateDetailHandlers(this.ctx),
      ...promptHandlers(this.ctx),
      ...modelHandlers(this.ctx),
      ...labelHandlers(this.ctx),
      ...generateHandlers(this.ctx),
      ...runHandlers(this.ctx),
      ...evaluationHandlers(this.ctx),
      ...compareHandlers(this.ctx),
      ...mineLabelHandlers(this.ctx),
      ...assignHandlers(this.ctx),
      ...selectHandlers(this.ctx),
      ...exportHandlers(this.ctx),
      ...reviewHandlers(this.ctx),
    };
  }

  call(name: string, input: unknown) {
    return dispatch(this.handlers, name, input);
  }

  onEvent(listener: (e: ApiEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  get project(): OpenProject | null {
    return this.current;
  }

  get jobProcessPid(): number | undefined {
    return this.supervisor?.pid;
  }

  private emit(e: ApiEvent) {
    this.events.emit('event', e);
  }

  private changed(entity: DataEntity) {
    this.emit({ type: 'data.changed', entity, at: Date.now() });
  }

  private switchProject(p: OpenProject) {
    void this.supervisor?.stop();
    this.current?.db.close();
    this.current = p;
    this.live.clear();
    this.supervisor = new JobSupervisor(p.paths.root, (m) => this.onJobMessage(m), this.spawnJobProcess, this.ctx.homeDir);
    // Resume whatever a previous session left running or queued.
    if (new JobStore(p.db).hasRunnable()) this.supervisor.wake();
  }

  private onJobMessage(m: JobProcessMessage) {
    const at = Date.now();
    switch (m.type) {
      case 'progress':
        this.live.set(m.jobId, m.progress);
        this.emit({ type: 'job.progress', jobId: m.jobId, progress: m.progress, at });
        break;
      case 'state':
        if (m.state.status !== 'running') this.live.delete(m.jobId);
        this.emit({ type: 'job.state', jobId: m.jobId, state: m.state, at });
        if (m.state.status === 'completed') this.changed('datasets');
        break;
      case 'data':
        this.changed(m.entity);
        break;
      case 'idle':
        break;
    }
  }

  async close(): Promise<void> {
    await this.supervisor?.stop();
    this.supervisor = null;
    this.current?.db.close();
    this.current = null;
  }
}
