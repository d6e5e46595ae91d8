import { Box, Chip, LinearProgress, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import type { CompareStats, PairedTest, StatsCell } from '../../../../shared/api';
import { useLive } from '../../api/context';
import { pct } from '../../format';

/**
 * The Compare table with uncertainty (issue 16): each AUROC / FPR95 with its 95% stratified-bootstrap interval,
 * a † where the difference to the reference ("Deltas against") has p < 0.05 on the same samples (AUROC: DeLong;
 * FPR95 and the average: paired bootstrap; the p-value is in the tooltip), foreign runs marked with their origin,
 * and one mean ± std row per seed group.
 */

const pFmt = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

function testText(name: string, t: PairedTest | undefined): string | null {
  if (!t) return null;
  return `${name} ${t.delta >= 0 ? '+' : ''}${pct(t.delta)} [${pct(t.lo)}, ${pct(t.hi)}] vs reference, p = ${pFmt(t.p)} (${t.method === 'delong' ? "DeLong's test" : 'paired bootstrap'})`;
}

function Cell({ value, cell, metric, alpha, testId }: { value: number | undefined; cell: StatsCell | undefined; metric: 'auroc' | 'fpr95'; alpha: number; testId: string }) {
  if (value === undefined) return <TableCell align="right">–</TableCell>;
  const iv = cell?.[metric] ?? null;
  const test = cell?.vsReference?.[metric];
  const significant = test !== undefined && test.p < alpha;
  const tip = [testText(metric === 'auroc' ? 'ΔAUROC' : 'ΔFPR95', test), cell?.note ?? null].filter(Boolean).join(' · ');
  return (
    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }} data-testid={testId} data-p={test ? test.p : undefined}>
      <Tooltip title={tip}>
        <span>
          {pct(value)}
          {significant && (
            <span style={{ color: '#b71c1c', fontWeight: 700 }} data-testid="sig">
              †
            </span>
          )}
          {iv && <span style={{ display: 'block', fontSize: 11, color: '#666' }}>[{pct(iv.lo)}, {pct(iv.hi)}]</span>}
        </span>
      </Tooltip>
    </TableCell>
  );
}

export function UncertaintyTable({ runIds, baselineId }: { runIds: number[]; baselineId: number | undefined }) {
  const referenceId = baselineId !== undefined && runIds.includes(baselineId) ? baselineId : runIds[0];
  const key = `${runIds.join(',')}|${referenceId}`;
  const stats = useLive((a) => (runIds.length ? a.call('compare.stats', { runIds, ...(referenceId !== undefined ? { referenceId } : {}) }) : Promise.resolve(null)), ['runs'], [key]);
  const cmp = useLive((a) => (runIds.length ? a.call('compare.runs', { runIds }) : Promise.resolve(null)), ['runs'], [runIds.join(',')]);
  const s: CompareStats | null | undefined = stats.data;
  if (stats.error) return <Typography color="error">Intervals could not be computed: {stats.error}</Typography>;
  if (!s || !cmp.data) return <LinearProgress data-testid="uncertainty-loading" />;
  const groups = [...s.oodSets, 'Average'];
  const refName = s.runs.find((r) => r.runId === s.referenceId)?.name ?? '';
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Typography variant="subtitle1">With 95% intervals and paired tests</Typography>
      <Table size="small" data-testid="uncertainty-table">
        <TableHead>
          <TableRow>
            <TableCell rowSpan={2}>Method</TableCell>
            {groups.map((g) => (
              <TableCell key={g} colSpan={2} align="center">
                {g}
              </TableCell>
            ))}
          </TableRow>
          <TableRow>
            {groups.flatMap((g) => [
              <TableCell key={`${g}-a`} align="right">
                AUROC↑
              </TableCell>,
              <TableCell key={`${g}-f`} align="right">
                FPR95↓
              </TableCell>,
            ])}
          </TableRow>
        </TableHead>
        <TableBody>
          {s.runs.map((r) => {
            const run = cmp.data!.runs.find((x) => x.run.id === r.runId);
            const at = (set: string) => run?.evaluations.find((e) => e.oodName === set);
            const st = (set: string) => r.sets.find((x) => x.oodName === set);
            return (
              <TableRow key={r.runId} data-testid={`uncertainty-row-${r.runId}`} sx={r.runId === s.referenceId ? { bgcolor: 'action.hover' } : undefined}>
                <TableCell sx={{ minWidth: 180 }}>
                  {r.name}
                  {r.runId === s.referenceId ? ' (reference)' : ''}
                  {r.origin && (
                    <Tooltip title={`Imported from ${r.origin.projectName} (${r.origin.projectPath}), run ${r.origin.runId}; exported ${new Date(r.origin.exportedAt).toLocaleString()} by SynOOD Studio ${r.origin.studioVersion}. Read-only.`}>
                      <Chip size="small" color="warning" variant="outlined" label="foreign" sx={{ ml: 1 }} data-testid={`foreign-${r.runId}`} />
                    </Tooltip>
                  )}
                </TableCell>
                {s.oodSets.flatMap((set) => [
                  <Cell key={`${set}-a`} value={at(set)?.auroc} cell={st(set)} metric="auroc" alpha={s.alpha} testId={`u-${r.runId}-${set}-auroc`} />,
                  <Cell key={`${set}-f`} value={at(set)?.fpr95Mos} cell={st(set)} metric="fpr95" alpha={s.alpha} testId={`u-${r.runId}-${set}-fpr95`} />,
                ])}
                <Cell value={run?.average?.auroc} cell={r.average ?? undefined} metric="auroc" alpha={s.alpha} testId={`u-${r.runId}-avg-auroc`} />
                <Cell value={run?.average?.fpr95Mos} cell={r.average ?? undefined} metric="fpr95" alpha={s.alpha} testId={`u-${r.runId}-avg-fpr95`} />
              </TableRow>
            );
          })}
          {s.seedGroups.map((g) => (
            <TableRow key={g.key} data-testid={`seed-group-${g.key}`} sx={{ fontStyle: 'italic' }}>
              <TableCell>
                {g.name} (mean ± std, {g.runIds.length} seeds)
              </TableCell>
              {s.oodSets.flatMap((set) => {
                const c = g.sets.find((x) => x.oodName === set);
                return [
                  <TableCell key={`${set}-a`} align="right" sx={{ whiteSpace: 'nowrap' }}>
                    {c ? `${pct(c.auroc.mean)} ± ${pct(c.auroc.std)}` : '–'}
                  </TableCell>,
                  <TableCell key={`${set}-f`} align="right" sx={{ whiteSpace: 'nowrap' }}>
                    {c ? `${pct(c.fpr95.mean)} ± ${pct(c.fpr95.std)}` : '–'}
                  </TableCell>,
                ];
              })}
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                {g.average ? `${pct(g.average.auroc.mean)} ± ${pct(g.average.auroc.std)}` : '–'}
              </TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                {g.average ? `${pct(g.average.fpr95.mean)} ± ${pct(g.average.fpr95.std)}` : '–'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption" color="text.secondary" component="p" data-testid="uncertainty-note">
        [lo, hi]: {Math.round(s.level * 100)}% stratified bootstrap interval ({s.resamples} resamples, seed {s.seed}). †: p &lt; {s.alpha} against {refName} on the same samples (AUROC: DeLong; FPR95 and
        average: paired bootstrap); hover a value for its difference and p-value. Seed groups: runs with the same kind, config and training data. Computed in {s.ms} ms.
      </Typography>
    </Box>
  );
}
