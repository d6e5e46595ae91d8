import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { bundleFolderGlob } from '../../main/shard/shard-spec';
import { k8sManifest } from '../../main/shard/k8s';
import { slurmScript } from '../../main/shard/slurm';
import type { ShardPlan } from '../../main/shard/work';
import { loadShard } from '../lazy';
import { writeFileAtomic } from '../../main/files/atomic';
import { CliError, EXIT, printResult } from '../output';
import { addPlanOptions, planOf, positiveInt } from './shard-options';

interface CommonOpts extends Record<string, unknown> {
  project: string;
  stage: string;
  shards: number;
  bundleDir?: string;
  synood?: string;
  output: string;
  json?: boolean;
  cut?: boolean;
}

/**
 * Cuts every shard's bundle here and now, so the tasks never open the project database: SQLite's WAL needs all
 * its readers on one host, which a cluster's network filesystem does not give.
 */
function cutAll(projectDir: string, bundlesDir: string, plan: ShardPlan, shards: number): string[] {
  if (!fs.existsSync(path.join(projectDir, 'synood.db'))) {
    throw new CliError(`--cut reads the project here, but ${projectDir} is not a SynOOD project on this machine; run without --cut (each task cuts its own bundle)`, EXIT.usage);
  }
  return Array.from({ length: shards }, (_, index) => loadShard().cutShardBundle(projectDir, bundlesDir, plan, { index, count: shards }).bundleDir);
}

function common(cmd: Command): Command {
  cmd
    .requiredOption('-p, --project <dir>', 'project folder, as the compute nodes see it')
    .requiredOption('--stage <stage>', 'describe | generate')
    .requiredOption('--shards <n>', 'number of shards (array tasks / indexes)', positiveInt('--shards'))
    .option('--bundle-dir <dir>', 'folder for the shard bundles (default: PROJECT/shards)')
    .option('--synood <cmd>', "the synood command on the compute nodes (default 'synood')")
    .requiredOption('-o, --output <file>', 'where to write the job file')
    .option('--cut', 'cut every shard bundle now, on this machine (recommended when the project is on a network filesystem)')
    .option('--json', 'machine-readable output');
  addPlanOptions(cmd, 'both');
  return cmd;
}

function write(file: string, text: string, mode?: number): string {
  const abs = path.resolve(file);
  writeFileAtomic(abs, text);
  if (mode) fs.chmodSync(abs, mode);
  return abs;
}

const mergeLine = (project: string, bundles: string, plan: ShardPlan, n: number) => `synood merge ${project} ${bundles}/${bundleFolderGlob(plan.stage, n)}`;

export function registerSlurm(program: Command): void {
  common(program.command('slurm').description('write an sbatch job-array script that runs the shards of a stage on Slurm'))
    .option('--partition <name>', 'Slurm partition')
    .option('--account <name>', 'Slurm account')
    .option('--gpus-per-task <n>', 'GPUs per shard', positiveInt('--gpus-per-task'))
    .option('--cpus <n>', 'CPUs per shard', positiveInt('--cpus'))
    .option('--mem <size>', "memory per shard (e.g. '32G')")
    .option('--time <limit>', "time limit per shard (e.g. '04:00:00')")
    .option('--max-parallel <n>', 'at most this many shards at once', positiveInt('--max-parallel'))
    .option('--job-name <name>', 'job name (default synood-STAGE)')
    .action((o: CommonOpts & { partition?: string; account?: string; gpusPerTask?: number; cpus?: number; mem?: string; time?: string; maxParallel?: number; jobName?: string }) => {
      const plan = planOf(o.stage, o);
      const projectDir = path.resolve(o.project);
      const bundlesDir = path.resolve(o.bundleDir ?? path.join(projectDir, 'shards'));
      const logDir = path.join(bundlesDir, 'logs');
      const text = slurmScript({ ...o, projectDir, bundlesDir, plan, shards: o.shards, logDir });
      // sbatch does not create the log folder, and a task whose log cannot be opened fails without a word.
      fs.mkdirSync(logDir, { recursive: true });
      const cut = o.cut ? cutAll(projectDir, bundlesDir, plan, o.shards) : [];
      const file = write(o.output, text, 0o755);
      const merge = mergeLine(projectDir, bundlesDir, plan, o.shards);
      printResult({ file, shards: o.shards, bundlesDir, logDir, cut, submit: `sbatch ${file}`, merge }, !!o.json, () =>
        [
          `wrote ${file}: ${o.shards} array tasks, ${plan.stage} shard $SLURM_ARRAY_TASK_ID/${o.shards} each, logs in ${logDir}`,
          ...(cut.length ? [`cut ${cut.length} bundles in ${bundlesDir}`] : []),
          `submit:  sbatch ${file}`,
          `then, when every task has finished:  ${merge}`,
          `(or queue the merge behind the array:  sbatch --dependency=afterok:JOBID --wrap "${merge}")`,
        ].join('\n'),
      );
    });
}

