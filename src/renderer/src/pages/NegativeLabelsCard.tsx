import { useState } from 'react';
import { Alert, Button, Card, CardContent, FormControl, FormControlLabel, InputLabel, MenuItem, Select, Stack, Switch, TextField, Typography } from '@mui/material';
import type { MinedLabelSet } from '../../../shared/api';
import { useApi, useApiEvents, useLive } from '../api/context';
import { useJobs } from '../api/use-jobs';
import { JobRow } from '../components/JobsStrip';
import { ErrorText } from '../components/ErrorText';
import { when } from '../format';

type Source = 'wordnet' | 'file';

const count = (n: number, what: string) => `${n.toLocaleString()} ${what}${n === 1 ? '' : 's'}`;
type Mode = 'pool' | 'fixed';

/** One line on where the current negative labels came from, as the mining job recorded it. */
export function describeLabelSet(m: MinedLabelSet): string {
  const s = m.source;
  const from =
    s.type === 'file'
      ? s.mode === 'fixed'
        ? `fixed list ${s.path} (used as it is, not mined${s.labels === null ? '' : `, ${s.labels.toLocaleString()} labels`})`
        : `word list ${s.path} (${s.labels === null ? '' : `${s.labels.toLocaleString()} candidates, `}lowest ${Math.round(m.pct * 1000) / 10}% per part of speech kept)`
      : `WordNet (${s.lemmas === 'all' ? 'every lemma' : 'first lemmas'}${s.candidateLimit === null ? '' : `, ${s.candidateLimit.toLocaleString()} candidates`}, lowest ${Math.round(m.pct * 1000) / 10}% per part of speech kept)`;
  const names = s.type === 'file' ? '' : m.excludeInDClassNames ? ' · InD class names excluded' : ' · InD class names kept (NegLabel)';
  const sha = s.type === 'file' && s.sha256 ? ` · sha256 ${s.sha256.slice(0, 12)}…` : '';
  return `From ${from}${names}${sha} · job #${m.jobId}${m.at ? `, ${when(m.at)}` : ''}`;
}

/**
 * Negative labels (docs/METHOD.md §4): start a mining from WordNet or from a word-list file (as the pool, or as a
 * fixed selection), and show how the current set was made. A refused list shows the API's message, which names
 * the file and its lines; nothing is queued then.
 */
export function NegativeLabelsCard() {
  const api = useApi();
  const summary = useLive((a) => a.call('label.summary', {}), ['labels']);
  const mining = useLive((a) => a.call('labels.mining', {}), ['labels']);
  useApiEvents((e) => {
    if (e.type === 'job.state') {
      summary.reload();
      mining.reload();
    }
  });
  const jobs = useJobs(20) ?? [];
  const [source, setSource] = useState<Source>('wordnet');
  const [path, setPath] = useState('');
  const [mode, setMode] = useState<Mode>('pool');
  const [exclude, setExclude] = useState(false);
  const [error, setError] = useState<string>();
  const [started, setStarted] = useState<{ jobId: number; text: string }>();
  const start = async () => {
    setError(undefined);
    setStarted(undefined);
    try {
      const pool = source === 'file' ? { type: 'file' as const, path: path.trim(), mode } : { type: 'wordnet' as const };
      const r = await api.call('labels.mine', { pool, excludeInDClassNames: exclude });
      const text =
        source === 'file' && mode === 'fixed'
          ? `Queued job ${r.jobId}: the ${r.candidates.toLocaleString()} listed labels become the negative labels.`
          : `Queued job ${r.jobId}: ${r.candidates.toLocaleString()} candidates in ${r.items} item${r.items === 1 ? '' : 's'}.`;
      setStarted({ jobId: r.jobId, text });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const job = started ? jobs.find((j) => j.id === started.jobId) : undefined;
  const m = mining.data;
  return (
    <Card variant="outlined" data-testid="negative-labels">
      <CardContent>
        <Typography variant="subtitle1" gutterBottom>
          Negative labels
        </Typography>
        <Typography variant="body2" data-testid="negative-labels-current">
          {summary.data === undefined
            ? '…'
            : summary.data.selected === 0
              ? 'No negative labels are selected yet.'
              : `${summary.data.selected.toLocaleString()} selected${m ? ` (${count(m.selected.noun, 'noun')}, ${count(m.selected.adj, 'adjective')})` : ''}.`}
        </Typography>
        {m && (
          <Typography variant="caption" color="text.secondary" component="div" data-testid="negative-labels-source">
            {describeLabelSet(m)}
          </Typography>
        )}
        <Stack direction="row" spacing={1} useFlexGap sx={{ mt: 1.5, flexWrap: 'wrap', alignItems: 'center' }}>
          <FormControl size="small" sx={{ minWidth: 180 }}>
            <InputLabel>Candidates</InputLabel>
            <Select label="Candidates" value={source} onChange={(e) => setSource(e.target.value as Source)} data-testid="mine-source">
              <MenuItem value="wordnet">WordNet (NegLabel)</MenuItem>
              <MenuItem value="file">Word-list file</MenuItem>
            </Select>
          </FormControl>
          {source === 'file' && (
            <>
              <TextField
                size="small"
                label="Word list path (absolute)"
                value={path}
                onChange={(e) => setPath(e.target.value)}
                sx={{ minWidth: 360 }}
                slotProps={{ htmlInput: { 'data-testid': 'mine-word-list' } }}
              />
              <FormControl size="small" sx={{ minWidth: 230 }}>
                <InputLabel>Use the list</InputLabel>
                <Select label="Use the list" value={mode} onChange={(e) => setMode(e.target.value as Mode)} data-testid="mine-mode">
                  <MenuItem value="pool">as the pool to mine</MenuItem>
                  <MenuItem value="fixed">as the negative labels (fixed)</MenuItem>
                </Select>
              </FormControl>
            </>
          )}
          {source === 'wordnet' && (
            <FormControlLabel
              control={<Switch checked={exclude} onChange={(e) => setExclude(e.target.checked)} slotProps={{ input: { 'aria-label': 'Exclude InD class names' } }} />}
              label="Exclude InD class names"
            />
          )}
        </Stack>
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }}>
          A word list is UTF-8, one label per line; add a tab and <code>adj</code> to mark an adjective (plain lines are nouns). Empty lines, repeated labels (ignoring case) and InD
          class names are refused. NegLabel keeps WordNet words equal to an InD class unless you exclude them.
        </Typography>
        <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
          <Button variant="contained" onClick={() => void start()} disabled={source === 'file' && path.trim() === ''} data-testid="mine-start">
            {source === 'file' && mode === 'fixed' ? 'Use as negative labels' : 'Mine negative labels'}
          </Button>
          {started && <Typography variant="body2">{started.text}</Typography>}
        </Stack>
        {job && <JobRow job={job} />}
        {/* The refusal of a word list lists one problem per line (file and line numbers): keep its lines. */}
        {error && (
          <Alert severity="error" sx={{ my: 1, whiteSpace: 'pre-line' }} role="alert" data-testid="mine-error">
            {error}
          </Alert>
        )}
        <ErrorText error={summary.error ?? mining.error} />
      </CardContent>
    </Card>
  );
}
