import type { Db } from '../store/db';
import { parseRecord } from './json';
import { acceptedGenerationConfigs } from '../store/candidates';

/** The recorded guidance switches a run's comparison shows (docs/METHOD.md §3), in display order. */
const SWITCHES = ['objective', 'objectiveOptions', 'gradientWrt', 'reduction', 'batchSize', 'lr', 'iterations', 'vaeLatent', 'resizeFilter'] as const;

/**
 * How the accepted candidates a run trains on were generated: per switch, its value, or each value with its count
 * when the candidates disagree ("official ×40, msp ×2"). Candidates from before the switches were recorded say
 * "not recorded" rather than a guess.
 */
export function generationSwitches(db: Db): Record<string, string> {
  const rows = acceptedGenerationConfigs(db);
  const counts = new Map<string, Map<string, number>>(SWITCHES.map((k) => [k, new Map()]));
  for (const r of rows) {
    const semantics = parseRecord(r.config_json).semantics as Record<string, unknown> | undefined;
    for (const key of SWITCHES) {
      const raw = key === 'objective' ? r.objective : semantics?.[key];
      const value = raw === undefined ? 'not recorded' : typeof raw === 'string' ? raw : JSON.stringify(raw);
      const byValue = counts.get(key)!;
      byValue.set(value, (byValue.get(value) ?? 0) + 1);
    }
  }
  const out: Record<string, string> = {};
  for (const [key, byValue] of counts) {
    if (byValue.size === 0) continue;
    out[key] = byValue.size === 1 ? [...byValue.keys()][0]! : [...byValue].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ×${n}`).join(', ');
  }
  return out;
}
