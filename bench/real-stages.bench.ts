/**
 * Real layouts at real size through import and one stage item (npm run bench:real-stages; docs/REAL-LAYOUTS.md,
 * "Stages at real size"). Random weights, CPU. Per layout:
 *   1. generation: the folder written once into the cache (bench/real-stages/layouts.ts) and reused by later runs;
 *   2. in a fresh child process (its peak RSS its own VmHWM): import into a fresh project, then one item of the
 *      layout's stage (bench/real-stages/stages.ts).
 * Layouts: clip-split (CLIP ViT-B/16 transformers.js towers), clip-single (Optimum's onnx/model.onnx), sd (SD-2
 * inpainting, Optimum layout, model.onnx + model.onnx_data, 64×64 latent), resnet (torchvision resnet50, torch
 * export, dynamic batch). Each is also run at reduced width (the same builders, the tests' sizes) in the same run
 * as the reference for the ratio, unless --no-reference.
 *
 * Flags: --only clip,sd,resnet (clip = clip-split,clip-single) · --nouns N (the describer's vocabulary cut to
 * WordNet's first N nouns; default all ~118k) · --steps N (scheduler steps of the candidate, default 3) ·
 * --guidance-steps M (gradient steps, default 1) · --no-reference · --reduced-only (a quick check of the bench) · --regenerate · --cache DIR (default
 * ~/.cache/synood-bench/real-stages) · --force (run a layout even when MemAvailable is below its estimate) ·
 * --memory low|fast (the inpainting sessions' memory mode, set as SYNOOD_MEMORY for the children and checked like
 * it; default: the studio's own choice by this machine's RAM, generate/memory-mode.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inpaintMemoryMode, type InpaintMemory } from '../src/main/pipeline/generate/memory-mode';
import { writeClipFolder, writeResnet, writeSdFolder, type Preset } from './real-stages/layouts';
import { clipStage, resnetStage, sdStage, type StageResult } from './real-stages/stages';

const LAYOUTS = ['clip-split', 'clip-single', 'sd', 'resnet'] as const;
type Layout = (typeof LAYOUTS)[number];
/** Bumped when a builder changes, so cached folders of the old builders are not reused. */
const CACHE_VERSION = 'v1';
/** Peak RSS (GB) of each real-size child as measured (docs/REAL-LAYOUTS.md): below this much MemAvailable it is not run. */
const NEEDS_GB: Record<Layout, number> = { 'clip-split': 2, 'clip-single': 3, sd: 17, resnet: 9 };
/** The SD candidate's peak in the inpainting sessions' low-memory mode (measured 12.7 GB). */
const SD_LOW_MEMORY_NEEDS_GB = 13;

