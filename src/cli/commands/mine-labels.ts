import type { Command } from 'commander';
import { runJobCommand } from '../job-command';
import { choice, given, intArg, jsonOption, numArg, projectDir, projectOption, waitOption } from '../options';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface MineOptions {
  pct?: number;
  quantile?: number;
  candidateLimit?: number;
  nounTemplate?: string[];
  adjTemplate?: string[];
  classTemplate?: string;
  lemmas?: string;
  project?: string;
  json?: boolean;
  wait: boolean;
}

export function registerMineLabels(program: Command): void {
  const cmd = program
    .command('mine-labels')
    .description('mine negative labels from WordNet (NegLabel, SYNOOD §4): score every candidate word against the InD classes, keep the farthest')
    .option('--pct <x>', 'fraction kept per part of speech (default 0.15)', numArg)
    .option('--quantile <x>', "quantile of each word's similarities to the InD classes (default 0.95)", numArg)
    .option('--candidate-limit <n>', 'only this many WordNet words, evenly spread (for demos and tests)', intArg)
    .option('--noun-template <t>', "noun prompt template with one '{}' (default 'the nice {}'); repeat for an ensemble", collect)
    .option('--adj-template <t>', "adjective prompt template (default 'This is a {} photo'); repeat for an ensemble", collect)
    .option('--class-template <t>', "InD class prompt template (default 'the nice {}')")
    .option('--lemmas <which>', 'first (one word per synset, the default) | all', choice(['first', 'all'] as const));
  waitOption(jsonOption(projectOption(cmd))).action(async (o: MineOptions) => {
    const params = given({
      pct: o.pct,
      quantile: o.quantile,
      candidateLimit: o.candidateLimit,
      nounTemplates: o.nounTemplate,
      adjTemplates: o.adjTemplate,
      classTemplate: o.classTemplate,
      lemmas: o.lemmas,
    });
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: 'mine',
      start: (call) => call('labels.mine', params) as Promise<{ jobId: number; candidates: number }>,
      result: (call) => call('label.summary', {}) as Promise<{ selected: number; candidates: number }>,
      human: (r, started) => `selected ${r.selected} negative labels out of ${started.candidates} WordNet candidates`,
    });
  });
}
