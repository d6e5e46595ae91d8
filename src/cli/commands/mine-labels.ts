import path from 'node:path';
import type { Command } from 'commander';
import { runJobCommand } from '../job-command';
import { CliError, EXIT } from '../output';
import { choice, given, intArg, jsonOption, numArg, projectDir, projectOption, waitOption } from '../options';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface MineOptions {
  pct?: number;
  quantile?: number;
  candidateLimit?: number;
  nounTemplate?: string[];
  adjTemplate?: string[];
  classTemplate?: string;
  lemmas?: 'first' | 'all';
  wordList?: string;
  wordListMode?: 'pool' | 'fixed';
  excludeIndNames?: boolean;
  project?: string;
  json?: boolean;
  wait: boolean;
}

export function registerMineLabels(program: Command): void {
  const cmd = program
    .command('mine-labels')
    .description('mine negative labels from WordNet or a word list (NegLabel, docs/METHOD.md §4): score every candidate word against the InD classes, keep the farthest; or use a word list as the negative labels as it is')
    .option('--pct <x>', 'fraction kept per part of speech (default 0.15)', numArg)
    .option('--quantile <x>', "quantile of each word's similarities to the InD classes (default 0.95)", numArg)
    .option('--candidate-limit <n>', 'only this many WordNet words, evenly spread (for demos and tests)', intArg)
    .option('--noun-template <t>', "noun prompt template with one '{}' (default 'the nice {}'); repeat for an ensemble", collect)
    .option('--adj-template <t>', "adjective prompt template (default 'This is a {} photo'); repeat for an ensemble", collect)
    .option('--class-template <t>', "InD class prompt template (default 'the nice {}')")
    .option('--lemmas <which>', 'first (one word per synset, the default) | all', choice(['first', 'all'] as const))
    .option('--word-list <file>', 'candidate words from this file instead of WordNet: UTF-8, one label per line, optionally a tab and noun|adj (plain lines are nouns)')
    .option('--word-list-mode <mode>', 'pool (mine the list like WordNet, the default) | fixed (use the list as the negative labels as it is, in its order)', choice(['pool', 'fixed'] as const))
    .option('--exclude-ind-names', 'drop WordNet candidates equal to an InD class name (NegLabel keeps them; a word list naming a class is refused)');
  waitOption(jsonOption(projectOption(cmd))).action(async (o: MineOptions) => {
    if (o.wordListMode && !o.wordList) throw new CliError('--word-list-mode needs --word-list <file>', EXIT.usage);
    // Relative to where the command runs, as every path argument; the API takes absolute paths only.
    const pool = o.wordList ? { type: 'file' as const, path: path.resolve(o.wordList), mode: o.wordListMode ?? 'pool' } : undefined;
    const params = given({
      pct: o.pct,
      quantile: o.quantile,
      candidateLimit: o.candidateLimit,
      nounTemplates: o.nounTemplate,
      adjTemplates: o.adjTemplate,
      classTemplate: o.classTemplate,
      lemmas: o.lemmas,
      pool,
      excludeInDClassNames: o.excludeIndNames,
    });
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: 'mine',
      start: (call) => call('labels.mine', params),
      result: async (call) => ({
        ...(await call('label.summary', {})),
        mining: await call('labels.mining', {}),
      }),
      human: (r, started) => {
        const src = r.mining?.source;
        if (src?.type === 'file' && src.mode === 'fixed') return `using the ${r.selected} labels of ${src.path} as the negative labels (fixed list, not mined)`;
        const from = src?.type === 'file' ? `candidates from ${src.path}` : 'WordNet candidates';
        const excluded = r.mining?.excludeInDClassNames && src?.type !== 'file' ? ', InD class names excluded' : '';
        return `selected ${r.selected} negative labels out of ${started.candidates} ${from}${excluded}`;
      },
    });
  });
}
