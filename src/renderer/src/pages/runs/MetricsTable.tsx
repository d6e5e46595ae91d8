import { Table, TableBody, TableCell, TableHead, TableRow, Tooltip } from '@mui/material';
import type { EvaluationRow, MetricsSummary } from '../../../../shared/api';
import { pct } from '../../format';

export const FPR_MOS_HELP = 'MOS / NegLabel / SynOOD tables: InD positive, threshold at 95% InD recall; FPR = share of OOD scoring above it';
export const FPR_OPENOOD_HELP = 'OpenOOD v1.5: OOD positive (score −S), FPR = share of InD flagged at 95% OOD recall';

/** One run's metrics per OOD set, both FPR95 conventions labelled, and the unweighted average. */
export function MetricsTable({ rows, average }: { rows: EvaluationRow[]; average: MetricsSummary | null }) {
  return (
    <Table size="small" data-testid="metrics-table">
      <TableHead>
        <TableRow>
          <TableCell>OOD set</TableCell>
          <TableCell align="right">AUROC↑</TableCell>
          <TableCell align="right">
            <Tooltip title={FPR_MOS_HELP}>
              <span>FPR95↓ (MOS/NegLabel)</span>
            </Tooltip>
          </TableCell>
          <TableCell align="right">
            <Tooltip title={FPR_OPENOOD_HELP}>
              <span>FPR95↓ (OpenOOD v1.5)</span>
            </Tooltip>
          </TableCell>
          <TableCell align="right">AUPR-In↑</TableCell>
          <TableCell align="right">AUPR-Out↑</TableCell>
          <TableCell align="right">n InD / OOD</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.id}>
            <TableCell>{r.oodName}</TableCell>
            <TableCell align="right">{pct(r.auroc)}</TableCell>
            <TableCell align="right">{pct(r.fpr95Mos)}</TableCell>
            <TableCell align="right">{pct(r.fpr95OpenOod)}</TableCell>
            <TableCell align="right">{pct(r.auprIn)}</TableCell>
            <TableCell align="right">{pct(r.auprOut)}</TableCell>
            <TableCell align="right">
              {r.nInd.toLocaleString()} / {r.nOod.toLocaleString()}
            </TableCell>
          </TableRow>
        ))}
        {average && (
          <TableRow sx={{ '& td': { fontWeight: 600 } }} data-testid="metrics-average">
            <TableCell>Average</TableCell>
            <TableCell align="right">{pct(average.auroc)}</TableCell>
            <TableCell align="right">{pct(average.fpr95Mos)}</TableCell>
            <TableCell align="right">{pct(average.fpr95OpenOod)}</TableCell>
            <TableCell align="right">{pct(average.auprIn)}</TableCell>
            <TableCell align="right">{pct(average.auprOut)}</TableCell>
            <TableCell />
          </TableRow>
        )}
      </TableBody>
    </Table>
  );
}
