import { Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import type { ComparedRun } from '../../../../shared/api';

const FIELDS: [string, string][] = [
  ['acceptedCandidates', 'Accepted candidates'],
  ['labels', "Distinct negative labels (M')"],
  ['promptVersions', 'Prompt versions behind them'],
  ['indImages', 'InD images'],
  ['manifest', 'Exact ids (manifest)'],
];

/** What each run was trained on, as frozen when it was queued; the zero-shot baseline trains on nothing. */
export function TrainingData({ runs }: { runs: ComparedRun[] }) {
  return (
    <Table size="small" data-testid="training-data">
      <TableHead>
        <TableRow>
          <TableCell />
          {runs.map((r) => (
            <TableCell key={r.run.id}>{r.run.name}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {FIELDS.map(([k, label]) => (
          <TableRow key={k}>
            <TableCell>{label}</TableCell>
            {runs.map((r) => (
              <TableCell key={r.run.id} sx={{ fontSize: 12 }}>
                {r.run.kind === 'zero-shot' ? 'nothing (zero-shot)' : r.data[k] === undefined ? '–' : String(r.data[k])}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
