import type { Command } from 'commander';
import type { EvaluationRow, MetricsSummary } from '../../shared/api/routes/evaluations';
import { runJobCommand } from '../job-command';
import { idList, intArg, jsonOption, projectDir, projectOption, waitOption } from '../options';
import { CliError, EXIT } from '../output';
import { pct, textTable } from '../table';

interface EvalOptions {
  run?: number;
  baseline?: boolean;
  ood?: number[];
  projection: boolean;
  tunedLabels: boolean;
  project?: string;
  json?: boolean;
  wait: boolean;
}

function evaluationTable(rows: EvaluationRow[], average: MetricsSummary | null): string {
  const body: (string | number | null)[][] = rows.map((e) => [e.oodName, pct(e.auroc), pct(e.fpr95Mos), pct(e.fpr95OpenOod), e.nInd, e.nOod]);
  if (average) body.push(['average', pct(average.auroc), pct(average.fpr95Mos), pct(average.fpr95OpenOod), null, null]);
  return textTable(['OOD set', 'AUROC↑', 'FPR95↓', 'FPR95 (OpenOOD)↓', 'InD', 'OOD'], body) + '\nValues in %; FPR95 at 95% InD recall (MOS/NegLabel convention).';
}

export function registerEval(program: Command): void {
  const cmd = program
    .command('eval')
    .description("evaluate a run on the OOD test sets (an evaluate.run job, one item per set) and print AUROC / FPR95")
    .option('--run <id>', 'the run to evaluate', intArg)
    .option('--baseline', 'evaluate the zero-shot NegLabel baseline (created on first use)')
    .option('--ood <ids>', 'only these OOD dataset ids (default: every OOD test set)', idList)
    .option('--no-projection', 'score without the trained projection')
    .option('--no-tuned-labels', 'score with the original, not the tuned, negative-label features');
  waitOption(jsonOption(projectOption(cmd))).action(async (o: EvalOptions) => {
    if ((o.run === undefined) === !o.baseline) throw new CliError('say what to evaluate: exactly one of --run <id> or --baseline', EXIT.usage);
    let runId = o.run ?? -1;
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: 'evaluate',
      start: async (call) => {
        if (o.baseline) runId = (await call('run.baseline', {})).id;
        const started = await call('evaluate.start', { runId, oodDatasetIds: o.ood ?? [], switches: { projection: o.projection, tunedLabels: o.tunedLabels } });
        return { ...started, runId };
      },
      result: (call) => call('evaluation.list', { runId }),
      human: (r) => `run #${runId}\n${evaluationTable(r.rows, r.average)}`,
    });
  });
}
