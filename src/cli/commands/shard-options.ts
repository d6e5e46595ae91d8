import type { Command } from 'commander';
import { PlanFlagError, planFromFlags, SETTING_FLAGS, SOURCE_FLAGS } from '../../main/shard/plan-flags';
import { ShardSpecError, type ShardStage } from '../../main/shard/shard-spec';
import type { ShardPlan } from '../../main/shard/work';
import { CliError, EXIT } from '../output';

const hasFlag = (cmd: Command, flag: string) => cmd.options.some((o) => o.long === flag);

/**
 * Adds an option unless the command has it already (another file may define the stage command and some of its
 * flags). Returns the long flag when it was added here.
 */
export function addOptionOnce(cmd: Command, flags: string, help: string): string | null {
  const long = flags.split(/[ ,]+/).find((f) => f.startsWith('--'))!;
  if (hasFlag(cmd, long)) return null;
  cmd.option(flags, help);
  return long;
}

/** The plan flags of a stage: the image source for both, the generation settings for generate. Returns those added here. */
export function addPlanOptions(cmd: Command, stage: ShardStage | 'both'): string[] {
  const added = SOURCE_FLAGS.map((f) => addOptionOnce(cmd, `${f.flag} ${f.arg}`, f.help));
  if (stage !== 'describe') for (const f of SETTING_FLAGS) added.push(addOptionOnce(cmd, `${f.flag} ${f.arg}`, `${f.help}${stage === 'both' ? ' [generate]' : ''}`));
  return added.filter((f): f is string => f !== null);
}

/** Wrong flags are the user's to fix: exit code 2 with the reason. */
export function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PlanFlagError || e instanceof ShardSpecError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
}

export function planOf(stage: string, opts: Record<string, unknown>): ShardPlan {
  if (stage !== 'describe' && stage !== 'generate') throw new CliError(`--stage takes describe or generate, got '${stage}'`, EXIT.usage);
  return usage(() => planFromFlags(stage, opts));
}

export function positiveInt(flag: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} takes a positive integer, got '${v}'`, EXIT.usage);
    return n;
  };
}
