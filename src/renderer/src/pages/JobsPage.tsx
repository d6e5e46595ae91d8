import { useState } from 'react';
import { Box, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useLive } from '../api/context';
import { JobRow } from '../components/JobsStrip';
import { useJobs } from '../api/use-jobs';

function FailedItems({ jobId }: { jobId: number }) {
  const items = useLive((a) => a.call('job.items', { id: jobId, status: 'failed', limit: 100 }), ['datasets', 'candidates', 'runs'], [jobId]);
  if (!items.data?.length) return <Typography variant="body2">No failed items.</Typography>;
  return (
    <Table size="small">
      <TableHead>
        <TableRow>
          <TableCell>Item</TableCell>
          <TableCell>Reason</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {items.data.map((i) => (
          <TableRow key={i.seq}>
            <TableCell>{i.key}</TableCell>
            <TableCell>{i.error}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function JobsPage() {
  const jobs = useJobs(100);
  const [open, setOpen] = useState<number>();
  if (jobs && jobs.length === 0) return <Typography>No jobs yet. Importing a dataset, generating candidates or training starts one; they show here with their progress.</Typography>;
  return (
    <Stack spacing={1} data-testid="jobs-page">
      {jobs?.map((j) => (
        <Box key={j.id} onClick={() => setOpen(j.id)} sx={{ cursor: 'pointer' }}>
          <JobRow job={j} />
          {open === j.id && <FailedItems jobId={j.id} />}
        </Box>
      ))}
    </Stack>
  );
}
