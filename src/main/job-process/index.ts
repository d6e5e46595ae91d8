/**
 * Entry of the job process: a child of the studio (utilityProcess under Electron, fork under Node) that owns all heavy
 * work, so the API never blocks. It opens the project database itself (WAL lets both processes in) and resumes any
 * job left 'running' by a crash, unless another live job process runs it (lease.ts): then it checks back every
 * heartbeat and takes the job over if that process dies.
 */
import { openProject } from '../project/project';
import { sweepStaleTemps } from '../files/atomic';
import { JobRunner } from '../jobs/runner';
import { HEARTBEAT_MS, newLeaseOwner } from '../jobs/lease';
import { SupervisorMessage, type JobProcessMessage } from '../jobs/messages';
import { jobHandlers } from './registry';
import { TextFeatureCacheDb, textFeatureCachePath } from '../store/text-feature-cache';

/**
 * The Studio's per-user text-feature cache under its home folder (argv[3]), shared by every job of every project.
 * A cache that cannot be opened (a read-only home) costs time, not results: jobs then compute their text features.
 */
function openTextFeatureCache(homeDir: string | undefined): TextFeatureCacheDb | undefined {
  if (!homeDir) return undefined;
  try {
    return TextFeatureCacheDb.open(textFeatureCachePath(homeDir));
  } catch (e) {
    console.error(`job-process: text-feature cache under ${homeDir} not opened, text features are computed per job: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** Under Electron's utilityProcess the channel is process.parentPort; under Node's fork it is process.send. */
const parentPort = (process as unknown as { parentPort?: { postMessage(m: JobProcessMessage): void; on(e: 'message', l: (ev: { data: unknown }) => void): void } }).parentPort;

function send(m: JobProcessMessage) {
  if (parentPort) parentPort.postMessage(m);
  else process.send?.(m);
}

/** What arrives over the channel is checked: a message this version does not know is ignored, not acted on. */
function onMessage(l: (m: SupervisorMessage) => void) {
  const receive = (raw: unknown) => {
    const m = SupervisorMessage.safeParse(raw);
    if (m.success) l(m.data);
  };
  if (parentPort) parentPort.on('message', (ev) => receive(ev.data));
  else process.on('message', receive);
}

/**
 * Dies with a reason: the supervisor keeps the last one, and when it gives up on a job that kills its process every
 * time (a full disk), that reason is what the job's error says. The exit waits for the message to leave.
 */
function die(e: unknown): void {
  console.error(`job-process failed: ${e instanceof Error ? e.stack : String(e)}`);
  const exit = () => process.exit(1);
  const m: JobProcessMessage = { type: 'fatal', error: e instanceof Error ? e.message : String(e) };
  setTimeout(exit, 1000).unref();
  try {
    if (parentPort) {
      parentPort.postMessage(m);
      setTimeout(exit, 50);
    } else if (process.send && process.connected) process.send(m, undefined, {}, exit);
    else exit();
  } catch {
    exit();
  }
}

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('job-process: missing project folder argument');
  const project = openProject(dir);
  const p = project.paths;
  sweepStaleTemps([p.datasets, p.candidates, p.thumbs, p.runs, p.exports]);
  const owner = newLeaseOwner(process.env.SYNOOD_JOB_OWNER ?? (process.versions.electron ? 'studio app' : 'a node process'));
  const textFeatures = openTextFeatureCache(process.argv[3]);
  const runner = new JobRunner(project, jobHandlers(), send, owner, { textFeatures });
  let running = false;
  let again = false;
  let recheck: NodeJS.Timeout | null = null;
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
    // Jobs another live process runs: look again after a heartbeat, to take over if that process is gone.
    if (!recheck && runner.heldElsewhere().length > 0) {
      recheck = setTimeout(() => {
        recheck = null;
        drain().catch(die);
      }, HEARTBEAT_MS);
    }
    send({ type: 'idle' });
  };
  onMessage((m) => {
    if (m.type === 'wake') drain().catch(die);
    if (m.type === 'stop') {
      // The item in flight is abandoned uncommitted; its job's lease is given back so another process resumes it now.
      runner.releaseCurrent();
      project.db.close();
      textFeatures?.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  await drain();
}

process.on('unhandledRejection', die);
process.on('uncaughtException', die);
main().catch(die);
