import type { EvaluationRow } from '../../shared/api/routes/evaluations';
import type { CompareStats, PairedCell, StatsCell } from '../../shared/api/routes/review';
import { ApiError } from '../../shared/api/errors';
import type { OpenProject } from '../project/project';
import { latestEvaluations } from '../services/evaluation-rows';
import { parseRecord } from '../services/json';
import { runDbRow } from '../services/run-rows';
import { bootstrapRun, DEFAULT_LEVEL, DEFAULT_RESAMPLES, type Interval } from '../ood/uncertainty';
import { delongPaired } from '../ood/uncertainty-delong';
import { pairedBootstrap, type PairedSet } from '../ood/uncertainty-paired';
import { foreignOrigin } from './foreign';
import { runSamplesOf } from './run-data';
import { alignKeys, gather, type RunSamples, type SetSamples } from './samples';
import { seedGroupKey, seedGroups } from './seed-groups';

/** p below this earns a † in the tables. */
export const ALPHA = 0.05;

export interface StatsOptions {
  referenceId?: number;
  resamples?: number;
  seed?: number;
  level?: number;
}

interface RunInfo {
  runId: number;
  name: string;
  seed: number;
  kind: string;
  groupKey: string;
  evaluations: EvaluationRow[];
  samples: RunSamples;
}

/** The reference's samples in the order of the run's: null (with why) when they are not the same samples. */
function pairSet(run: SetSamples, ref: SetSamples): { set: PairedSet; note: null } | { set: null; note: string } {
  if (!run.indKeys || !run.oodKeys || !ref.indKeys || !ref.oodKeys) return { set: null, note: run.keysNote ?? ref.keysNote ?? 'sample identities unknown: no paired test' };
  const ind = alignKeys(run.indKeys, ref.indKeys);
  const ood = alignKeys(run.oodKeys, ref.oodKeys);
  if (!ind || !ood) return { set: null, note: 'not scored on the same samples as the reference: no paired test' };
  return { set: { name: run.oodName, indA: run.ind, oodA: run.ood, indB: gather(ref.ind, ind), oodB: gather(ref.ood, ood) }, note: null };
}

/**
 * Intervals, paired tests against the reference and seed groups for a selection of runs (route compare.stats).
 * Deterministic for a given seed; kept in memory per selection and evaluation state, so reopening Compare is instant.
 */