interface Settings {
  only: Layout[];
  nouns: number;
  steps: number;
  guidanceSteps: number;
  presets: Preset[];
  regenerate: boolean;
  force: boolean;
  cache: string;
  /** The inpainting sessions' mode as the studio resolves it (--memory sets SYNOOD_MEMORY first). */
  memory: InpaintMemory;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function intFlag(name: string, fallback: number, min: number): number {
  const raw = flag(name);
  if (raw === undefined) return fallback;
  const n = raw === 'all' ? 0 : Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

function settings(): Settings {
  const only = (flag('--only') ?? 'clip,sd,resnet').split(',').flatMap((s) => (s === 'clip' ? ['clip-split', 'clip-single'] : [s.trim()]));
  for (const o of only) if (!(LAYOUTS as readonly string[]).includes(o)) throw new Error(`--only: unknown layout "${o}" (known: clip, ${LAYOUTS.join(', ')})`);
  return {
    only: LAYOUTS.filter((l) => only.includes(l)),
    nouns: intFlag('--nouns', 0, 0),
    steps: intFlag('--steps', 3, 1),
    guidanceSteps: intFlag('--guidance-steps', 1, 0),
    presets: process.argv.includes('--reduced-only') ? ['reduced'] : process.argv.includes('--no-reference') ? ['real'] : ['reduced', 'real'],
    regenerate: process.argv.includes('--regenerate'),
    force: process.argv.includes('--force'),
    cache: flag('--cache') ?? join(homedir(), '.cache', 'synood-bench', 'real-stages'),
    memory: inpaintMemoryMode(),
  };
}

/** Runs this file again as `--child <part> <json args>`; stderr passes through, the last stdout line is the JSON answer. */
function child<T>(part: string, args: unknown): { ok: true; value: T } | { ok: false; why: string } {
  const out = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', part, JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.stdout.trim().split('\n').at(-1) ?? '';
  if (out.status === 0 && line.startsWith('{')) return { ok: true, value: JSON.parse(line) as T };
  if (out.signal === 'SIGKILL') return { ok: false, why: 'killed (SIGKILL: out of memory on this machine?)' };
  return { ok: false, why: `child ${part} failed (status ${out.status}${out.signal ? `, ${out.signal}` : ''})` };
}

function memAvailableGb(): number {
  const m = /MemAvailable:\s+(\d+) kB/.exec(existsSync('/proc/meminfo') ? readFileSync('/proc/meminfo', 'utf8') : '');
  return m ? Number(m[1]) / 1024 / 1024 : Infinity;
}

interface Generated {
  seconds: number;
  parameters: number | null;
}

/** The cached folder of a layout at a preset; generated (in a child, so its JS copies of the weights die with it) when absent. */
function generated(s: Settings, layout: Layout, preset: Preset): { path: string; gen: Generated; cached: boolean } | { why: string } {
  const name = layout === 'resnet' ? `resnet50-${preset}` : `${layout}-${preset}`;
  const dir = join(s.cache, CACHE_VERSION, name);
  const marker = join(dir, '.generated.json');
  const path = layout === 'resnet' ? join(dir, 'resnet50.onnx') : dir;
  if (!s.regenerate && existsSync(marker)) return { path, gen: JSON.parse(readFileSync(marker, 'utf8')) as Generated, cached: true };
  rmSync(dir, { recursive: true, force: true });
  const r = child<Generated>('generate', { layout, preset, dir, path });
  if (!r.ok) return { why: `generation ${r.why}` };
  writeFileSync(marker, JSON.stringify(r.value));
  return { path, gen: r.value, cached: false };
}

interface Row {
  layout: Layout;
  preset: Preset;
  gen?: Generated & { cached: boolean };
  result?: StageResult;
  why?: string;
}

function runLayout(s: Settings, layout: Layout, preset: Preset): Row {
  const real = preset === 'real';
  const needs = layout === 'sd' && s.memory === 'low' ? SD_LOW_MEMORY_NEEDS_GB : NEEDS_GB[layout];
  if (real && !s.force && memAvailableGb() < needs) {
    return { layout, preset, why: `not run: needs ~${needs} GB, MemAvailable ${memAvailableGb().toFixed(1)} GB (--force to try)` };
  }
  const folder = generated(s, layout, preset);
  if ('why' in folder) return { layout, preset, why: folder.why };
  let decoder: string | undefined;
  if (layout === 'sd' || layout === 'resnet') {
    // SD's guidance classifier is the ResNet-50 of the same preset; the ResNet's guidance step decodes with SD's VAE decoder.
    const other = generated(s, layout === 'sd' ? 'resnet' : 'sd', preset);
    if ('why' in other) return { layout, preset, why: other.why };
    decoder = layout === 'sd' ? other.path : join(other.path, 'vae_decoder', 'model.onnx');
  }
  const work = mkdtempSync(join(tmpdir(), `real-stages-${layout}-`));
  try {
    const size = real ? 512 : 64;
    const r = child<StageResult>('stage', { layout, folder: folder.path, other: decoder, work, nouns: s.nouns, steps: s.steps, guidanceSteps: s.guidanceSteps, size });
    return r.ok ? { layout, preset, gen: { ...folder.gen, cached: folder.cached }, result: r.value } : { layout, preset, gen: { ...folder.gen, cached: folder.cached }, why: r.why };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const sec = (ms: number) => (ms / 1000).toFixed(1);

function describeRow(r: Row): string {
  const gen = r.gen ? `generation ${r.gen.seconds.toFixed(1)} s${r.gen.cached ? ' (cached)' : ''}${r.gen.parameters ? `, ${(r.gen.parameters / 1e6).toFixed(1)}M parameters` : ''}` : 'generation —';
  if (!r.result) return `${r.layout.padEnd(11)} ${r.preset.padEnd(7)} ${gen}; ${r.why}`;
  const parts = Object.entries(r.result.parts).map(([k, v]) => `${k}=${v}`).join(' ');
  return `${r.layout.padEnd(11)} ${r.preset.padEnd(7)} ${gen}; import ${sec(r.result.importMs)} s; stage item ${sec(r.result.stageMs)} s; peak RSS ${r.result.peakRssMb.toFixed(0)} MB\n    ${parts}`;
}

function main(): void {
  // The children inherit this process's environment; the inpainting loader reads the mode from it.
  const memory = flag('--memory');
  if (memory !== undefined) process.env.SYNOOD_MEMORY = memory;
  const s = settings();
  console.log(`real-stages bench: ${s.only.join(', ')}; describe nouns ${s.nouns === 0 ? 'all (WordNet)' : `first ${s.nouns} of WordNet`}; candidate steps ${s.steps}, guidance steps ${s.guidanceSteps}; inpainting memory ${s.memory}; cache ${s.cache}`);
  console.log('children run one at a time; timings are wall clock on a possibly shared machine');
  const rows: Row[] = [];
  for (const layout of s.only) {
    for (const preset of s.presets) {
      const row = runLayout(s, layout, preset);
      console.log(describeRow(row));
      rows.push(row);
    }
  }
  const result: string[] = [`nouns=${s.nouns === 0 ? 'all' : s.nouns}`, `steps=${s.steps}`, `guidance_steps=${s.guidanceSteps}`, `memory=${s.memory}`];
  for (const layout of s.only) {
    const real = rows.find((r) => r.layout === layout && r.preset === 'real');
    const reduced = rows.find((r) => r.layout === layout && r.preset === 'reduced');
    const key = layout.replace('-', '_');
    if (!real?.result) {
      if (reduced?.result) result.push(`${key}_reduced_stage_s=${sec(reduced.result.stageMs)}`);
      else result.push(`${key}=not_run`);
      continue;
    }
    result.push(`${key}_gen_s=${real.gen!.seconds.toFixed(1)}`, `${key}_import_s=${sec(real.result.importMs)}`, `${key}_stage_s=${sec(real.result.stageMs)}`, `${key}_rss_mb=${real.result.peakRssMb.toFixed(0)}`);
    if (reduced?.result) result.push(`${key}_stage_vs_reduced=${(real.result.stageMs / reduced.result.stageMs).toFixed(1)}`);
  }
  console.log(`RESULT ${result.join(' ')}`);
}

interface GenerateArgs {
  layout: Layout;
  preset: Preset;
  dir: string;
  path: string;
}

interface StageArgs {
  layout: Layout;
  folder: string;
  other?: string;
  work: string;
  nouns: number;
  steps: number;
  guidanceSteps: number;
  size: number;
}

async function runChild(part: string, raw: string): Promise<void> {
  if (part === 'generate') {
    // The parent wrote these arguments (generated()) for this part.
    const a = JSON.parse(raw) as GenerateArgs;
    const t0 = performance.now();
    let parameters: number | null;
    if (a.layout === 'resnet') parameters = writeResnet(a.path, a.preset).parameters;
    else if (a.layout === 'sd') parameters = writeSdFolder(a.dir, a.preset, (p, n) => console.error(`  sd ${a.preset}: ${p} written (${(n / 1e6).toFixed(1)}M parameters)`)).parameters;
    else parameters = writeClipFolder(a.dir, a.preset, a.layout === 'clip-single' ? 'single' : 'split').parameters;
    console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, parameters } satisfies Generated));
    return;
  }
  if (part !== 'stage') throw new Error(`unknown child part "${part}"`);
  const a = JSON.parse(raw) as StageArgs; // written by runLayout()
  let r: StageResult;
  if (a.layout === 'sd') r = await sdStage(a.folder, a.other!, a.work, { steps: a.steps, guidanceSteps: a.guidanceSteps, size: a.size });
  else if (a.layout === 'resnet') r = await resnetStage(a.folder, a.other!, a.work, a.size / 8);
  else r = await clipStage(a.folder, a.work, a.nouns);
  console.log(JSON.stringify(r));
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  runChild(process.argv[childAt + 1]!, process.argv[childAt + 2]!).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main();
}
