import type { Command } from 'commander';
import { choice, given, idList, intArg, jsonOption, numArg, projectDir, projectOption } from '../options';
import { CliError, EXIT, printResult } from '../output';
import { withStudio } from '../studio-call';
import { CandidateStatus, Objective, type CandidateFilter } from '../../shared/api/routes/candidates';

interface AcceptOptions {
  all?: boolean;
  ids?: number[];
  reject?: boolean;
  status?: CandidateStatus;
  objective?: Objective;
  class?: number;
  label?: number;
  minEnergy?: number;
  maxEnergy?: number;
  minMsp?: number;
  maxMsp?: number;
  minNeglabel?: number;
  maxNeglabel?: number;
  minSourceProb?: number;
  maxSourceProb?: number;
  project?: string;
  json?: boolean;
}

type Range = { min?: number; max?: number };
const range = (min?: number, max?: number): Range | undefined => (min === undefined && max === undefined ? undefined : { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });

/** The CandidateFilter the flags describe; empty when none was given. */
function filterOf(o: AcceptOptions): CandidateFilter {
  const f: CandidateFilter = {
    status: o.status,
    objective: o.objective,
    classId: o.class,
    labelId: o.label,
    energy: range(o.minEnergy, o.maxEnergy),
    msp: range(o.minMsp, o.maxMsp),
    neglabelScore: range(o.minNeglabel, o.maxNeglabel),
    sourceClassProb: range(o.minSourceProb, o.maxSourceProb),
  };
  return given(f);
}

export function registerAccept(program: Command): void {
  const cmd = program
    .command('accept')
    .description('bulk curation: accept (or with --reject, reject) candidates by id, by filter, or all of them; one undo step in the studio')
    .option('--all', 'every candidate')
    .option('--ids <ids>', 'these candidate ids, comma-separated', idList)
    .option('--reject', 'reject instead of accept')
    .option('--status <s>', 'filter: new | accepted | rejected', choice(CandidateStatus.options))
    .option('--objective <o>', `filter: ${Objective.options.join(' | ')}`, choice(Objective.options))
    .option('--class <id>', 'filter: source class id', intArg)
    .option('--label <id>', 'filter: negative label id', intArg)
    .option('--min-energy <x>', 'filter: energy ≥ x', numArg)
    .option('--max-energy <x>', 'filter: energy ≤ x', numArg)
    .option('--min-msp <x>', 'filter: MSP ≥ x', numArg)
    .option('--max-msp <x>', 'filter: MSP ≤ x', numArg)
    .option('--min-neglabel <x>', 'filter: NegLabel score ≥ x', numArg)
    .option('--max-neglabel <x>', 'filter: NegLabel score ≤ x', numArg)
    .option('--min-source-prob <x>', 'filter: source-class probability ≥ x', numArg)
    .option('--max-source-prob <x>', 'filter: source-class probability ≤ x (0.5 keeps what no longer looks like its class)', numArg);
  jsonOption(projectOption(cmd)).action(async (o: AcceptOptions) => {
    const filter = filterOf(o);
    const hasFilter = Object.keys(filter).length > 0;
    const ways = [!!o.all, !!o.ids, hasFilter].filter(Boolean).length;
    if (ways !== 1) throw new CliError('say which candidates: exactly one of --all, --ids, or filter flags (e.g. --max-source-prob 0.5)', EXIT.usage);
    const target = o.ids ? { type: 'ids' as const, ids: o.ids } : { type: 'filter' as const, filter };
    const status = o.reject ? 'rejected' : 'accepted';
    await withStudio(projectDir(o), async (call) => {
      const r = await call('curation.decide', { target, decision: { status } });
      printResult({ ...r, status }, !!o.json, () => `${status} ${r.changed} candidate${r.changed === 1 ? '' : 's'} (undo batch ${r.batch})`);
    });
  });
}
