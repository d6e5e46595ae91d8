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

const PAGE = 24;

function SkippedFiles({ datasetId }: { datasetId: number }) {
  const page = useLive((a) => a.call('image.list', { datasetId, status: 'skipped', limit: 60 }), ['images', 'datasets'], [datasetId]);
  const items: ImageRow[] = page.data?.items ?? [];
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
}

/** A dataset's images as thumbnails, a page at a time (keyset pages of image.list), optionally one class only. */
function ImageBrowser({ datasetId, classId, total }: { datasetId: number; classId: number | undefined; total: number }) {
  const api = useApi();
  // The cursor each page starts after; page 0 starts at the beginning.
  const [starts, setStarts] = useState<(string | undefined)[]>([undefined]);
  const index = starts.length - 1;
  const start = starts[index];
  const loaded = useLive(
    async (a) => ({ start, page: await a.call('image.list', { datasetId, status: 'ok', limit: PAGE, ...(classId !== undefined ? { classId } : {}), ...(start ? { after: start } : {}) }) }),
    ['images', 'datasets'],
    [datasetId, classId, start],
  );
  // The previous page stays in `loaded` until this one arrives: never show it under this page's numbers.
  const page = loaded.data && loaded.data.start === start ? loaded.data.page : undefined;
  const items: ImageRow[] = page?.items ?? [];
  const first = index * PAGE + 1;
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }} data-testid="image-pager">
        <Button disabled={index === 0} onClick={() => setStarts(starts.slice(0, -1))}>
          Previous
        </Button>
        <Typography variant="body2">{items.length ? `${first}–${first + items.length - 1} of ${total}` : page ? 'no images' : '…'}</Typography>
        <Button disabled={!page?.next} onClick={() => page?.next && setStarts([...starts, page.next])}>
          Next
        </Button>
      </Stack>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.75 }} data-testid="image-strip">
        {items.map((i) =>
          i.thumbPath ? (
            <Box key={i.id} component="figure" sx={{ m: 0, width: 96 }}>
              <img src={api.fileUrl(i.thumbPath)} alt={i.path} title={`${i.path} (${i.className ?? 'no class'})`} width={96} height={96} style={{ objectFit: 'cover', borderRadius: 4, display: 'block' }} loading="lazy" />
              <Typography component="figcaption" variant="caption" noWrap sx={{ display: 'block' }}>
                {i.path.split('/').pop()}
              </Typography>
            </Box>
          ) : null,
        )}
      </Box>
    </Stack>
  );
}

export function DatasetsPage() {
  const datasets = useLive((a) => a.call('dataset.list', {}), ['datasets', 'images']);
  const [selected, setSelected] = useState<number>();
  const [view, setView] = useState<'ok' | 'skipped'>('ok');
  const [classId, setClassId] = useState<number>();
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
              <TableRow key={d.id} hover selected={selected === d.id} onClick={() => {
                  setSelected(d.id);
                  setClassId(undefined);
                }} sx={{ cursor: 'pointer' }}>
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
              {classes.data?.map((c) => (
                <Chip key={c.id} size="small" variant={classId === c.id ? 'filled' : 'outlined'} color={classId === c.id ? 'primary' : 'default'} label={`${c.name}: ${c.imageCount}`} onClick={() => setClassId(classId === c.id ? undefined : c.id)} />
              ))}
            </Stack>
            <Stack direction="row" spacing={1} sx={{ mb: 1 }}>
              <Button variant={view === 'ok' ? 'contained' : 'outlined'} onClick={() => setView('ok')}>
                Images
              </Button>
              <Button variant={view === 'skipped' ? 'contained' : 'outlined'} onClick={() => setView('skipped')} data-testid="show-skipped">
                Skipped files
              </Button>
            </Stack>
            {view === 'skipped' ? (
              <SkippedFiles datasetId={selected} />
            ) : (
              <ImageBrowser
                key={`${selected}-${classId ?? 'all'}`}
                datasetId={selected}
                classId={classId}
                total={classId !== undefined ? (classes.data?.find((c) => c.id === classId)?.imageCount ?? 0) : (datasets.data?.find((d) => d.id === selected)?.imageCount ?? 0)}
              />
            )}
          </CardContent>
        </Card>
      )}
    </Stack>
  );
}
