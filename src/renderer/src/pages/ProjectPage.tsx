import { useState } from 'react';
import { Box, Button, Card, CardContent, List, ListItemButton, ListItemText, Stack, TextField, Typography } from '@mui/material';
import type { Project } from '../../../shared/api';
import { useApi, useLive } from '../api/context';
import { ErrorText } from '../components/ErrorText';
import { when } from '../format';

export function ProjectPage({ project, onOpened }: { project: Project | null; onOpened: () => void }) {
  const api = useApi();
  const recent = useLive((a) => a.call('project.recent', {}), ['projects']);
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const run = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      onOpened();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Stack spacing={2} sx={{ maxWidth: 760 }}>
      {project ? (
        <Card variant="outlined">
          <CardContent>
            <Typography variant="overline">Open project</Typography>
            <Typography variant="h5" data-testid="project-name">
              {project.name}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {project.dir} · schema v{project.schemaVersion}
            </Typography>
          </CardContent>
        </Card>
      ) : (
        <Typography variant="body1" data-testid="empty-project">
          No project is open. Create one in an empty folder, or open an existing project folder — then import your in-distribution images under Datasets.
        </Typography>
      )}
      <Card variant="outlined">
        <CardContent>
          <Typography variant="subtitle1" gutterBottom>
            Create or open
          </Typography>
          <Stack spacing={1.5}>
            <TextField label="Project folder (absolute path)" value={dir} onChange={(e) => setDir(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'project-dir' } }} />
            <TextField label="Name (for a new project)" value={name} onChange={(e) => setName(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'project-name-input' } }} />
            <Box sx={{ display: 'flex', gap: 1 }}>
              <Button variant="contained" disabled={!dir || !name} onClick={() => run(() => api.call('project.create', { dir, name }))} data-testid="project-create">
                Create
              </Button>
              <Button variant="outlined" disabled={!dir} onClick={() => run(() => api.call('project.open', { dir }))} data-testid="project-open">
                Open
              </Button>
            </Box>
            <ErrorText error={error} />
          </Stack>
        </CardContent>
      </Card>
      {recent.data && recent.data.length > 0 && (
        <Card variant="outlined">
          <CardContent>
            <Typography variant="subtitle1">Recent</Typography>
            <List dense data-testid="recent-projects">
              {recent.data.map((r) => (
                <ListItemButton key={r.dir} selected={project?.dir === r.dir} onClick={() => run(() => api.call('project.open', { dir: r.dir }))}>
                  <ListItemText primary={r.name} secondary={`${r.dir} · opened ${when(r.openedAt)}`} slotProps={{ secondary: { sx: { wordBreak: 'break-all' } } }} />
                </ListItemButton>
              ))}
            </List>
          </CardContent>
        </Card>
      )}
    </Stack>
  );
}
