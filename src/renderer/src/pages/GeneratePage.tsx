import { useEffect, useState } from 'react';
import { Box, Button, Card, CardContent, Checkbox, FormControl, InputLabel, ListItemText, MenuItem, Select, Stack, TextField, Typography } from '@mui/material';
import { GUIDANCE_OBJECTIVES, OBJECTIVE_INFO, SETTING_ORIGINS, GenerateSettings, type GuidanceObjective, type GuidanceReduction, type Job, type ResizeFilter, type RouteOutput, type VaeLatentMode } from '../../../shared/api';
import { useApi, useApiEvents } from '../api/context';
import { useIndClasses } from '../api/use-ind-classes';
import { useJobs } from '../api/use-jobs';
import type { PageId } from '../navigation';
import { JobRow } from '../components/JobsStrip';
import { EmptyState } from '../components/EmptyState';
import { ErrorText } from '../components/ErrorText';
import { num } from '../format';

const DEFAULTS = GenerateSettings.parse({});
type NumKey = 'strength' | 'steps' | 'guidance' | 'iterations' | 'lr' | 'seed' | 'perImage' | 'batchSize' | 'officialTarget' | 'energyMargin' | 'energyTemperature';
const FIELDS: { key: NumKey; label: string; help: string }[] = [
  { key: 'strength', label: 'Strength', help: 'fraction of the schedule re-noised (0.6 → starts at t=601)' },
  { key: 'steps', label: 'Steps', help: 'PNDM steps' },
  { key: 'guidance', label: 'CFG scale', help: 'classifier-free guidance' },
  { key: 'iterations', label: 'Iterations', help: 'noise refinements per image' },
  { key: 'lr', label: 'Step size r', help: 'ε ← ε − (r/B)·∂L/∂u, u = z0/0.18215 the decoder input' },
  { key: 'seed', label: 'Seed', help: 'first seed; one more per extra candidate' },
  { key: 'perImage', label: 'Per image', help: 'candidates per source image' },
];
/** Shown only for the objective or reduction they belong to. */
const CONSTANT_FIELDS: { key: NumKey; label: string; help: string; when: (s: GenerateSettings) => boolean }[] = [
  { key: 'batchSize', label: 'Batch B', help: 'the official script averages its loss over B images: each step is r/B·∂ℓ/∂u', when: (s) => s.reduction === 'batch-mean' },
  { key: 'officialTarget', label: 'Target t', help: 'official loss (t − s)², s = mean(f) − logsumexp(f); official t = −5', when: (s) => s.objective === 'official' },
  { key: 'energyMargin', label: 'm_out', help: 'energy hinge max(0, m_out − E)²: pushes E up to m_out (Liu et al. 2020: −7)', when: (s) => s.objective === 'energy' },
  { key: 'energyTemperature', label: 'τ', help: 'E = −τ·logsumexp(f/τ)', when: (s) => s.objective === 'energy' },
];

