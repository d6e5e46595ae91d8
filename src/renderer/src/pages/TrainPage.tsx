import { useState } from 'react';
import { Box, Button, Card, CardContent, Chip, FormControl, InputLabel, MenuItem, Select, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { LabelsConfig, ProjectionConfig, type LrSchedule, type Run, type TrainConfig } from '../../../shared/api';
import { useApi, useLive } from '../api/context';
import { useJobs } from '../api/use-jobs';
import type { PageId } from '../navigation';
import { EmptyState } from '../components/EmptyState';
import { ErrorText } from '../components/ErrorText';
import { when } from '../format';
import { LineOverlay } from './runs/LineOverlay';
import { colour } from './runs/palette';

const STAGES: { config: TrainConfig; title: string; what: string }[] = [
  {
    config: ProjectionConfig.parse({ stage: 'projection' }),
    title: 'Stage 1 · projection (§6)',
    what: 'Linear → LayerNorm → ReLU residual after the frozen CLIP image encoder; InD subset + accepted candidates. Adam, cosine to 1e-5.',
  },
  {
    config: LabelsConfig.parse({ stage: 'labels' }),
    title: 'Stage 2 · negative-label features (§7)',
    what: "The M' assigned labels' text features become learnable; no projection. SGD momentum 0.9 (lr 2e-2 as in the official code; the paper says 2e-3).",
  },
];

function StageForm({ base, title, what }: { base: TrainConfig; title: string; what: string }) {
  const api = useApi();
  const [config, setConfig] = useState<TrainConfig>(base);
  const [name, setName] = useState('');
  const [seed, setSeed] = useState(0);
  const [error, setError] = useState<string>();
  const [started, setStarted] = useState<string>();
  const fields = Object.entries(config).filter(([k, v]) => k !== 'stage' && k !== 'optimizer' && typeof v === 'number') as [string, number][];
  const start = async () => {
    setError(undefined);
    try {
      const r = await api.call('train.start', { name: name || title.split(' (')[0]!, seed, config });
      setStarted(`Run ${r.runId} queued (job ${r.jobId}).`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Card variant="outlined" sx={{ flex: 1, minWidth: 360 }} data-testid={`train-form-${base.stage}`}>
      <CardContent>
        <Typography variant="subtitle1">{title}</Typography>
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mb: 1 }}>
          {what}
        </Typography>
        <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
          <TextField label="Run name" value={name} placeholder={title.split(' (')[0]} onChange={(e) => setName(e.target.value)} slotProps={{ htmlInput: { 'data-testid': `train-name-${base.stage}` } }} />
          <TextField label="Seed" type="number" value={seed} sx={{ width: 90 }} onChange={(e) => setSeed(Number(e.target.value))} />
          <TextField label="Optimizer" value={config.optimizer} sx={{ width: 100 }} disabled />
          <FormControl size="small" sx={{ minWidth: 150 }}>
            <InputLabel>LR schedule</InputLabel>
            <Select
              label="LR schedule"
              value={config.lrSchedule}
              onChange={(e) => setConfig({ ...config, lrSchedule: e.target.value as LrSchedule })}
              data-testid={`train-schedule-${base.stage}`}
            >
              <MenuItem value="per-step">Cosine per step</MenuItem>
              <MenuItem value="per-epoch">Cosine per epoch</MenuItem>
            </Select>
          </FormControl>
          {fields.map(([k, v]) => (
            <TextField key={k} label={k} type="number" value={v} sx={{ width: 120 }} onChange={(e) => setConfig({ ...config, [k]: Number(e.target.value) } as TrainConfig)} slotProps={{ htmlInput: { step: 'any' } }} />
          ))}
        </Stack>
        <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
          <Button variant="contained" onClick={() => void start()} data-testid={`train-start-${base.stage}`}>
            Start training
          </Button>
          <Button onClick={() => setConfig(base)}>Paper defaults</Button>
          {started && <Typography variant="body2">{started}</Typography>}
        </Stack>
        <ErrorText error={error} />
      </CardContent>
    </Card>
  );
}

function RunCurves({ run }: { run: Run }) {
  const metrics = useLive((a) => a.call('run.metrics', { runIds: [run.id] }), ['runs'], [run.id]);
  const detail = useLive((a) => a.call('run.get', { id: run.id }), ['runs'], [run.id]);
  const series = (name: string) => (metrics.data ?? []).filter((s) => s.name === name).map((s) => ({ name, colour: colour(name === 'loss' ? 1 : 2), points: s.points.map((p) => ({ x: p.step, y: p.value })) }));
  return (
    <Card variant="outlined" data-testid="run-curves">
      <CardContent>
        <Typography variant="subtitle1">
          {run.name} <Chip size="small" label={run.kind} />
        </Typography>
        <Stack direction="row" spacing={2} sx={{ mt: 1 }}>
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <LineOverlay title="Training loss" series={series('loss')} xLabel="step" yLabel="loss" exportName={`run-${run.id}-loss`} height={220} />
          </Box>
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <LineOverlay title="Training accuracy" series={series('accuracy')} xLabel="step" yLabel="accuracy" exportName={`run-${run.id}-accuracy`} height={220} />
          </Box>
        </Stack>
        {detail.data && (
          <Typography variant="caption" color="text.secondary" component="div">
            Checkpoint: {run.checkpointPath ?? 'none yet'} · trained on {String(detail.data.data.acceptedCandidates ?? '–')} accepted candidates, {String(detail.data.data.labels ?? '–')} labels · config{' '}
            {Object.entries(detail.data.config)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(', ')}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

export function TrainPage({ onNavigate }: { onNavigate: (p: PageId) => void }) {
  const api = useApi();
  const runs = useLive((a) => a.call('run.list', {}), ['runs']);
  const counts = useLive((a) => a.call('curation.counts', { filter: {} }), ['candidates', 'decisions']);
  const labels = useLive((a) => a.call('label.summary', {}), ['candidates', 'labels']);
  const jobs = useJobs(100) ?? [];
  const [open, setOpen] = useState<number>();
  const [error, setError] = useState<string>();
  const trained = (runs.data ?? []).filter((r) => r.kind !== 'zero-shot');
  const act = (route: 'run.stop' | 'run.resume', id: number) =>
    void api.call(route, { id }).then(
      () => setError(undefined),
      (e: Error) => setError(e.message),
    );
  const shown = trained.find((r) => r.id === open) ?? trained[0];
  return (
    <Stack spacing={2} data-testid="train-page">
      {counts.data && counts.data.accepted === 0 && (
        <EmptyState text="Training uses the candidates you accepted. None are accepted yet: curate some first." action="Go to Curate" onAction={() => onNavigate('curate')} />
      )}
      {counts.data && counts.data.accepted > 0 && (
        <Typography variant="body2">
          Training data: {counts.data.accepted.toLocaleString()} accepted candidates using {labels.data?.assignedToAccepted ?? '–'} distinct negative labels (M′) of {labels.data?.selected ?? '–'}.
        </Typography>
      )}
      <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap' }}>
        {STAGES.map((s) => (
          <StageForm key={s.config.stage} base={s.config} title={s.title} what={s.what} />
        ))}
      </Stack>
      <ErrorText error={error ?? runs.error} />
      <Table size="small" data-testid="runs-table">
        <TableHead>
          <TableRow>
            <TableCell>Run</TableCell>
            <TableCell>Stage</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Job</TableCell>
            <TableCell>Created</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {trained.length === 0 && (
            <TableRow>
              <TableCell colSpan={6}>No training runs yet. Start one above.</TableCell>
            </TableRow>
          )}
          {trained.map((r) => {
            const job = jobs.find((j) => j.id === r.jobId);
            return (
              <TableRow key={r.id} hover selected={shown?.id === r.id} onClick={() => setOpen(r.id)} sx={{ cursor: 'pointer' }} data-testid={`run-row-${r.id}`}>
                <TableCell>{r.name}</TableCell>
                <TableCell>{r.kind}</TableCell>
                <TableCell>{r.status}</TableCell>
                <TableCell sx={{ maxWidth: 320 }}>
                  {job ? `${job.state.status} · ${job.progress.done}/${job.progress.total} epochs` : '–'}
                  {job?.state.status === 'failed' && (
                    <Typography variant="caption" color="error" component="div">
                      {job.state.error}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>{when(r.createdAt)}</TableCell>
                <TableCell>
                  {job && ['queued', 'running'].includes(job.state.status) && <Button onClick={() => act('run.stop', r.id)}>Stop</Button>}
                  {job && ['paused', 'failed', 'cancelled'].includes(job.state.status) && <Button onClick={() => act('run.resume', r.id)}>Resume</Button>}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {shown && <RunCurves run={shown} />}
    </Stack>
  );
}
