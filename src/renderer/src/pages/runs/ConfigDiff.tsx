import { Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import type { ConfigDiffRow } from '../../../../shared/api';

export function ConfigDiff({ rows, names, onlyDiff }: { rows: ConfigDiffRow[]; names: string[]; onlyDiff: boolean }) {
  const shown = onlyDiff ? rows.filter((r) => r.differs) : rows;
  return (
    <Table size="small" data-testid="config-diff">
      <TableHead>
        <TableRow>
          <TableCell>Setting</TableCell>
          {names.map((n, i) => (
            <TableCell key={i}>{n}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {shown.length === 0 && (
          <TableRow>
            <TableCell colSpan={names.length + 1}>{onlyDiff ? 'These runs share every setting.' : 'No settings recorded.'}</TableCell>
          </TableRow>
        )}
        {shown.map((r) => (
          <TableRow key={r.key} sx={r.differs ? { '& td': { fontWeight: 600 } } : undefined}>
            <TableCell sx={{ fontFamily: 'monospace', fontSize: 12 }}>{r.key}</TableCell>
            {r.values.map((v, i) => (
              <TableCell key={i} sx={{ fontFamily: 'monospace', fontSize: 12 }}>
                {v ?? '—'}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
