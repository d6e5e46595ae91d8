import { Dialog, DialogContent, DialogTitle, Table, TableBody, TableCell, TableRow } from '@mui/material';

export const KEYS: [string, string][] = [
  ['A', 'accept the focused candidate (or the selection)'],
  ['R', 'reject the focused candidate (or the selection)'],
  ['← → ↑ ↓', 'move the focus'],
  ['Shift + arrows', 'move and add to the selection'],
  ['Space', 'select / unselect the focused candidate'],
  ['Ctrl/⌘ + click, Shift + click', 'toggle / range-select'],
  ['L', 'relabel: jump to the negative-label box'],
  ['U or Ctrl/⌘ + Z', "undo the last decision made in this session (never the CLI's or the demo's)"],
  ['Shift + Ctrl/⌘ + Z', 'redo what this session undid'],
  ['Esc', 'clear the selection'],
  ['?', 'show these keys'],
];

export function KeysHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} data-testid="keys-help">
      <DialogTitle>Curation keys</DialogTitle>
      <DialogContent>
        <Table size="small">
          <TableBody>
            {KEYS.map(([k, what]) => (
              <TableRow key={k}>
                <TableCell sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>{k}</TableCell>
                <TableCell>{what}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </DialogContent>
    </Dialog>
  );
}
