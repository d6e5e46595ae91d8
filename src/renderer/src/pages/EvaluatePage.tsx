import { useEffect, useState } from 'react';
import { Box, Button, Card, CardContent, Checkbox, FormControl, FormControlLabel, InputLabel, MenuItem, Select, Stack, Tooltip, Typography } from '@mui/material';
import { useApi, useLive } from '../api/context';
import type { PageId } from '../navigation';
import { EmptyState } from '../components/EmptyState';
import { ErrorText } from '../components/ErrorText';
import { LineOverlay } from './runs/LineOverlay';
import { MetricsTable } from './runs/MetricsTable';
import { ScoreHistogram } from './runs/ScoreHistogram';
import { colour } from './runs/palette';
import { runLabel } from './runs/setting-labels';

const ZERO_SHOT_SWITCHES = 'The zero-shot baseline has nothing trained: it is always scored without a projection and with the mined label features.';

export function EvaluatePage({ onNavigate }: { onNavigate: (p: PageId) => void }) {
  const api = useApi();
  const runs = useLive((a) => a.call('run.list', {}), ['runs']);
  const datasets = useLive((a) => a.call('dataset.list', {}), ['datasets']);
  const [runId, setRunId] = useState<number>();
  const [projection, setProjection] = useState(true);
  const [tuned, setTuned] = useState(true);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [histSet, setHistSet] = useState<string>();
  useEffect(() => {
    if (runId === undefined && runs.data?.length) setRunId((runs.data.find((r) => r.average) ?? runs.data[0])!.id);
  }, [runs.data, runId]);
  const evals = useLive((a) => (runId === undefined ? Promise.resolve(null) : a.call('evaluation.list', { runId })), ['runs'], [runId]);
  const curves = useLive((a) => (runId === undefined ? Promise.resolve([]) : a.call('evaluation.curves', { runIds: [runId] })), ['runs'], [runId]);
  const oodSets = (datasets.data ?? []).filter((d) => d.kind === 'ood-test');
  const run = runs.data?.find((r) => r.id === runId);
  const zeroShot = run?.kind === 'zero-shot';
  const start = async () => {
    if (runId === undefined) return;
    setError(undefined);
    try {
      const r = await api.call('evaluate.start', { runId, switches: { projection, tunedLabels: tuned } });
      setMessage(`Evaluation queued on ${r.sets} OOD set${r.sets === 1 ? '' : 's'} (job ${r.jobId}).`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const addBaseline = () => void api.call('run.baseline', {}).then((r) => setRunId(r.id), (e: Error) => setError(e.message));
  if (runs.data && runs.data.length === 0)
    return (
      <Stack spacing={2}>
        <EmptyState text="No runs to evaluate yet. Evaluate the zero-shot NegLabel baseline first, or train a run under Train." action="Add the NegLabel baseline" onAction={addBaseline} />
        <ErrorText error={error} />
      </Stack>
    );
  const shownHist = curves.data?.find((c) => c.oodName === histSet) ?? curves.data?.[0];
  return (
    <Stack spacing={2} data-testid="evaluate-page">
      <Card variant="outlined">
        <CardContent>
          <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
            <FormControl size="small" sx={{ minWidth: 280 }}>
              <InputLabel>Run</InputLabel>
              <Select label="Run" value={runId ?? ''} onChange={(e) => setRunId(Number(e.target.value))} data-testid="evaluate-run">
                {(runs.data ?? []).map((r) => (
                  <MenuItem key={r.id} value={r.id}>
                    {runLabel(r)}
                  </MenuItem>
                ))}
              </Select>
            </FormControl>
            <Tooltip title={zeroShot ? ZERO_SHOT_SWITCHES : ''}>
              <FormControlLabel control={<Checkbox checked={projection && !zeroShot} onChange={(e) => setProjection(e.target.checked)} disabled={zeroShot} />} label="apply projection" />
            </Tooltip>
            <Tooltip title={zeroShot ? ZERO_SHOT_SWITCHES : ''}>
              <FormControlLabel control={<Checkbox checked={tuned && !zeroShot} onChange={(e) => setTuned(e.target.checked)} disabled={zeroShot} />} label="tuned label features" />
            </Tooltip>
            <Button variant="contained" disabled={runId === undefined} onClick={() => void start()} data-testid="evaluate-start">
              Evaluate on {oodSets.length ? `${oodSets.length} OOD set${oodSets.length === 1 ? '' : 's'}` : 'OOD sets'}
            </Button>
            {!runs.data?.some((r) => r.kind === 'zero-shot') && <Button onClick={addBaseline}>Add NegLabel baseline</Button>}
          </Stack>
          <Typography variant="caption" color="text.secondary" component="div">
            The official inference code is unpublished, so both switches are options and each evaluation records them. {zeroShot && 'The zero-shot baseline has nothing trained, so both are off for it. '}
            {oodSets.length === 0 && 'No OOD test set imported yet: import one under Datasets with the role "OOD test".'}
          </Typography>
          {message && <Typography variant="body2">{message}</Typography>}
          <ErrorText error={error ?? evals.error} />
        </CardContent>
      </Card>
      {evals.data && evals.data.rows.length === 0 && <EmptyState text="This run has no evaluation yet. Evaluate it above; results per OOD set, histograms and ROC curves appear here." />}
      {evals.data && evals.data.rows.length > 0 && (
        <>
          <MetricsTable rows={evals.data.rows} average={evals.data.average} />
          <Stack direction="row" spacing={2}>
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <LineOverlay
                title="ROC curves (InD positive)"
                diagonal
                xDomain={[0, 1]}
                yDomain={[0, 1]}
                xLabel="false positive rate"
                yLabel="true positive rate"
                exportName={`roc-run-${runId}`}
                series={(curves.data ?? []).map((c, i) => ({ name: c.oodName, colour: colour(i), points: c.curves.roc.fpr.map((x, k) => ({ x, y: c.curves.roc.tpr[k]! })) }))}
              />
            </Box>
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <FormControl size="small" sx={{ minWidth: 200, mb: 1 }}>
                <InputLabel>OOD set</InputLabel>
                <Select label="OOD set" value={shownHist?.oodName ?? ''} onChange={(e) => setHistSet(e.target.value)}>
                  {(curves.data ?? []).map((c) => (
                    <MenuItem key={c.oodName} value={c.oodName}>
                      {c.oodName}
                    </MenuItem>
                  ))}
                </Select>
              </FormControl>
              {shownHist && <ScoreHistogram hist={shownHist.curves.hist} title={`Scores: InD vs ${shownHist.oodName}`} exportName={`hist-run-${runId}-${shownHist.oodName}`} />}
            </Box>
          </Stack>
        </>
      )}
      {runs.data && !runs.data.some((r) => r.kind !== 'zero-shot') && (
        <Button sx={{ alignSelf: 'flex-start' }} onClick={() => onNavigate('train')}>
          Train a run to compare against the baseline →
        </Button>
      )}
    </Stack>
  );
}
