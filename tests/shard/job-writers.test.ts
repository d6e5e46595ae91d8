import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownsImage, parseShardSpec, planFromFlags, planToFlags, toYaml, type ShardPlan } from '../../src/main/shard';
import { tmpDir } from '../helpers/tmp';
import { runCli } from './cli';
import { parseYamlSubset } from './yaml-subset';

/** `--flag value` pairs back into values, as a shard's command line would be read. */
function flagValues(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    expect(flag.startsWith('--')).toBe(true);
    out[flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = args[i + 1]!;
  }
  return out;
}

const PLAN_FLAGS = ['--images', '1,2,5', '--steps', '4', '--iterations', '2', '--objective', 'msp', '--per-image', '3'];
const PLAN: ShardPlan = planFromFlags('generate', { images: '1,2,5', steps: '4', iterations: '2', objective: 'msp', perImage: '3' });

describe('shard assignment', () => {
  it('parses i/n and refuses what is not a shard of n', () => {
    expect(parseShardSpec('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseShardSpec(' 0 / 1 ')).toEqual({ index: 0, count: 1 });
    for (const bad of ['8/8', '1/0', '-1/2', 'a/b', '2', '1/2/3']) expect(() => parseShardSpec(bad)).toThrow(/--shard/);
  });

  it('gives every image to exactly one shard, by id mod n', () => {
    for (const n of [1, 2, 3, 7]) {
      for (let id = 1; id <= 50; id++) {
        const owners = Array.from({ length: n }, (_, i) => i).filter((i) => ownsImage({ index: i, count: n }, id));
        expect(owners).toEqual([id % n]);
      }
    }
  });

  it('plan flags fill in the defaults and refuse wrong values with the flag name', () => {
    expect(PLAN).toEqual({
      stage: 'generate',
      source: { type: 'images', imageIds: [1, 2, 5] },
      settings: {
        objective: 'msp',
        strength: 0.6,
        steps: 4,
        guidance: 8,
        iterations: 2,
        lr: 10,
        seed: 0,
        perImage: 3,
        reduction: 'per-image',
        batchSize: 1,
        officialTarget: -5,
        energyMargin: -7,
        energyTemperature: 1,
        vaeLatent: 'sample',
        resizeFilter: 'bilinear-antialias',
        saveUnguided: true,
      },
    });
    // Every switch is written out as a flag, so a shard on another machine runs the same plan.
    expect(planFromFlags('generate', flagValues(planToFlags(PLAN)))).toEqual(PLAN);
    expect(() => planFromFlags('generate', { reduction: 'sum' })).toThrow(/^--reduction: /);
    expect(planFromFlags('describe', {})).toEqual({ stage: 'describe', source: { type: 'subset' } });
    expect(() => planFromFlags('generate', { steps: '0' })).toThrow(/^--steps: /);
    expect(() => planFromFlags('generate', { classes: '1', images: '2' })).toThrow(/not both/);
    expect(() => planFromFlags('generate', { images: '1,x' })).toThrow(/--images takes comma-separated integer ids/);
  });
});

describe('job writers', () => {
  let t: ReturnType<typeof tmpDir>;
  let fakeSynood: string;

  beforeAll(() => {
    t = tmpDir('synood-shard-jobs-');
    // Stands in for synood on a compute node: prints the arguments it was given.
    fakeSynood = path.join(t.dir, 'fake-synood');
    fs.writeFileSync(fakeSynood, `#!${process.execPath}\nprocess.stdout.write(JSON.stringify(process.argv.slice(2)));\n`, { mode: 0o755 });
  });
  afterAll(() => t.cleanup());

  it('slurm: an sbatch job array whose task i runs shard i/n of the same plan', async () => {
    const project = path.join(t.dir, 'my project');
    const out = path.join(t.dir, 'job.sbatch');
    const r = await runCli([
      'slurm', '-p', project, '--stage', 'generate', '--shards', '4', '--partition', 'gpu', '--gpus-per-task', '1', '--time', '04:00:00',
      '--cpus', '8', '--mem', '32G', '--max-parallel', '2', '--synood', fakeSynood, '-o', out, ...PLAN_FLAGS,
     ]);
    expect(r.code).toBe(0);
    const bundles = path.join(project, 'shards');
    expect(r.stdout).toContain(`sbatch ${out}`);
    expect(r.stdout).toContain(`synood merge ${project} ${bundles}/generate-shard-*-of-4`);

    const script = fs.readFileSync(out, 'utf8');
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    // sbatch reads directives only up to the first command.
    const firstCommand = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
    const directives = lines.filter((l) => l.startsWith('#SBATCH'));
    expect(directives.every((d) => lines.indexOf(d) < firstCommand)).toBe(true);
    expect(directives).toEqual(
      expect.arrayContaining([
        '#SBATCH --array=0-3%2',
        '#SBATCH --ntasks=1',
        '#SBATCH --gpus-per-task=1',
        '#SBATCH --cpus-per-task=8',
        '#SBATCH --mem=32G',
        '#SBATCH --time=04:00:00',
        '#SBATCH --partition=gpu',
        `#SBATCH --output="${bundles}/logs/%x-%A_%a.out"`, // the project path has a space
      ]),
    );
    expect(fs.statSync(path.join(bundles, 'logs')).isDirectory()).toBe(true);

    // What task 3 runs, as bash runs it: the shard's own command line, back to the same plan.
    const run = spawnSync('bash', [out], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '3' }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const argv = JSON.parse(run.stdout) as string[];
    expect(argv.slice(0, 7)).toEqual(['generate', '--project', project, '--shard', '3/4', '--bundle-dir', bundles]);
    expect(planFromFlags('generate', flagValues(argv.slice(7)))).toEqual(PLAN);
  });

  it('k8s: an Indexed Job whose pod i runs shard i/n, with the index from JOB_COMPLETION_INDEX', async () => {
    const out = path.join(t.dir, 'job.yaml');
    const r = await runCli([
      'k8s', '-p', '/data/proj', '--stage', 'generate', '--shards', '3', '--image', 'ghcr.io/lab/synood:0.1', '--parallelism', '2',
      '--claim', 'lab-nfs', '--mount', '/data', '--cpu', '4', '--memory', '16Gi', '--namespace', 'ood', '-o', out, ...PLAN_FLAGS,
     ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`kubectl apply -f ${out}`);
    expect(r.stdout).toContain('synood merge /data/proj /data/proj/shards/generate-shard-*-of-3');

    // The fields read below; toMatchObject and toEqual check their values.
    type K8sJob = { spec: { template: { spec: { volumes: unknown; containers: { image: string; env: unknown; resources: unknown; volumeMounts: unknown; command: string[]; args: string[] }[] } } } };
    const job = parseYamlSubset(fs.readFileSync(out, 'utf8')) as K8sJob;
    expect(job).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'synood-generate', namespace: 'ood' },
      spec: { completionMode: 'Indexed', completions: 3, parallelism: 2, template: { spec: { restartPolicy: 'Never' } } },
    });
    const pod = job.spec.template.spec;
    const [c] = pod.containers;
    if (!c) throw new Error('the Job has no container');
    expect(pod.containers).toHaveLength(1);
    expect(c.image).toBe('ghcr.io/lab/synood:0.1');
    expect(c.env).toEqual([{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
    expect(c.resources).toEqual({ requests: { cpu: '4', memory: '16Gi' }, limits: { 'nvidia.com/gpu': 1, cpu: '4', memory: '16Gi' } });
    expect(c.volumeMounts).toEqual([{ name: 'synood-data', mountPath: '/data' }]);
    expect(pod.volumes).toEqual([{ name: 'synood-data', persistentVolumeClaim: { claimName: 'lab-nfs' } }]);

    // The kubelet expands $(JOB_COMPLETION_INDEX) from the container's env: pod 2 runs shard 2/3 of the same plan.
    const argv = [...c.command, ...c.args].map((a: string) => a.replace('$(JOB_COMPLETION_INDEX)', '2'));
    expect(argv.slice(0, 8)).toEqual(['synood', 'generate', '--project', '/data/proj', '--shard', '2/3', '--bundle-dir', '/data/proj/shards']);
    expect(planFromFlags('generate', flagValues(argv.slice(8)))).toEqual(PLAN);
  });

  it('k8s refuses paths the pod cannot see under its mount', async () => {
    const r = await runCli(['k8s', '-p', '/elsewhere/proj', '--stage', 'describe', '--shards', '2', '--image', 'x', '--mount', '/data', '-o', path.join(t.dir, 'bad.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--project \/elsewhere\/proj is not under the mounted claim/);
    expect(fs.existsSync(path.join(t.dir, 'bad.yaml'))).toBe(false);
  });

  it('toYaml keeps every string a string (colons, quotes, numbers and booleans as text, empty lists)', () => {
    const v = { a: 'x: y', b: '"q"', c: '007', d: 'true', e: "it's # not a comment", f: [], g: {}, h: [{ i: 1, j: [true, null, 'k'] }, 'l'], 'm/n.o': 2.5 };
    expect(parseYamlSubset(toYaml(v))).toEqual(v);
  });
});
