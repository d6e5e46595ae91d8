import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ConfigDiffRow } from '../../../../shared/api';
import { settingLabel, settingValue } from './setting-labels';

/** Settings side by side, one column per run, by their names for people; the raw key stays readable beneath. */
export function ConfigDiff({ rows, names, onlyDiff, runName }: { rows: ConfigDiffRow[]; names: string[]; onlyDiff: boolean; runName?: (id: number) => string | undefined }) {
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
        {shown.map((r) => {
          const label = settingLabel(r.key);
          return (
            <TableRow key={r.key} sx={r.differs ? { '& td': { fontWeight: 600 } } : undefined} data-key={r.key}>
              <TableCell title={r.key}>
                {label === r.key ? (
                  <Typography component="span" sx={{ fontFamily: 'monospace', fontSize: 12, fontWeight: 'inherit' }}>
                    {r.key}
                  </Typography>
                ) : (
                  label
                )}
              </TableCell>
              {r.values.map((v, i) => (
                <TableCell key={i} sx={{ fontSize: 12 }}>
                  {settingValue(r.key, v, runName)}
                </TableCell>
              ))}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