export function registerK8s(program: Command): void {
  common(program.command('k8s').description('write a Kubernetes Indexed Job manifest that runs the shards of a stage'))
    .requiredOption('--image <image>', 'container image with synood installed')
    .option('--claim <name>', 'PersistentVolumeClaim holding project, bundles and models', 'synood-data')
    .option('--mount <dir>', 'where the claim is mounted in the pod', '/data')
    .option('--parallelism <n>', 'pods at once (default: all shards)', positiveInt('--parallelism'))
    .option('--gpus <n>', 'nvidia.com/gpu per pod (0: none)', (v) => Number(v), 1)
    .option('--cpu <q>', "CPU per pod (e.g. '8')")
    .option('--memory <q>', "memory per pod (e.g. '32Gi')")
    .option('--namespace <ns>', 'namespace')
    .option('--job-name <name>', 'job name (default synood-STAGE)')
    .option('--retries <n>', 'retries per shard before its index fails', (v) => Number(v), 2)
    .action((o: CommonOpts & { image: string; claim: string; mount: string; parallelism?: number; gpus: number; cpu?: string; memory?: string; namespace?: string; jobName?: string; retries: number }) => {
      const plan = planOf(o.stage, o);
      // Paths are the pod's, not this machine's: they must be absolute and under the mounted claim.
      const mount = path.posix.resolve(o.mount);
      const projectDir = path.posix.resolve(mount, o.project);
      const bundlesDir = path.posix.resolve(mount, o.bundleDir ?? path.posix.join(projectDir, 'shards'));
      for (const [flag, p] of [['--project', projectDir], ['--bundle-dir', bundlesDir]] as const) {
        if (p !== mount && !p.startsWith(`${mount}/`)) throw new CliError(`${flag} ${p} is not under the mounted claim (--mount ${mount})`, EXIT.usage);
      }
      if (!Number.isInteger(o.gpus) || o.gpus < 0) throw new CliError(`--gpus takes 0 or more, got ${o.gpus}`, EXIT.usage);
      const text = k8sManifest({ ...o, projectDir, bundlesDir, plan, shards: o.shards, mountPath: mount, retriesPerShard: o.retries });
      // Only where this machine sees the claim at the pod's paths (the same mount point).
      const cut = o.cut ? cutAll(projectDir, bundlesDir, plan, o.shards) : [];
      const file = write(o.output, text);
      const merge = mergeLine(projectDir, bundlesDir, plan, o.shards);
      const name = o.jobName ?? `synood-${plan.stage}`;
      printResult({ file, shards: o.shards, bundlesDir, cut, submit: `kubectl apply -f ${file}`, merge }, !!o.json, () =>
        [
          `wrote ${file}: Indexed Job '${name}', ${o.shards} completions, pod i runs ${plan.stage} shard i/${o.shards}`,
          ...(cut.length ? [`cut ${cut.length} bundles in ${bundlesDir}`] : []),
          `submit:  kubectl apply -f ${file}`,
          `wait:    kubectl wait --for=condition=complete job/${name}${o.namespace ? ` -n ${o.namespace}` : ''} --timeout=24h`,
          `then, on a machine (or pod) that sees the claim:  ${merge}`,
        ].join('\n'),
      );
    });
}
