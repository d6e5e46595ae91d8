import type { Command } from 'commander';
import type { z } from 'zod';
import { LrSchedule, type TrainConfig } from '../../shared/api/routes/runs';
import { runJobCommand } from '../job-command';
import type { Call } from '../studio-call';
import { choice, given, intArg, jsonOption, numArg, projectDir, projectOption, waitOption } from '../options';
import { CliError, EXIT } from '../output';

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
  lrSchedule?: LrSchedule;
  project?: string;
  json?: boolean;
  wait: boolean;
}

/** The last value of each training curve: what a person reads off the end of a run. */
async function finalMetrics(call: Call, runId: number): Promise<Record<string, number>> {
  const series = await call('run.metrics', { runIds: [runId], maxPoints: 2 });
  return Object.fromEntries(series.filter((s) => s.points.length).map((s) => [s.name, s.points.at(-1)!.value]));
}

/** The stage's config from the flags given; a flag of the other stage is refused, as the contract refuses it. */
function trainConfig(o: TrainOptions): z.input<typeof TrainConfig> {
  const common = given({ epochs: o.epochs, lr: o.lr, weightDecay: o.weightDecay, batchSize: o.batchSize, lrSchedule: o.lrSchedule });
  const foreign = o.stage === 'projection' ? (o.momentum !== undefined ? '--momentum' : null) : o.minLr !== undefined ? '--min-lr' : null;
  if (foreign) throw new CliError(`invalid input for train.start: ${foreign} does not apply to --stage ${o.stage}`, EXIT.badInput);
  return o.stage === 'projection' ? { stage: 'projection', ...common, ...given({ minLr: o.minLr }) } : { stage: 'labels', ...common, ...given({ momentum: o.momentum }) };
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
    const config = trainConfig(o);
    const name = o.name ?? `${o.stage} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: `train ${o.stage}`,
      start: (call) => call('train.start', { name, config, ...(o.seed !== undefined ? { seed: o.seed } : {}) }),
      result: async (call, started) => ({ run: await call('run.get', { id: started.runId }), final: await finalMetrics(call, started.runId) }),
      human: (r) =>
        [
          `run #${r.run.id} '${r.run.name}' ${r.run.status}`,
          ...Object.entries(r.final).map(([k, v]) => `  final ${k}: ${Number(v.toPrecision(5))}`),
          `evaluate it with: synood eval --run ${r.run.id}`,
        ].join('\n'),
    });
  });
}
