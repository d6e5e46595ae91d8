import { Box, Table, TableBody, TableCell, TableHead, TableRow, Tooltip } from '@mui/material';
import type { RouteOutput } from '../../../../shared/api';
import { delta, pct } from '../../format';
import { FPR_MOS_HELP } from './MetricsTable';
import { runColour } from './palette';

type Compared = RouteOutput<'compare.runs'>;

/** A value with its change against the baseline, green when better (AUROC up, FPR down). */
function Cell({ v, base, higherBetter }: { v: number | undefined; base: number | undefined; higherBetter: boolean }) {
  if (v === undefined) return <TableCell align="right">–</TableCell>;
  const d = base === undefined ? null : v - base;
  const better = d !== null && (higherBetter ? d > 0 : d < 0);
  const worse = d !== null && (higherBetter ? d < 0 : d > 0);
  return (
    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
      {pct(v)}
      {d !== null && base !== undefined && Math.abs(d) > 0 && (
        <span style={{ display: 'block', fontSize: 11, color: better ? '#2e7d32' : worse ? '#c62828' : undefined }}>{delta(v, base)}</span>
      )}
    </TableCell>
  );
}

/** The paper's layout: methods as rows, AUROC↑ / FPR95↓ per OOD set, then the average; deltas against the baseline. */
export function CompareTable({ data, baselineId }: { data: Compared; baselineId: number | undefined }) {
  const base = data.runs.find((r) => r.run.id === baselineId);
  const at = (r: Compared['runs'][number], set: string) => r.evaluations.find((e) => e.oodName === set);
  return (
    <Box sx={{ overflowX: 'auto' }}>
    <Table size="small" data-testid="compare-table">
      <TableHead>
        <TableRow>
          <TableCell rowSpan={2}>Method</TableCell>
          {[...data.oodSets, 'Average'].map((s) => (
            <TableCell key={s} colSpan={2} align="center">
              {s}
            </TableCell>
          ))}
        </TableRow>
        <TableRow>
          {[...data.oodSets, 'Average'].flatMap((s) => [
            <TableCell key={`${s}-a`} align="right">
              AUROC↑
            </TableCell>,
            <TableCell key={`${s}-f`} align="right">
              <Tooltip title={FPR_MOS_HELP}>
                <span>FPR95↓</span>
              </Tooltip>
            </TableCell>,
          ])}
        </TableRow>
      </TableHead>
      <TableBody>
        {data.runs.map((r) => (
          <TableRow key={r.run.id} data-testid={`compare-row-${r.run.id}`} sx={r.run.id === baselineId ? { bgcolor: 'action.hover' } : undefined}>
            <TableCell sx={{ minWidth: 180 }}>
              <Box component="span" sx={{ display: 'inline-block', width: 10, height: 10, borderRadius: '50%', bgcolor: runColour(r.run.id), mr: 1 }} aria-hidden />
              {r.run.name}
              {r.run.id === baselineId ? ' (baseline)' : ''}
            </TableCell>
            {data.oodSets.flatMap((s) => [
              <Cell key={`${s}-a`} v={at(r, s)?.auroc} base={r === base ? undefined : base && at(base, s)?.auroc} higherBetter />,
              <Cell key={`${s}-f`} v={at(r, s)?.fpr95Mos} base={r === base ? undefined : base && at(base, s)?.fpr95Mos} higherBetter={false} />,
            ])}
            <Cell v={r.average?.auroc} base={r === base ? undefined : base?.average?.auroc} higherBetter />
            <Cell v={r.average?.fpr95Mos} base={r === base ? undefined : base?.average?.fpr95Mos} higherBetter={false} />
          </TableRow>
        ))}
      </TableBody>
    </Table>
    </Box>
  );
}
