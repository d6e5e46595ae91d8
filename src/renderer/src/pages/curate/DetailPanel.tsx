import type { Ref } from 'react';
import { Box, Button, Chip, Stack, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import type { CandidateStatus, NegLabel } from '../../../../shared/api';
import { SUGGEST_REJECT_PROB } from '../../../../shared/api';
import { useApi, useLive } from '../../api/context';
import { ErrorText } from '../../components/ErrorText';
import { num } from '../../format';
import { ComparisonStrip } from './ComparisonStrip';
import { LabelPicker } from './LabelPicker';

interface Props {
  id: number;
  labelInput: Ref<HTMLInputElement>;
  onDecide: (status: CandidateStatus) => void;
  onRelabel: (label: NegLabel) => void;
  /** InD class names: offered in the label box as hints that such a candidate is a reject, not a negative. */
  indClasses?: string[];
  /** How many candidates a relabel applies to when more than this one is selected. */
  selectedCount?: number;
}

/** The focused candidate at full size beside its source and its unguided image (source · unguided · guided), with its prompt, iterations, scores and label. */
export function DetailPanel({ id, labelInput, onDecide, onRelabel, indClasses, selectedCount = 0 }: Props) {
  const api = useApi();
  const d = useLive((a) => a.call('candidate.get', { id }), ['candidates', 'decisions'], [id]);
  if (d.error) return <ErrorText error={d.error} />;
  const c = d.data;
  if (!c) return null;
  const scores: [string, number | null][] = [
    ['Energy', c.energy],
    ['MSP', c.msp],
    ['NegLabel score', c.neglabelScore],
    ['Source-class prob.', c.sourceClassProb],
    ['Label margin', c.labelMargin],
  ];
  return (
    <Stack spacing={1.5} sx={{ p: 1 }} data-testid="candidate-detail">
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="h6">#{c.id}</Typography>
        <Chip size="small" label={c.status} color={c.status === 'accepted' ? 'success' : c.status === 'rejected' ? 'error' : 'default'} data-testid="detail-status" />
        <Chip size="small" variant="outlined" label={c.objective} />
        {(c.sourceClassProb ?? 0) >= SUGGEST_REJECT_PROB && <Chip size="small" color="warning" label="suggested reject" />}
        <Box sx={{ flex: 1 }} />
        <Button color="success" variant="outlined" onClick={() => onDecide('accepted')}>
          Accept (A)
        </Button>
        <Button color="error" variant="outlined" onClick={() => onDecide('rejected')}>
          Reject (R)
        </Button>
      </Stack>
      <ComparisonStrip
        fileUrl={api.fileUrl}
        id={c.id}
        sourceClassName={c.sourceClassName}
        sourceFilePath={c.sourceFilePath}
        unguidedFilePath={c.unguidedFilePath}
        guidedFilePath={c.filePath}
      />
      <Box>
        <Typography variant="overline">Prompt {c.promptVersion !== null ? `(v${c.promptVersion}, ${c.promptAuthor})` : ''}</Typography>
        <Typography variant="body2" data-testid="detail-prompt">
          {c.prompt ?? 'no prompt recorded'}
        </Typography>
      </Box>
      {c.previews.length > 0 && (
        <Box>
          <Typography variant="overline">Iterations</Typography>
          <Stack direction="row" spacing={1}>
            {c.previews.map((p) => (
              <Box key={p.iteration} sx={{ textAlign: 'center' }}>
                <img src={api.fileUrl(p.path)} width={96} height={96} style={{ objectFit: 'cover', borderRadius: 4 }} alt={`iteration ${p.iteration}`} loading="lazy" />
                <Typography variant="caption" component="div">
                  it {p.iteration} · loss {num(p.loss)}
                </Typography>
              </Box>
            ))}
          </Stack>
        </Box>
      )}
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <LabelPicker
          label="Negative label (L)"
          value={c.labelId !== null && c.label ? { id: c.labelId, word: c.label } : null}
          onChange={(l) => l && onRelabel(l)}
          inputRef={labelInput}
          testId="relabel-input"
          scope="all"
          indClasses={indClasses}
          helperText={selectedCount > 1 ? `A relabel applies to the whole selection (${selectedCount})` : undefined}
        />
        <Typography variant="caption" color={c.labelId === null ? 'warning.main' : 'text.secondary'} data-testid="detail-label-source">
          {c.labelId === null
            ? 'awaiting label assignment'
            : c.labelSource === 'human'
              ? 'set by a person (assignment keeps it)'
              : `assigned by the model${c.labelMargin !== null ? ` · margin ${num(c.labelMargin)}` : ''}`}
        </Typography>
      </Stack>
      <Table size="small">
        <TableBody>
          {scores.map(([k, v]) => (
            <TableRow key={k}>
              <TableCell>{k}</TableCell>
              <TableCell align="right">{num(v, 4)}</TableCell>
            </TableRow>
          ))}
          <TableRow>
            <TableCell>Seed · settings</TableCell>
            <TableCell align="right" sx={{ fontSize: 11 }}>
              {c.seed} · {Object.entries(c.config).map(([k, v]) => `${k} ${String(v)}`).join(', ')}
            </TableCell>
          </TableRow>
        </TableBody>
      </Table>
      {c.assignments.length > 0 && (
        <Typography variant="caption" color="text.secondary">
          Label history: {c.assignments.map((a) => `${a.label} (${a.source}, p ${a.prob.toFixed(2)})`).join(' · ')}
        </Typography>
      )}
    </Stack>
  );
}
