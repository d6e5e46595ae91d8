import fs from 'node:fs';
import path from 'node:path';
import type { Handlers } from '../../shared/api';
import type { ComparedRun, ConfigDiffRow } from '../../shared/api/routes/compare';
import type { Db } from '../store/db';
import { averageOf, latestEvaluations } from './evaluation-rows';
import { parseRecord } from './json';
import { runDbRow, toRun } from './run-rows';
import { latexTable, markdownTable, type TableRun } from './compare-table';
import type { StudioContext } from './context';

/** Nested config as dotted keys, so two runs' settings line up row by row. */
export function flatten(obj: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out;
}

function compared(db: Db, runIds: number[]): ComparedRun[] {
  return runIds.map((id) => {
    const r = runDbRow(db, id);
    const evaluations = latestEvaluations(db, id);
    return { run: toRun(db, r), config: parseRecord(r.config_json), data: parseRecord(r.data_json), evaluations, average: averageOf(evaluations) };
  });
}

function oodSets(runs: ComparedRun[]): string[] {
  return [...new Set(runs.flatMap((r) => r.evaluations.map((e) => e.oodName)))];
}

function configDiff(runs: ComparedRun[]): ConfigDiffRow[] {
  // Settings recorded with an evaluation (scoring switches) belong to the comparison as much as training config.
  const flat = runs.map((r) => {
    const m = flatten({ kind: r.run.kind, seed: r.run.seed, ...r.config });
    const sw = r.evaluations[0]?.switches;
    if (sw) for (const [k, v] of flatten(sw, 'scoring')) m.set(k, v);
    // How the training candidates were generated: the guidance's paper-vs-code switches (docs/METHOD.md §3).
    const generation = r.data.generation;
    if (generation && typeof generation === 'object') for (const [k, v] of flatten(generation as Record<string, unknown>, 'generation')) m.set(k, v);
    return m;
  });
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))];
  return keys.map((key) => {
    const values = flat.map((m) => m.get(key) ?? null);
    return { key, values, differs: new Set(values).size > 1 };
  });
}

export function compareHandlers(ctx: StudioContext): Pick<Handlers, 'compare.runs' | 'compare.export'> {
  return {
    'compare.runs': ({ runIds }) => {
      const runs = compared(ctx.project().db, runIds);
      return { runs, oodSets: oodSets(runs), configDiff: configDiff(runs) };
    },
    'compare.export': ({ runIds, format }) => {
      const { db, paths } = ctx.project();
      const runs = compared(db, runIds);
      const table: TableRun[] = runs.map((r) => ({
        name: r.run.name,
        sets: new Map(r.evaluations.map((e) => [e.oodName, { auroc: e.auroc, fpr95Mos: e.fpr95Mos }])),
        average: r.average,
      }));
      const text = format === 'markdown' ? markdownTable(oodSets(runs), table) : latexTable(oodSets(runs), table);
      const rel = `exports/compare-${runIds.join('-')}.${format === 'markdown' ? 'md' : 'tex'}`;
      fs.mkdirSync(paths.exports, { recursive: true });
      fs.writeFileSync(path.join(paths.root, rel), text);
      return { text, file: rel };
    },
  };
}
