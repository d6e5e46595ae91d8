import { useEffect, useState } from 'react';
import { Alert, Box, Button, Card, CardContent, Checkbox, Dialog, FormControlLabel, DialogActions, DialogContent, DialogTitle, FormControl, InputLabel, ListItemText, MenuItem, Select, Stack, TextField, Typography } from '@mui/material';
import { GUIDANCE_OBJECTIVES, OBJECTIVE_INFO, SETTING_ORIGINS, GenerateSettings, type GuidanceObjective, type GuidanceReduction, type Job, type ResizeFilter, type RouteOutput, type VaeLatentMode } from '../../../shared/api';
import { useApi, useApiEvents, useLive } from '../api/context';
import { useIndClasses } from '../api/use-ind-classes';
import { useJobs } from '../api/use-jobs';
import { generateCandidatesJob } from '../../../shared/jobs';
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

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** What a repeat is a repeat of, in words. */
function repeatsText(d: RouteOutput<'generate.preview'>['duplicates']): string {
  if (d.length !== 1) return 'existing candidates or items still queued';
  const r = d[0]!;
  return r.candidateId !== null ? `candidate #${r.candidateId}` : `an item still queued in job ${r.jobId}`;
}

function GenerateForm() {
  const api = useApi();
  const classes = useIndClasses() ?? [];
  const [settings, setSettings] = useState<GenerateSettings>(DEFAULTS);
  const [sourceType, setSourceType] = useState<'subset' | 'classes'>('classes');
  const [classIds, setClassIds] = useState<number[]>([]);
  const [error, setError] = useState<string>();
  const [started, setStarted] = useState<string>();
  const [preview, setPreview] = useState<RouteOutput<'generate.preview'>>();
  const [confirmMissing, setConfirmMissing] = useState(false);
  const [tick, setTick] = useState(0);
  const source = sourceType === 'subset' ? { type: 'subset' as const } : { type: 'classes' as const, classIds };
  const ready = sourceType === 'subset' || classIds.length > 0;
  const request = JSON.stringify({ source, settings });
  // What queueing would do, before it is done: images without a context prompt, items that would repeat a candidate.
  useEffect(() => {
    if (!ready) {
      setPreview(undefined);
      return;
    }
    let alive = true;
    const t = setTimeout(() => {
      api.call('generate.preview', { source, settings }).then(
        (p) => alive && setPreview(p),
        () => alive && setPreview(undefined),
      );
    }, 200);
    return () => {
      alive = false;
      clearTimeout(t);
    };
    // source and settings are new objects every render; `request` is their JSON, so this reruns when their value changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, request, ready, tick]);
  // Prompts written, or a job ended (its candidates may now be repeats): not on every candidate a running job writes.
  useApiEvents((e) => ((e.type === 'data.changed' && e.entity === 'prompts') || e.type === 'job.state') && setTick((n) => n + 1));
  const missing = preview?.withoutPrompt ?? [];
  const repeats = preview?.duplicates ?? [];
  const queue = async () => {
    setError(undefined);
    setConfirmMissing(false);
    try {
      const r = await api.call('generate.start', { source, settings });
      setStarted(
        `Queued ${plural(r.items, 'item')} as job ${r.jobId}` +
          (r.skipped ? `; skipped ${r.skipped} that would repeat an existing candidate (same source image, seed, settings and prompt)` : '') +
          (r.withoutPrompt ? `; ${r.withoutPrompt} of them have no context prompt yet and fail until they do (a retry then uses it)` : '') +
          '.',
      );
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const start = () => {
    // Warn first: items of images without a prompt would only fail.
    if (missing.length > 0) setConfirmMissing(true);
    else void queue();
  };
  const describeMissing = async () => {
    setError(undefined);
    setConfirmMissing(false);
    try {
      const r = await api.call('prompt.describe', { imageIds: missing });
      setStarted(`Describer queued as job ${r.jobId} for ${plural(missing.length, 'image')}; queue the generation once it is done (it shows under Jobs).`);
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
          {[...CONSTANT_FIELDS.filter((f) => f.when(settings)), ...FIELDS].map((f) => (
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
          <FormControlLabel
            control={<Checkbox size="small" checked={settings.saveUnguided} onChange={(e) => setSettings({ ...settings, saveUnguided: e.target.checked })} slotProps={{ input: { 'aria-describedby': 'gen-unguided-help' } }} data-testid="gen-saveUnguided" />}
            label="Keep the unguided image"
            title="Iteration 1's decode: the same seed before any guidance update, shown beside the candidate on Curate (one PNG per candidate, no extra model call)"
          />
          <span id="gen-unguided-help" hidden>
            Iteration 1's decode, the same seed before any guidance update, shown beside the candidate on the Curate page.
          </span>
        </Stack>
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }} data-testid="generate-origins">
          Whose defaults: {SETTING_ORIGINS.map((o) => `${o.label}: ${o.origin}`).join(' · ')}. The objective moves images toward OOD: {OBJECTIVE_INFO[settings.objective].effect}.
        </Typography>
        {preview && (
          <Typography variant="caption" component="div" sx={{ mt: 1 }} data-testid="generate-preview">
            {plural(preview.images, 'image')} · {plural(preview.items, 'item')} ({settings.perImage} per image)
          </Typography>
        )}
        {missing.length > 0 && preview && (
          <Alert
            severity="warning"
            sx={{ mt: 1 }}
            data-testid="generate-missing-prompts"
            action={
              <Button color="inherit" size="small" onClick={() => void describeMissing()} data-testid="describe-missing-inline">
                Describe {plural(missing.length, 'image')} first
              </Button>
            }
          >
            {missing.length} of {plural(preview.images, 'image')} have no context prompt: their items would fail ("no context prompt") until the describer (or a person) writes one.
          </Alert>
        )}
        {repeats.length > 0 && preview && (
          <Alert severity="info" sx={{ mt: 1 }} data-testid="generate-duplicates">
            {repeats.length} of {plural(preview.items, 'item')} would repeat {repeatsText(repeats)} (same source image, seed, settings and prompt): {repeats.length === 1 ? 'it is' : 'they are'} skipped when
            queued. Change the seed or a setting to make new ones.
          </Alert>
        )}
        <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
          <Button variant="contained" onClick={start} disabled={!ready} data-testid="generate-start">
            Queue generation
          </Button>
          <Button onClick={() => setSettings(DEFAULTS)}>Reset to defaults</Button>
          {!ready && (
            <Typography variant="caption" color="text.secondary" data-testid="generate-start-hint">
              Pick at least one class above, or generate from the InD subset.
            </Typography>
          )}
          {started && (
            <Typography variant="body2" data-testid="generate-message">
              {started}
            </Typography>
          )}
        </Stack>
        <ErrorText error={error} />
        <Dialog open={confirmMissing} onClose={() => setConfirmMissing(false)} data-testid="missing-prompts-dialog">
          <DialogTitle>{plural(missing.length, 'image')} without a context prompt</DialogTitle>
          <DialogContent>
            <Typography>
              {missing.length} of the {plural(preview?.images ?? 0, 'chosen image')} have no context prompt yet, so their items would fail. Describe them first (a describe job), then queue the
              generation; or queue it now: those items fail with the reason, and retrying them once the images have prompts uses those prompts.
            </Typography>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setConfirmMissing(false)}>Cancel</Button>
            <Button onClick={() => void queue()} data-testid="queue-anyway">
              Queue anyway
            </Button>
            <Button variant="contained" onClick={() => void describeMissing()} data-testid="describe-missing">
              Describe them first
            </Button>
          </DialogActions>
        </Dialog>
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
  }, [api, job.id, tick]);
  useApiEvents((e) => (e.type === 'job.progress' || e.type === 'job.state') && e.jobId === job.id && setTick((t) => t + 1));
  const l = live?.latest;
  return (
    <Card variant="outlined" data-testid="live-view">
      <CardContent>
        <Typography variant="subtitle2">Live: {job.title}</Typography>
        <Typography variant="caption" color="text.secondary">
          {job.state.status}
          {job.state.status === 'running' && job.progress.current ? ` · now on ${job.progress.current}` : ''} · {live?.done ?? 0} written
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

/**
 * Why the latest generate job's items failed, grouped by reason, with the ways out: retry them (an item queued
 * before its image had a prompt uses the prompt it has now), or describe the images that had none.
 */
function LatestFailures({ job }: { job: Job }) {
  const api = useApi();
  const items = useLive((a) => a.call('job.items', { id: job.id, status: 'failed', limit: 500 }), ['prompts'], [job.id, job.progress.failed, job.state.status]);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const groups = new Map<string, string[]>();
  for (const it of items.data ?? []) {
    const reason = it.error ?? 'no reason recorded';
    groups.set(reason, [...(groups.get(reason) ?? []), it.key]);
  }
  const noPrompt = [...new Set([...groups.entries()].filter(([r]) => /no context prompt/.test(r)).flatMap(([, keys]) => keys.map((k) => Number(k.split(':')[0]))))].filter((n) => Number.isInteger(n));
  const act = async (what: Promise<string>) => {
    setError(undefined);
    try {
      setMessage(await what);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  if (groups.size === 0) return null;
  const running = ['running', 'queued'].includes(job.state.status);
  return (
    <Card variant="outlined" data-testid="generate-failures">
      <CardContent>
        <Typography variant="subtitle2">
          Job {job.id}: {plural(job.progress.failed, 'item')} failed
        </Typography>
        {[...groups.entries()].map(([reason, keys]) => (
          <Typography key={reason} variant="body2" data-testid="failure-reason">
            {keys.length} × {reason}{' '}
            <Typography component="span" variant="caption" color="text.secondary">
              (e.g. image {keys[0]!.split(':')[0]}, seed {keys[0]!.split(':')[1] ?? '—'})
            </Typography>
          </Typography>
        ))}
        <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
          <Button disabled={running} onClick={() => void act(api.call('job.retry', { id: job.id }).then(() => `Retrying the failed items of job ${job.id}; each uses its image's prompt as it is now if it had none.`))} data-testid="retry-failed">
            Retry failed items
          </Button>
          {noPrompt.length > 0 && (
            <Button onClick={() => void act(api.call('prompt.describe', { imageIds: noPrompt }).then((r) => `Describer queued as job ${r.jobId}; retry the failed items once it is done.`))} data-testid="describe-failed">
              Describe the {plural(noPrompt.length, 'image')} without a prompt
            </Button>
          )}
          {message && <Typography variant="body2">{message}</Typography>}
        </Stack>
        <ErrorText error={error} />
      </CardContent>
    </Card>
  );
}

export function GeneratePage({ onNavigate }: { onNavigate: (p: PageId) => void }) {
  const classes = useIndClasses();
  const jobs = (useJobs(100) ?? []).filter((j) => j.kind === generateCandidatesJob.kind);
  const current = jobs.find((j) => j.state.status === 'running') ?? jobs.find((j) => ['queued', 'paused'].includes(j.state.status)) ?? jobs[0];
  if (classes && classes.length === 0)
    return <EmptyState text="Generation starts from in-distribution training images. Import an ImageFolder with the role 'InD train' first." action="Go to Datasets" onAction={() => onNavigate('datasets')} />;
  return (
    <Stack spacing={2} data-testid="generate-page">
      <GenerateForm />
      {jobs[0] && jobs[0].progress.failed > 0 && <LatestFailures job={jobs[0]} />}
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
