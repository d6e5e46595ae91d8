import { useState } from 'react';
import { Box, Button, Card, CardContent, Chip, FormControl, InputLabel, MenuItem, Select, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import type { DatasetKind, ImageRow } from '../../../shared/api';
import { useApi, useLive } from '../api/context';
import { ErrorText } from '../components/ErrorText';

function ImportForm() {
  const api = useApi();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<DatasetKind>('ind-train');
  const [type, setType] = useState<'imagefolder' | 'flat' | 'list'>('imagefolder');
  const [path, setPath] = useState('');
  const [error, setError] = useState<string>();
  const [started, setStarted] = useState<string>();
  const submit = async () => {
    setError(undefined);
    try {
      const source = type === 'list' ? { type: 'list' as const, path } : { type: 'folder' as const, path, layout: type };
      const r = await api.call('dataset.import', { name, kind, source });
      setStarted(`Import started (job ${r.jobId}); progress shows below.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="subtitle1" gutterBottom>
          Import images
        </Typography>
        <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
          <TextField label="Dataset name" value={name} onChange={(e) => setName(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'import-name' } }} />
          <FormControl size="small" sx={{ minWidth: 150 }}>
            <InputLabel>Role</InputLabel>
            <Select label="Role" value={kind} onChange={(e) => setKind(e.target.value as DatasetKind)}>
              <MenuItem value="ind-train">InD train</MenuItem>
              <MenuItem value="ind-test">InD test</MenuItem>
              <MenuItem value="ood-test">OOD test</MenuItem>
            </Select>
          </FormControl>
          <FormControl size="small" sx={{ minWidth: 170 }}>
            <InputLabel>Layout</InputLabel>
            <Select label="Layout" value={type} onChange={(e) => setType(e.target.value as typeof type)}>
              <MenuItem value="imagefolder">ImageFolder (class folders)</MenuItem>
              <MenuItem value="flat">Flat folder</MenuItem>
              <MenuItem value="list">List file (path [label])</MenuItem>
            </Select>
          </FormControl>
          <TextField sx={{ flexGrow: 1, minWidth: 280 }} label={type === 'list' ? 'List file path' : 'Folder path'} value={path} onChange={(e) => setPath(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'import-path' } }} />
          <Button variant="contained" disabled={!name || !path} onClick={submit} data-testid="import-start">
            Import
          </Button>
        </Stack>
        <ErrorText error={error} />
        {started && (
          <Typography variant="body2" sx={{ mt: 1 }}>
            {started}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

function DatasetImages({ datasetId, status }: { datasetId: number; status: 'ok' | 'skipped' }) {
  const api = useApi();
  const page = useLive((a) => a.call('image.list', { datasetId, status, limit: 60 }), ['images', 'datasets'], [datasetId, status]);
  const items: ImageRow[] = page.data?.items ?? [];
  if (status === 'skipped')
    return items.length === 0 ? (
      <Typography variant="body2">No skipped files.</Typography>
    ) : (
      <Table size="small" data-testid="skipped-table">
        <TableHead>
          <TableRow>
            <TableCell>File</TableCell>
            <TableCell>Reason</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map((i) => (
            <TableRow key={i.id}>
              <TableCell>{i.path}</TableCell>
              <TableCell>{i.skipReason}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }} data-testid="image-strip">
      {items.map((i) => (i.thumbPath ? <img key={i.id} src={api.fileUrl(i.thumbPath)} alt={i.path} title={`${i.path} (${i.className ?? 'no class'})`} width={64} height={64} style={{ objectFit: 'cover' }} loading="lazy" /> : null))}
    </Box>
  );
}

export function DatasetsPage() {
  const datasets = useLive((a) => a.call('dataset.list', {}), ['datasets', 'images']);
  const [selected, setSelected] = useState<number>();
  const [view, setView] = useState<'ok' | 'skipped'>('ok');
  const classes = useLive((a) => (selected ? a.call('dataset.classes', { datasetId: selected }) : Promise.resolve([])), ['datasets', 'images'], [selected]);
  return (
    <Stack spacing={2}>
      <ImportForm />
      <ErrorText error={datasets.error} />
      {datasets.data && datasets.data.length === 0 && <Typography data-testid="datasets-empty">No datasets yet. Import an ImageFolder of your in-distribution training images first, then test and OOD sets.</Typography>}
      {datasets.data && datasets.data.length > 0 && (
        <Table size="small" data-testid="datasets-table">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Role</TableCell>
              <TableCell align="right">Images</TableCell>
              <TableCell align="right">Classes</TableCell>
              <TableCell align="right">Skipped</TableCell>
              <TableCell>Source</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {datasets.data.map((d) => (
              <TableRow key={d.id} hover selected={selected === d.id} onClick={() => setSelected(d.id)} sx={{ cursor: 'pointer' }}>
                <TableCell>{d.name}</TableCell>
                <TableCell>
                  <Chip size="small" label={d.kind} />
                </TableCell>
                <TableCell align="right">{d.imageCount}</TableCell>
                <TableCell align="right">{d.classCount}</TableCell>
                <TableCell align="right">{d.skippedCount}</TableCell>
                <TableCell sx={{ maxWidth: 320, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{d.sourcePath}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {selected !== undefined && (
        <Card variant="outlined">
          <CardContent>
            <Stack direction="row" spacing={1} useFlexGap sx={{ mb: 1, flexWrap: 'wrap' }}>
              {classes.data?.map((c) => <Chip key={c.id} size="small" variant="outlined" label={`${c.name}: ${c.imageCount}`} />)}
            </Stack>
            <Stack direction="row" spacing={1} sx={{ mb: 1 }}>
              <Button variant={view === 'ok' ? 'contained' : 'outlined'} onClick={() => setView('ok')}>
                Images
              </Button>
              <Button variant={view === 'skipped' ? 'contained' : 'outlined'} onClick={() => setView('skipped')} data-testid="show-skipped">
                Skipped files
              </Button>
            </Stack>
            <DatasetImages datasetId={selected} status={view} />
          </CardContent>
        </Card>
      )}
    </Stack>
  );
}
