import type { Command } from 'commander';
import { runJobCommand } from '../job-command';
import { choice, jsonOption, projectDir, projectOption, waitOption } from '../options';

export function registerAssign(program: Command): void {
  const cmd = program
    .command('assign')
    .description('give candidates their top-1 selected negative label and NegLabel score (human relabels are kept)')
    .option('--scope <s>', 'accepted (what training uses, the default) | all | unlabelled (candidates without a label yet)', choice(['accepted', 'all', 'unlabelled'] as const));
  waitOption(jsonOption(projectOption(cmd))).action(async (o: { scope?: 'accepted' | 'all' | 'unlabelled'; project?: string; json?: boolean; wait: boolean }) => {
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: 'assign',
      start: (call) => call('labels.assign', o.scope ? { scope: o.scope } : {}),
      result: (call) => call('label.summary', {}),
      human: (r, started) => `labelled ${started.candidates} candidates; the accepted ones use ${r.assignedToAccepted} of ${r.selected} negative labels`,
    });
  });
}
