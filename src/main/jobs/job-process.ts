/**
 * Entry of the job process: a child of the studio (utilityProcess under Electron, fork under Node) that owns all heavy
 * work, so the API never blocks. It opens the project database itself (WAL lets both processes in) and resumes any
 * job left 'running' by a crash.
 */
import { openProject } from '../project/project';
import { sweepStaleTemps } from '../files/atomic';
import { JobRunner } from './runner';
import { jobHandlers } from './registry';
import type { JobProcessMessage, SupervisorMessage } from './messages';

/** Under Electron's utilityProcess the channel is process.parentPort; under Node's fork it is process.send. */
const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (ev: { data: unknown }) => void): void } }).parentPort;

function send(m: JobProcessMessage) {
  if (parentPort) parentPort.postMessage(m);
  else process.send?.(m);
}

function onMessage(l: (m: SupervisorMessage) => void) {
  if (parentPort) parentPort.on('message', (ev) => l(ev.data as SupervisorMessage));
  else process.on('message', (m: SupervisorMessage) => l(m));
}

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('job-process: missing project folder argument');
  const project = openProject(dir);
  const p = project.paths;
  sweepStaleTemps([p.datasets, p.candidates, p.thumbs, p.runs, p.exports]);
  const runner = new JobRunner(project, jobHandlers(), send);
  let running = false;
  let again = false;
  const drain = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      await runner.runAll();
    } while (again);
    running = false;
    send({ type: 'idle' });
  };
  onMessage((m) => {
    if (m.type === 'wake') void drain();
    if (m.type === 'stop') {
      project.db.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  await drain();
}

main().catch((e) => {
  console.error(`job-process failed: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
