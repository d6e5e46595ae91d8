import { useEffect, useState } from 'react';
import { Box, Button, Card, CardContent, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControl, FormControlLabel, InputLabel, MenuItem, Select, Stack, Switch, Typography } from '@mui/material';
import { useApi, useLive } from '../api/context';
import type { PageId } from '../navigation';
import { EmptyState } from '../components/EmptyState';
import { ErrorText } from '../components/ErrorText';
import { downloadText } from '../components/download';
import { LineOverlay } from './runs/LineOverlay';
import { runColour } from './runs/palette';
import { CompareTable } from './runs/CompareTable';
import { ConfigDiff } from './runs/ConfigDiff';
import { TrainingData } from './runs/TrainingData';
import { UncertaintyTable } from './runs/UncertaintyTable';
import { ReviewActions } from './runs/ReviewActions';

export function ComparePage({ onNavigate }: { onNavigate: (p: PageId) => void }) {
  const api = useApi();
  const [baselineId, setBaselineId] = useState<number>();
  const [chosen, setChosen] = useState<number[] | null>(null);
  const [metric, setMetric] = useState('loss');
  const [rocSet, setRocSet] = useState<string>();
  const [onlyDiff, setOnlyDiff] = useState(true);
  const [exported, setExported] = useState<{ text: string; file: string; format: 'markdown' | 'latex' }>();
  const [error, setError] = useState<string>();
  // The zero-shot baseline is always offered: it is created on first visit if the project has none.
  const runs = useLive(async (a) => {
    const base = await a.call('run.baseline', {});
    return { base, all: await a.call('run.list', {}) };
  }, ['runs']);
  useEffect(() => {
    if (!runs.data || chosen !== null) return;
    const { base, all } = runs.data;
    setBaselineId(base.id);
    const evaluated = all.filter((r) => r.average && r.id !== base.id).slice(0, 2);
    setChosen([base.id, ...evaluated.map((r) => r.id)]);
  }, [runs.data, chosen]);
  const ids = chosen ?? [];
  const key = ids.join(',');
  const cmp = useLive((a) => (ids.length ? a.call('compare.runs', { runIds: ids }) : Promise.resolve(null)), ['runs'], [key]);
  const metrics = useLive((a) => (ids.length ? a.call('run.metrics', { runIds: ids, maxPoints: 300 }) : Promise.resolve([])), ['runs'], [key]);
  const curves = useLive((a) => (ids.length ? a.call('evaluation.curves', { runIds: ids }) : Promise.resolve([])), ['runs'], [key]);
  const all = runs.data?.all ?? [];
  const nameOf = (id: number) => all.find((r) => r.id === id)?.name ?? `run ${id}`;
  const toggle = (id: number) => setChosen(ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]);
  const doExport = async (format: 'markdown' | 'latex') => {
    setError(undefined);
    try {
      const r = await api.call('compare.export', { runIds: ids, format });
      setExported({ ...r, format });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const metricNames = [...new Set((metrics.data ?? []).map((s) => s.name))];
  const oodSets = cmp.data?.oodSets ?? [];
  const shownSet = rocSet && oodSets.includes(rocSet) ? rocSet : oodSets[0];
  return (
    <Stack spacing={2} data-testid="compare-page">
      <ErrorText error={error ?? runs.error ?? cmp.error} />
      <Card variant="outlined">
        <CardContent>
          <Typography variant="subtitle2">Runs to compare</Typography>
          <Stack direction="row" useFlexGap spacing={1} sx={{ flexWrap: 'wrap' }}>
            {all.map((r) => (
              <FormControlLabel
                key={r.id}
                control={<Checkbox size="small" checked={ids.includes(r.id)} onChange={() => toggle(r.id)} slotProps={{ input: { 'aria-label': `compare ${r.name}` } }} />}
                label={`${r.name}${r.average ? '' : ' (not evaluated)'}`}
                data-testid={`compare-pick-${r.id}`}
              />
            ))}
          </Stack>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 1 }}>
            <FormControl size="small" sx={{ minWidth: 260 }}>
              <InputLabel>Deltas against</InputLabel>
              <Select label="Deltas against" value={baselineId ?? ''} onChange={(e) => setBaselineId(Number(e.target.value))} data-testid="compare-baseline">
                {ids.map((id) => (
                  <MenuItem key={id} value={id}>
                    {nameOf(id)}
                  </MenuItem>
                ))}
              </Select>
            </FormControl>
            <Button variant="outlined" disabled={!ids.length} onClick={() => void doExport('markdown')} data-testid="export-markdown">
              Export Markdown
            </Button>
            <Button variant="outlined" disabled={!ids.length} onClick={() => void doExport('latex')} data-testid="export-latex">
              Export LaTeX
            </Button>
          </Stack>
          <ReviewActions runIds={ids} baselineId={baselineId} nameOf={nameOf} />
        </CardContent>
      </Card>
      {ids.length < 2 && <EmptyState text="Pick two or more runs to see them side by side. The zero-shot NegLabel baseline is always in the list; train a run under Train to compare it against." action="Go to Train" onAction={() => onNavigate('train')} />}
      {cmp.data && ids.length > 0 && <CompareTable data={cmp.data} baselineId={baselineId} />}
      {ids.length > 0 && <UncertaintyTable runIds={ids} baselineId={baselineId} />}
      {ids.length > 0 && (
        <Stack direction="row" spacing={2}>
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <FormControl size="small" sx={{ minWidth: 160, mb: 1 }}>
              <InputLabel>Training curve</InputLabel>
              <Select label="Training curve" value={metricNames.includes(metric) ? metric : (metricNames[0] ?? '')} onChange={(e) => setMetric(e.target.value)}>
                {metricNames.map((n) => (
                  <MenuItem key={n} value={n}>
                    {n}
                  </MenuItem>
                ))}
              </Select>
            </FormControl>
            <LineOverlay
              title={`Training ${metric} (overlaid)`}
              xLabel="step"
              yLabel={metric}
              exportName={`compare-${metric}`}
              series={(metrics.data ?? []).filter((s) => s.name === (metricNames.includes(metric) ? metric : metricNames[0])).map((s) => ({ name: nameOf(s.runId), colour: runColour(s.runId), points: s.points.map((p) => ({ x: p.step, y: p.value })) }))}
            />
          </Box>
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <FormControl size="small" sx={{ minWidth: 160, mb: 1 }}>
              <InputLabel>ROC on</InputLabel>
              <Select label="ROC on" value={shownSet ?? ''} onChange={(e) => setRocSet(e.target.value)}>
                {oodSets.map((s) => (
                  <MenuItem key={s} value={s}>
                    {s}
                  </MenuItem>
                ))}
              </Select>
            </FormControl>
            <LineOverlay
              title={`ROC on ${shownSet ?? '–'} (overlaid)`}
              diagonal
              xDomain={[0, 1]}
              yDomain={[0, 1]}
              xLabel="false positive rate"
              yLabel="true positive rate"
              exportName={`compare-roc-${shownSet ?? 'none'}`}
              series={(curves.data ?? [])
                .filter((c) => c.oodName === shownSet)
                .map((c) => ({ name: nameOf(c.runId), colour: runColour(c.runId), dashed: c.runId === baselineId, points: c.curves.roc.fpr.map((x, k) => ({ x, y: c.curves.roc.tpr[k]! })) }))}
            />
          </Box>
        </Stack>
      )}
      {cmp.data && ids.length > 0 && (
        <>
          <Stack direction="row" sx={{ alignItems: 'center' }}>
            <Typography variant="subtitle1" sx={{ flex: 1 }}>
              Configuration
            </Typography>
            <FormControlLabel control={<Switch checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} />} label="only differences" data-testid="only-diff" />
          </Stack>
          <ConfigDiff rows={cmp.data.configDiff} names={cmp.data.runs.map((r) => r.run.name)} onlyDiff={onlyDiff} runName={(id) => all.find((r) => r.id === id)?.name} />
          <Typography variant="subtitle1">Data each run trained on</Typography>
          <TrainingData runs={cmp.data.runs} />
        </>
      )}
      <Dialog open={!!exported} onClose={() => setExported(undefined)} maxWidth="lg" fullWidth>
        <DialogTitle>{exported?.format === 'latex' ? 'LaTeX' : 'Markdown'} table (saved as {exported?.file})</DialogTitle>
        <DialogContent>
          <Box component="pre" sx={{ fontSize: 12, overflow: 'auto', p: 1, bgcolor: 'action.hover', borderRadius: 1 }} data-testid="export-text">
            {exported?.text}
          </Box>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => exported && void navigator.clipboard?.writeText(exported.text)}>Copy</Button>
          <Button onClick={() => exported && downloadText(exported.file.split('/').pop()!, exported.text, exported.format === 'latex' ? 'application/x-tex' : 'text/markdown')}>Download</Button>
          <Button onClick={() => setExported(undefined)}>Close</Button>
        </DialogActions>
      </Dialog>
    </Stack>
  );
}