function GenerateForm() {
  const api = useApi();
  const classes = useIndClasses() ?? [];
  const [settings, setSettings] = useState<GenerateSettings>(DEFAULTS);
  const [sourceType, setSourceType] = useState<'subset' | 'classes'>('classes');
  const [classIds, setClassIds] = useState<number[]>([]);
  const [error, setError] = useState<string>();
  const [started, setStarted] = useState<string>();
  const start = async () => {
    setError(undefined);
    try {
      const source = sourceType === 'subset' ? { type: 'subset' as const } : { type: 'classes' as const, classIds };
      const r = await api.call('generate.start', { source, settings });
      setStarted(`Queued ${r.items} item${r.items === 1 ? '' : 's'} as job ${r.jobId}.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="subtitle1" gutterBottom>
          Generate candidates
        </Typography>
        <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
          <FormControl size="small" sx={{ minWidth: 170 }}>
            <InputLabel>From</InputLabel>
            <Select label="From" value={sourceType} onChange={(e) => setSourceType(e.target.value as 'subset' | 'classes')}>
              <MenuItem value="classes">Chosen classes</MenuItem>
              <MenuItem value="subset">The InD subset (§1)</MenuItem>
            </Select>
          </FormControl>
          {sourceType === 'classes' && (
            <FormControl size="small" sx={{ minWidth: 240 }}>
              <InputLabel>Classes</InputLabel>
              <Select
                multiple
                label="Classes"
                value={classIds}
                onChange={(e) => setClassIds(e.target.value as number[])}
                renderValue={(ids) => (ids.length > 3 ? `${ids.length} classes` : ids.map((id) => classes.find((c) => c.id === id)?.name ?? id).join(', '))}
                data-testid="generate-classes"
              >
                {classes.map((c) => (
                  <MenuItem key={c.id} value={c.id}>
                    <Checkbox size="small" checked={classIds.includes(c.id)} />
                    <ListItemText primary={`${c.name} (${c.imageCount})`} />
                  </MenuItem>
                ))}
              </Select>
            </FormControl>
          )}
          <FormControl size="small" sx={{ minWidth: 250 }}>
            <InputLabel>Objective</InputLabel>
            <Select label="Objective" value={settings.objective} onChange={(e) => setSettings({ ...settings, objective: e.target.value as GuidanceObjective })} data-testid="generate-objective">
              {GUIDANCE_OBJECTIVES.map((o) => (
                <MenuItem key={o} value={o}>
                  {OBJECTIVE_INFO[o].label} — {OBJECTIVE_INFO[o].source}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <FormControl size="small" sx={{ minWidth: 150 }}>
            <InputLabel>Loss reduction</InputLabel>
            <Select
              label="Loss reduction"
              value={settings.reduction}
              onChange={(e) => {
                const reduction = e.target.value as GuidanceReduction;
                setSettings({ ...settings, reduction, batchSize: reduction === 'per-image' ? 1 : Math.max(2, settings.batchSize) });
              }}
              data-testid="generate-reduction"
            >
              <MenuItem value="per-image">Per image (B = 1)</MenuItem>
              <MenuItem value="batch-mean">Batch mean (official script)</MenuItem>
            </Select>
          </FormControl>
          <FormControl size="small" sx={{ minWidth: 150 }}>
            <InputLabel>VAE latent</InputLabel>
            <Select label="VAE latent" value={settings.vaeLatent} onChange={(e) => setSettings({ ...settings, vaeLatent: e.target.value as VaeLatentMode })}>
              <MenuItem value="sample">Seeded sample (official pipeline)</MenuItem>
              <MenuItem value="mean">Posterior mean</MenuItem>
            </Select>
          </FormControl>
          <FormControl size="small" sx={{ minWidth: 150 }}>
            <InputLabel>Classifier resize</InputLabel>
            <Select label="Classifier resize" value={settings.resizeFilter} onChange={(e) => setSettings({ ...settings, resizeFilter: e.target.value as ResizeFilter })}>
              <MenuItem value="bilinear-antialias">Bilinear, antialiased (torchvision ≥ 0.17)</MenuItem>
              <MenuItem value="bilinear">Bilinear, no antialias</MenuItem>
            </Select>
          </FormControl>
          {CONSTANT_FIELDS.filter((f) => f.when(settings)).map((f) => (
            <TextField
              key={f.key}
              label={f.label}
              type="number"
              value={settings[f.key]}
              title={f.help}
              sx={{ width: 110 }}
              onChange={(e) => setSettings({ ...settings, [f.key]: Number(e.target.value) })}
              slotProps={{ htmlInput: { step: 'any', 'data-testid': `gen-${f.key}` } }}
            />
          ))}
          {FIELDS.map((f) => (
            <TextField
              key={f.key}
              label={f.label}
              type="number"
              value={settings[f.key]}
              title={f.help}
              sx={{ width: 120 }}
              onChange={(e) => setSettings({ ...settings, [f.key]: Number(e.target.value) })}
              slotProps={{ htmlInput: { step: 'any', 'data-testid': `gen-${f.key}` } }}
            />
          ))}
        </Stack>
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }} data-testid="generate-origins">
          Whose defaults: {SETTING_ORIGINS.map((o) => `${o.label}: ${o.origin}`).join(' · ')}. The objective moves images toward OOD: {OBJECTIVE_INFO[settings.objective].effect}.
        </Typography>
        <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
          <Button variant="contained" onClick={() => void start()} disabled={sourceType === 'classes' && classIds.length === 0} data-testid="generate-start">
            Queue generation
          </Button>
          <Button onClick={() => setSettings(DEFAULTS)}>Reset to defaults</Button>
          {started && <Typography variant="body2">{started}</Typography>}
        </Stack>
        <ErrorText error={error} />
      </CardContent>
    </Card>
  );
}

/** The current image of a running generate job: its source, its iterations and their losses, fed by job events. */
function LiveView({ job }: { job: Job }) {
  const api = useApi();
  const [live, setLive] = useState<RouteOutput<'generate.live'>>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    api.call('generate.live', { jobId: job.id }).then(
      (r) => alive && setLive(r),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [job.id, tick]);
  useApiEvents((e) => (e.type === 'job.progress' || e.type === 'job.state') && e.jobId === job.id && setTick((t) => t + 1), [job.id]);
  const l = live?.latest;
  return (
    <Card variant="outlined" data-testid="live-view">
      <CardContent>
        <Typography variant="subtitle2">Live: {job.title}</Typography>
        <Typography variant="caption" color="text.secondary">
          {job.state.status} · now on {job.progress.current ?? '—'} · {live?.done ?? 0} written
        </Typography>
        {!l ? (
          <Typography variant="body2" sx={{ mt: 1 }}>
            The first image appears here once its last iteration is written.
          </Typography>
        ) : (
          <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'flex-end' }}>
            {l.sourceThumbPath && (
              <Box sx={{ textAlign: 'center' }}>
                <img src={api.fileUrl(l.sourceThumbPath)} width={112} height={112} style={{ objectFit: 'cover', borderRadius: 4 }} alt="source" />
                <Typography variant="caption" component="div">
                  source
                </Typography>
              </Box>
            )}
            {l.previews.map((p) => (
              <Box key={p.iteration} sx={{ textAlign: 'center' }}>
                <img src={api.fileUrl(p.path)} width={112} height={112} style={{ objectFit: 'cover', borderRadius: 4 }} alt={`iteration ${p.iteration}`} />
                <Typography variant="caption" component="div">
                  it {p.iteration} · loss {num(p.loss)}
                </Typography>
              </Box>
            ))}
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}

export function GeneratePage({ onNavigate }: { onNavigate: (p: PageId) => void }) {
  const classes = useIndClasses();
  const jobs = (useJobs(100) ?? []).filter((j) => j.kind === 'generate.candidates');
  const current = jobs.find((j) => j.state.status === 'running') ?? jobs.find((j) => ['queued', 'paused'].includes(j.state.status)) ?? jobs[0];
  if (classes && classes.length === 0)
    return <EmptyState text="Generation starts from in-distribution training images. Import an ImageFolder with the role 'InD train' first." action="Go to Datasets" onAction={() => onNavigate('datasets')} />;
  return (
    <Stack spacing={2} data-testid="generate-page">
      <GenerateForm />
      {current && <LiveView job={current} />}
      <Card variant="outlined">
        <CardContent>
          <Typography variant="subtitle1">Queue</Typography>
          {jobs.length === 0 ? (
            <Typography variant="body2">Nothing queued. Pick classes above and queue a generation; progress, ETA and pause/resume/cancel show here.</Typography>
          ) : (
            jobs.map((j) => <JobRow key={j.id} job={j} />)
          )}
        </CardContent>
      </Card>
    </Stack>
  );
}
