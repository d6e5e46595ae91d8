import { useState } from 'react';
import { Box, Stack, Table, TableBody, TableCell, TableHead, TableRow, ToggleButton, ToggleButtonGroup, Tooltip, Typography } from '@mui/material';
import type { Job } from '../../../shared/api';
import { useLive } from '../api/context';
import { formatDuration, JobRow } from '../components/JobsStrip';
import { useJobs } from '../api/use-jobs';
import { touchedBy } from '../api/job-refresh';

const LIMIT = 200;
const time = (ms: number | null) => (ms === null ? '—' : new Date(ms).toLocaleTimeString());

/** A job's items, each described for people (the image and seed, not "20:0"), with when it ran and how long it took. */
function JobItems({ job }: { job: Job }) {
  const [which, setWhich] = useState<'all' | 'failed'>(job.progress.failed > 0 ? 'failed' : 'all');
  const items = useLive((a) => a.call('job.items', { id: job.id, status: which, limit: LIMIT }), [...touchedBy(job.kind), 'datasets'], [job.id, which]);
  const total = which === 'failed' ? job.progress.failed : job.progress.total;
  return (
    <Box sx={{ pl: 2, pb: 1 }} onClick={(e) => e.stopPropagation()}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 0.5 }}>
        <ToggleButtonGroup size="small" exclusive value={which} onChange={(_, v: 'all' | 'failed' | null) => v && setWhich(v)}>
          <ToggleButton value="all">All items</ToggleButton>
          <ToggleButton value="failed">Failed ({job.progress.failed})</ToggleButton>
        </ToggleButtonGroup>
        {total > LIMIT && (
          <Typography variant="caption" color="text.secondary">
            the first {LIMIT} of {total.toLocaleString()}
          </Typography>
        )}
      </Stack>
      {items.data && items.data.length === 0 ? (
        <Typography variant="body2">{which === 'failed' ? 'No failed items.' : 'No items.'}</Typography>
      ) : (
        <Table size="small" data-testid={`job-items-${job.id}`}>
          <TableHead>
            <TableRow>
              <TableCell>#</TableCell>
              <TableCell>Item</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>
                <Tooltip title="Items run one after another: an item starts when the one before it finishes (the first when the job starts).">
                  <span>Started</span>
                </Tooltip>
              </TableCell>
              <TableCell>Finished</TableCell>
              <TableCell align="right">Duration</TableCell>
              <TableCell>Reason</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(items.data ?? []).map((i) => (
              <TableRow key={i.seq}>
                <TableCell>{i.seq + 1}</TableCell>
                <TableCell title={i.key}>{i.label}</TableCell>
                <TableCell>{i.status}</TableCell>
                <TableCell>{time(i.startedAt)}</TableCell>
                <TableCell>{time(i.finishedAt)}</TableCell>
                <TableCell align="right">{formatDuration(i.durationMs)}</TableCell>
                <TableCell>{i.error ?? ''}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

export function JobsPage() {
  const jobs = useJobs(100);
  const [open, setOpen] = useState<number>();
  if (jobs && jobs.length === 0) return <Typography>No jobs yet. Importing a dataset, generating candidates or training starts one; they show here with their progress.</Typography>;
  return (
    <Stack spacing={1} data-testid="jobs-page">
      <Typography variant="caption" color="text.secondary">
        Click a job to see its items.
      </Typography>
      {jobs?.map((j) => (
        <Box key={j.id} onClick={() => setOpen(open === j.id ? undefined : j.id)} sx={{ cursor: 'pointer' }}>
          <JobRow job={j} />
          {open === j.id && <JobItems job={j} />}
        </Box>
      ))}
    </Stack>
  );
}