export function compareStats(project: OpenProject, runIds: number[], opts: StatsOptions = {}): CompareStats {
  const t0 = performance.now();
  const { db } = project;
  const cache = project.memo.compareStats;
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const seed = opts.seed ?? 0;
  const level = opts.level ?? DEFAULT_LEVEL;
  const ids = [...new Set(runIds)];
  const referenceId = opts.referenceId ?? ids[0]!;
  if (!ids.includes(referenceId)) throw new ApiError('invalid_input', `the reference run ${referenceId} is not among the compared runs`, [{ path: 'referenceId', message: 'not compared' }]);
  const rows = ids.map((id) => runDbRow(db, id));
  const evaluations = new Map(ids.map((id) => [id, latestEvaluations(db, id)]));
  const key = JSON.stringify([project.paths.root, ids, referenceId, resamples, seed, level, ids.map((id) => evaluations.get(id)!.map((e) => [e.id, e.createdAt]))]);
  const hit = cache.get(key);
  if (hit) return hit;

  const runs: RunInfo[] = rows.map((r) => ({
    runId: r.id,
    name: r.name,
    seed: r.seed,
    kind: r.kind,
    groupKey: seedGroupKey(r.kind, parseRecord(r.config_json), parseRecord(r.data_json)),
    evaluations: evaluations.get(r.id)!,
    samples: runSamplesOf(project, r.id),
  }));
  const oodSets = [...new Set(runs.flatMap((r) => r.evaluations.map((e) => e.oodName)))];
  const ref = runs.find((r) => r.runId === referenceId)!;

  const out: CompareStats['runs'] = runs.map((run) => {
    const scored = run.evaluations.filter((e) => run.samples.sets.has(e.oodName));
    const missingNote = (name: string) => run.samples.missing.get(name) ?? run.samples.missing.get('*') ?? 'no per-sample scores';
    const intervals = scored.length
      ? bootstrapRun(
          scored.map((e) => {
            const s = run.samples.sets.get(e.oodName)!;
            return { name: e.oodName, ind: s.ind, ood: s.ood };
          }),
          { resamples, seed, level },
        )
      : null;
    const intervalOf = (name: string): { auroc: Interval; fpr95: Interval } | null => intervals?.sets.find((s) => s.name === name) ?? null;

    // Paired tests against the reference, on the sets both have, sample by sample.
    const paired = new Map<string, PairedSet>();
    const pairNotes = new Map<string, string>();
    if (run !== ref) {
      for (const e of run.evaluations) {
        const a = run.samples.sets.get(e.oodName);
        const b = ref.samples.sets.get(e.oodName);
        if (!a || !b) {
          pairNotes.set(e.oodName, !a ? missingNote(e.oodName) : ref.evaluations.some((x) => x.oodName === e.oodName) ? 'the reference has no per-sample scores here' : 'the reference was not evaluated on this set');
          continue;
        }
        const p = pairSet(a, b);
        if (p.set) paired.set(e.oodName, p.set);
        else pairNotes.set(e.oodName, p.note);
      }
    }
    const boot = paired.size ? pairedBootstrap([...paired.values()], { resamples, seed, level }) : null;
    const vs = (name: string): PairedCell | null => {
      const p = paired.get(name);
      const b = boot?.sets.find((s) => s.name === name);
      if (!p || !b) return null;
      const d = delongPaired(p.indA, p.oodA, p.indB, p.oodB);
      return {
        auroc: { delta: d.delta, lo: b.auroc.lo, hi: b.auroc.hi, p: d.p, method: 'delong' },
        fpr95: { delta: b.fpr95.delta, lo: b.fpr95.lo, hi: b.fpr95.hi, p: b.fpr95.p, method: 'paired-bootstrap' },
      };
    };
    const sets = run.evaluations.map((e): StatsCell & { oodName: string } => {
      const iv = intervalOf(e.oodName);
      const note = !iv ? missingNote(e.oodName) : run === ref ? null : (pairNotes.get(e.oodName) ?? null);
      return { oodName: e.oodName, auroc: iv?.auroc ?? null, fpr95: iv?.fpr95 ?? null, vsReference: run === ref ? null : vs(e.oodName), note };
    });
    // The average: an interval when every set has scores; a paired test when both runs cover the same sets, all paired.
    let average: StatsCell | null = null;
    if (run.evaluations.length) {
      const allScored = intervals !== null && scored.length === run.evaluations.length;
      const sameSets = run !== ref && ref.evaluations.length === run.evaluations.length && run.evaluations.every((e) => ref.evaluations.some((x) => x.oodName === e.oodName));
      const allPaired = sameSets && paired.size === run.evaluations.length && boot !== null;
      average = {
        auroc: allScored ? intervals!.average.auroc : null,
        fpr95: allScored ? intervals!.average.fpr95 : null,
        vsReference: allPaired
          ? {
              auroc: { ...pick(boot!.average.auroc), method: 'paired-bootstrap' },
              fpr95: { ...pick(boot!.average.fpr95), method: 'paired-bootstrap' },
            }
          : null,
        note: !allScored ? 'some sets have no per-sample scores' : run !== ref && !allPaired ? 'not every set is paired with the reference' : null,
      };
    }
    return { runId: run.runId, name: run.name, seed: run.seed, origin: foreignOrigin(db, run.runId), groupKey: run.groupKey, sets, average };
  });

  const result: CompareStats = {
    resamples,
    seed,
    level,
    referenceId,
    oodSets,
    runs: out,
    seedGroups: seedGroups(runs.map((r) => ({ runId: r.runId, name: r.name, seed: r.seed, key: r.groupKey, evaluations: r.evaluations }))),
    alpha: ALPHA,
    ms: Math.round(performance.now() - t0),
  };
  cache.set(key, result);
  if (cache.size > 16) cache.delete(cache.keys().next().value!);
  return result;
}

function pick(d: { delta: number; lo: number; hi: number; p: number }) {
  return { delta: d.delta, lo: d.lo, hi: d.hi, p: d.p };
}
