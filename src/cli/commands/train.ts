import type { Command } from 'commander';
import { LrSchedule, type RunDetail } from '../../shared/api/routes/runs';
import { runJobCommand } from '../job-command';
import type { Call } from '../studio-call';
import { choice, given, intArg, jsonOption, numArg, projectDir, projectOption, waitOption } from '../options';

interface TrainOptions {
  stage: 'projection' | 'labels';
  name?: string;
  seed?: number;
  epochs?: number;
  lr?: number;
  minLr?: number;
  weightDecay?: number;
  momentum?: number;
  batchSize?: number;
  lrSchedule?: string;
  project?: string;
  json?: boolean;
  wait: boolean;
}

/** The last value of each training curve: what a person reads off the end of a run. */
async function finalMetrics(call: Call, runId: number): Promise<Record<string, number>> {
  const series = (await call('run.metrics', { runIds: [runId], maxPoints: 2 })) as { name: string; points: { value: number }[] }[];
  return Object.fromEntries(series.filter((s) => s.points.length).map((s) => [s.name, s.points.at(-1)!.value]));
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('fine-tune on the accepted, labelled candidates: stage 1 trains the projection (§6), stage 2 the negative-label text features (§7)')
    .option('--stage <s>', 'projection (the default) | labels', choice(['projection', 'labels'] as const), 'projection')
    .option('--name <name>', 'run name (default: the stage and the time)')
    .option('--seed <n>', 'seed (default 0)', intArg)
    .option('--epochs <n>', 'epochs (default 3 for projection, 5 for labels)', intArg)
    .option('--lr <x>', 'learning rate (default 1e-3 Adam for projection, 2e-2 SGD for labels)', numArg)
    .option('--min-lr <x>', 'projection: cosine schedule floor (default 1e-5)', numArg)
    .option('--weight-decay <x>', 'weight decay (default 1e-5)', numArg)
    .option('--momentum <x>', 'labels: SGD momentum (default 0.9)', numArg)
    .option('--batch-size <n>', 'batch size (default 128)', intArg)
    .option('--lr-schedule <s>', 'cosine annealing per-step | per-epoch (default per-step)', choice(LrSchedule.options));
  waitOption(jsonOption(projectOption(cmd))).action(async (o: TrainOptions) => {
    const config = { stage: o.stage, ...given({ epochs: o.epochs, lr: o.lr, minLr: o.minLr, weightDecay: o.weightDecay, momentum: o.momentum, batchSize: o.batchSize, lrSchedule: o.lrSchedule }) };
    const name = o.name ?? `${o.stage} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: `train ${o.stage}`,
      start: (call) => call('train.start', { name, config, ...(o.seed !== undefined ? { seed: o.seed } : {}) }) as Promise<{ runId: number; jobId: number }>,
      result: async (call, started) => ({ run: (await call('run.get', { id: started.runId })) as RunDetail, final: await finalMetrics(call, started.runId) }),
      human: (r) =>
        [
          `run #${r.run.id} '${r.run.name}' ${r.run.status}`,
          ...Object.entries(r.final).map(([k, v]) => `  final ${k}: ${Number(v.toPrecision(5))}`),
          `evaluate it with: synood eval --run ${r.run.id}`,
        ].join('\n'),
    });
  });
}
