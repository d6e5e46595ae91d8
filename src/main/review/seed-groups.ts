import crypto from 'node:crypto';
import type { EvaluationRow } from '../../shared/api/routes/evaluations';
import type { SeedGroup } from '../../shared/api/routes/review';
import { meanStd, nameWithoutSeed } from '../ood/uncertainty-seeds';

/**
 * Seed groups (docs/METHOD.md §9). Runs are grouped by what makes them the same experiment, not by their names:
 * the SHA-256 of the canonical JSON of { kind, config, training data manifest hash (data.manifestSha256),
 * generation switches (data.generation) }. The seed is a column of its own, so it is not part of the config; two
 * runs in a group differ only in their seed (and where they ran: a foreign run keeps its config and data record,
 * so it groups with local runs of the same experiment). The group's name is the first run's name without a seed
 * suffix ("ours-s2", "ours (seed 2)" → "ours").
 */

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

export function seedGroupKey(kind: string, config: Record<string, unknown>, data: Record<string, unknown>): string {
  const body = JSON.stringify(canonical({ kind, config, trainingData: data.manifestSha256 ?? null, generation: data.generation ?? null }));
  return crypto.createHash('sha256').update(body).digest('hex').slice(0, 16);
}

export interface GroupRun {
  runId: number;
  name: string;
  seed: number;
  key: string;
  evaluations: EvaluationRow[];
}

/** Groups of two or more selected runs with the same key: mean ± std of AUROC and FPR95 per OOD set and on average. */
export function seedGroups(runs: GroupRun[]): SeedGroup[] {
  const byKey = new Map<string, GroupRun[]>();
  for (const r of runs) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const out: SeedGroup[] = [];
  for (const [key, members] of byKey) {
    if (members.length < 2) continue;
    const sets = [...new Set(members.flatMap((m) => m.evaluations.map((e) => e.oodName)))].filter((s) => members.every((m) => m.evaluations.some((e) => e.oodName === s)));
    const at = (m: GroupRun, s: string) => m.evaluations.find((e) => e.oodName === s)!;
    const everyRunHasAll = members.every((m) => m.evaluations.length === sets.length);
    const avg = (m: GroupRun, f: (e: EvaluationRow) => number) => m.evaluations.reduce((a, e) => a + f(e), 0) / m.evaluations.length;
    out.push({
      key,
      name: nameWithoutSeed(members[0]!.name),
      runIds: members.map((m) => m.runId),
      seeds: members.map((m) => m.seed),
      sets: sets.map((s) => ({ oodName: s, auroc: meanStd(members.map((m) => at(m, s).auroc)), fpr95: meanStd(members.map((m) => at(m, s).fpr95Mos)) })),
      average:
        everyRunHasAll && sets.length > 0
          ? { auroc: meanStd(members.map((m) => avg(m, (e) => e.auroc))), fpr95: meanStd(members.map((m) => avg(m, (e) => e.fpr95Mos))) }
          : null,
    });
  }
  return out;
}
