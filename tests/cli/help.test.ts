import { afterAll, describe, expect, it } from 'vitest';
import { GenerateSettings } from '../../src/shared/api/routes/generate';
import { MineLabelsParams } from '../../src/shared/api/routes/mine-labels';
import { routes } from '../../src/shared/api/routes';
import { tmpDir } from '../helpers/tmp';
import { pool, runCli, type CliResult } from './cli';

/** Every command and subcommand with options its help must list. */
const COMMANDS: [string[], string[]][] = [
  [['serve'], ['--project', '--port']],
  [['init'], ['--name', '--json']],
  [['import'], ['--name', '--kind', '--folder', '--flat', '--list', '--root', '--project', '--json', '--no-wait']],
  [['models', 'list'], ['--project', '--json']],
  [['models', 'validate'], ['--role', '--json']],
  [['models', 'import'], ['--role', '--copy', '--project', '--json']],
  [['models', 'download'], ['--role', '--revision', '--dest', '--project']],
  [['select'], ['--k', '--dataset', '--project', '--json']],
  [['describe'], ['--images', '--nouns', '--top-k', '--project', '--json', '--no-wait']],
  [['generate'], ['--objective', '--strength', '--steps', '--guidance', '--iterations', '--lr', '--seed', '--per-image', '--subset', '--classes', '--images', '--no-wait']],
  [['accept'], ['--all', '--ids', '--reject', '--status', '--max-source-prob', '--min-energy', '--json']],
  [['mine-labels'], ['--pct', '--quantile', '--candidate-limit', '--noun-template', '--no-wait']],
  [['assign'], ['--scope', '--no-wait']],
  [['train'], ['--stage', '--name', '--epochs', '--lr', '--batch-size', '--momentum', '--no-wait']],
  [['eval'], ['--run', '--baseline', '--ood', '--no-projection', '--no-tuned-labels', '--no-wait']],
  [['compare'], ['--runs', '--baseline', '--format', '--json']],
  [['export', 'dataset'], ['--out', '--force', '--project', '--json']],
  [['export', 'labels'], ['--out', '--columns', '--force']],
  [['export', 'scorer'], ['--run', '--out', '--no-projection', '--force']],
  [['export', 'metrics'], ['--run', '--out', '--format', '--force']],
  [['jobs', 'list'], ['--limit', '--project', '--json']],
  [['jobs', 'wait'], ['--project', '--json']],
  [['jobs', 'items'], ['--status', '--limit']],
  [['jobs', 'cancel'], ['--project']],
  [['jobs', 'pause'], ['--project']],
  [['jobs', 'resume'], ['--project']],
  [['jobs', 'retry'], ['--project']],
  [['onnx', 'info'], []],
  [['onnx', 'vjp'], ['--of', '--wrt', '--out']],
  [['metrics'], ['--id', '--ood', '--json']],
];

/** "(default 0.6)" after an option in help text, as a number. */
function helpDefault(help: string, flag: string): number {
  const line = help.split('\n').find((l) => l.trimStart().startsWith(flag));
  const m = line && /\(default ([\d.e-]+)/.exec(help.slice(help.indexOf(line)));
  if (!m) throw new Error(`no default stated for ${flag}`);
  return Number(m[1]);
}

describe('synood --help', () => {
  const t = tmpDir('synood-cli-help-');
  afterAll(() => t.cleanup());
  const helps = new Map<string, CliResult>();
  const help = async (cmd: string[]) => {
    const key = cmd.join(' ');
    if (!helps.has(key)) helps.set(key, await runCli([...cmd, '--help'], { home: t.dir }));
    return helps.get(key)!;
  };

  it('lists every command at the top level, with the exit codes', async () => {
    const r = await help([]);
    expect(r.code).toBe(0);
    for (const name of new Set(COMMANDS.map(([c]) => c[0]!))) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(r.stdout).toContain('Exit codes: 0 ok');
  });

  it('answers --help for every command and subcommand with exit 0 and its options', async () => {
    const results = await pool(COMMANDS, 3, async ([cmd]) => help(cmd));
    COMMANDS.forEach(([cmd, options], i) => {
      const r = results[i]!;
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toContain(`Usage: synood ${cmd.join(' ')}`);
      expect(r.stdout).toContain('Options:');
      for (const o of options) expect(r.stdout, `${cmd.join(' ')} ${o}`).toMatch(new RegExp(`${o}\\b`));
    });
  }, 120_000);

  it("states the API contract's defaults (the paper's) in the help of generate, mine-labels and select", async () => {
    const gen = (await help(['generate'])).stdout;
    const g = GenerateSettings.parse({});
    expect([g.strength, g.steps, g.guidance, g.iterations, g.lr, g.seed, g.perImage]).toEqual(
      ['--strength', '--steps', '--guidance', '--iterations', '--lr', '--seed', '--per-image'].map((f) => helpDefault(gen, f)),
    );
    expect(gen).toMatch(new RegExp(`--objective[\\s\\S]*default ${g.objective}`));
    const mine = (await help(['mine-labels'])).stdout;
    const m = MineLabelsParams.parse({});
    expect([m.pct, m.quantile]).toEqual([helpDefault(mine, '--pct'), helpDefault(mine, '--quantile')]);
    const k = (routes['subset.select'].input.parse({}) as { k: number }).k;
    expect(helpDefault((await help(['select'])).stdout, '-k, --k')).toBe(k);
  }, 60_000);
});
