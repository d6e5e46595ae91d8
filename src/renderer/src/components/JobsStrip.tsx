import { Box, Button, LinearProgress, Stack, Typography } from '@mui/material';
import type { Job } from '../../../shared/api';
import { useApi } from '../api/context';
import { useJobs } from '../api/use-jobs';

export function formatEta(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '—';
  if (sec < 60) return `${Math.round(sec)} s`;
  if (sec < 3600) return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`;
  return `${Math.floor(sec / 3600)} h ${Math.round((sec % 3600) / 60)} min`;
}

/** A duration for people: "450 ms", "8.0 s", "2 min 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatEta(ms / 1000);
}

export function JobRow({ job }: { job: Job }) {
  const api = useApi();
  const p = job.progress;
  const pct = p.total ? (100 * (p.done + p.failed)) / p.total : 0;
  const act = (route: 'job.pause' | 'job.resume' | 'job.cancel' | 'job.retry') => void api.call(route, { id: job.id }).catch(() => undefined);
  return (
    <Box data-testid={`job-${job.id}`} sx={{ py: 0.5 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography variant="body2" sx={{ minWidth: 260 }} noWrap>
          {job.title}
        </Typography>
        <Box sx={{ flexGrow: 1 }}>
          <LinearProgress variant="determinate" value={pct} color={job.state.status === 'failed' ? 'error' : 'primary'} />
        </Box>
        <Typography variant="caption" sx={{ minWidth: 300 }} data-testid={`job-${job.id}-progress`}>
          {job.state.status} · {p.done}/{p.total}
          {p.failed ? ` · ${p.failed} failed` : ''}
          {job.state.status === 'running' ? ` · ${p.itemsPerSec ? p.itemsPerSec.toFixed(1) : '—'}/s · ETA ${formatEta(p.etaSec)}` : ''}
          {job.state.status === 'completed' && job.state.startedAt ? ` · took ${formatDuration(job.state.at - job.state.startedAt)}` : ''}
        </Typography>
        {(job.state.status === 'running' || job.state.status === 'queued') && <Button onClick={() => act('job.pause')}>Pause</Button>}
        {job.state.status === 'paused' && <Button onClick={() => act('job.resume')}>Resume</Button>}
        {['running', 'queued', 'paused'].includes(job.state.status) && <Button onClick={() => act('job.cancel')}>Cancel</Button>}
        {p.failed > 0 && !['running', 'queued'].includes(job.state.status) && <Button onClick={() => act('job.retry')}>Retry failed</Button>}
      </Stack>
      {job.state.status === 'failed' && (
        <Typography variant="caption" color="error">
          {job.state.error}
        </Typography>
      )}
    </Box>
  );
}

/** Live jobs at the bottom of every page. */
export function JobsStrip() {
  const jobs = useJobs(5);
  const active = (jobs ?? []).filter((j) => ['running', 'queued', 'paused'].includes(j.state.status) || Date.now() - j.state.at < 30_000);
  if (active.length === 0) return null;
  return (
    <Box sx={{ borderTop: 1, borderColor: 'divider', px: 2, py: 0.5 }} data-testid="jobs-strip">
      {active.map((j) => (
        <JobRow key={j.id} job={j} />
      ))}
    </Box>
  );
}
