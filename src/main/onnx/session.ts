import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelProto } from './model-io';
import { decodeModel, loadModel, saveModel } from './model-io';
import { fileHasFloat16Initializers, float16ToFloat32Array, float32ToFloat16Array, hasFloat16, toFloat32 } from './float16';

export type ProviderName = 'cuda' | 'webgpu' | 'cpu';

/**
 * How a model with float16/bfloat16 weights is run. 'native': as it is. 'float32': widened by `toFloat32`
 * on every provider. 'auto' (default): widened for the CPU provider (whose few half-precision kernels make
 * onnxruntime wrap most nodes in Casts, rounding every activation to float16), as it is on CUDA and WebGPU.
 * A file is checked by scanning its initializers' headers; only a model that is widened is read whole.
 */
export type Float16Mode = 'auto' | 'float32' | 'native';

export interface SessionHandle {
  session: ort.InferenceSession;
  provider: ProviderName;
  /** Whether float16/bfloat16 tensors were widened to float32 for this session. */
  widenedFloat16: boolean;
  /**
   * Runs the session. A float32 feed for a float16 input (or the reverse) is converted, and float16 outputs
   * come back as float32 unless the session was created with `float16Outputs: 'keep'`, so callers feed and
   * read float32 whatever precision the export or the provider uses.
   */
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

export interface CreateSessionOptions {
  providers?: ProviderName[];
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  externalData?: ort.InferenceSession.SessionOptions['externalData'];
  // WebGPU only: leave outputs in GPU buffers so a following GPU session can consume them without a copy.
  preferGpuOutputs?: boolean;
  /** Default 'auto'; see Float16Mode. */
  float16?: Float16Mode;
  /** Default 'float32': float16 outputs are widened by run(); 'keep' returns them as onnxruntime gives them. */
  float16Outputs?: 'float32' | 'keep';
  /**
   * false: no CPU memory arena and no memory-pattern preallocation. For graphs with large activations run many
   * times (the guidance VJP at 512×512) the arena keeps every block it ever handed out and grows run over run;
   * plain allocation returns each intermediate to the system as soon as it is dead (bench:real-shape).
   */
  memoryArena?: boolean;
  /**
   * With memoryArena false: keep onnxruntime's memory-pattern preallocation (one block per run, planned from the
   * first run and returned when the run ends). The SD-2 UNet then runs at ~1.7× its arena time instead of ~5×, and
   * holds nothing between calls (docs/REAL-LAYOUTS.md, "Stages at real size").
   */
  memoryPattern?: boolean;
}

const KNOWN: readonly ProviderName[] = ['cuda', 'webgpu', 'cpu'];

function providersFromEnv(): ProviderName[] | undefined {
  const raw = process.env.SYNOOD_PROVIDERS;
  if (!raw) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  const bad = names.filter((n) => !KNOWN.includes(n as ProviderName));
  if (bad.length > 0) throw new Error(`SYNOOD_PROVIDERS: unknown provider(s) ${bad.join(', ')}`);
  return names as ProviderName[];
}

function threadsFromEnv(): number | undefined {
  const raw = process.env.SYNOOD_THREADS;
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`SYNOOD_THREADS must be a positive integer, got "${raw}"`);
  return n;
}

/** CUDA needs its provider library beside the binding (installed by ONNXRUNTIME_NODE_INSTALL=cuda12); without it ORT only logs a load error. */
function cudaLibraryPresent(): boolean {
  try {
    const binDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
    return fs.existsSync(path.join(binDir, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/** WebGPU runs through Vulkan here: without an installable client driver (ICD) there is no adapter to find. */
function vulkanDriverPresent(): boolean {
  if (process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES) return true;
  return ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'].some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.endsWith('.json')));
}

/** Providers that failed to start once in this process are not tried again (each failed try costs time and log noise). */
const failedProviders = new Set<ProviderName>();

// Explicit choices are kept as given; the default order only keeps providers this onnxruntime build knows and
// this machine can plausibly start.
export function providerOrder(requested?: ProviderName[]): ProviderName[] {
  const explicit = requested ?? providersFromEnv();
  if (explicit) return explicit;
  const available = new Set(ort.listSupportedBackends().map((b) => b.name));
  const usable = (p: ProviderName) => p === 'cpu' || (available.has(p) && !failedProviders.has(p) && (p === 'cuda' ? cudaLibraryPresent() : vulkanDriverPresent()));
  return KNOWN.filter(usable);
}

function modelBytes(model: string | Uint8Array | ModelProto): string | Uint8Array {
  return typeof model === 'string' || model instanceof Uint8Array ? model : saveModel(model);
}

function toProto(model: string | Uint8Array | ModelProto): ModelProto {
  if (typeof model === 'string') return loadModel(model);
  return model instanceof Uint8Array ? decodeModel(model) : model;
}

function convertTensor(t: ort.Tensor, to: 'float16' | 'float32'): ort.Tensor {
  if (to === 'float16') return new ort.Tensor('float16', float32ToFloat16Array(t.data as Float32Array), t.dims);
  return new ort.Tensor('float32', float16ToFloat32Array(t.data as Uint16Array), t.dims);
}

// Feeds converted to the precision each input declares; float16 outputs widened unless kept.
function precisionAdapter(session: ort.InferenceSession, keepHalfOutputs: boolean): SessionHandle['run'] {
  const declared = new Map<string, string>();
  for (const m of session.inputMetadata) if (m.isTensor) declared.set(m.name, m.type);
  return async (feeds) => {
    const adapted: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      const want = declared.get(name);
      adapted[name] =
        (want === 'float16' && t.type === 'float32') || (want === 'float32' && t.type === 'float16') ? convertTensor(t, want) : t;
    }
    const out = (await session.run(adapted)) as Record<string, ort.Tensor>;
    if (keepHalfOutputs) return out;
    for (const [name, t] of Object.entries(out)) if (t.type === 'float16' && t.location === 'cpu') out[name] = convertTensor(t, 'float32');
    return out;
  };
}

// Whether the model stores float16/bfloat16 weights; a file is scanned by field headers, its weights unread.
function modelHasFloat16(model: string | Uint8Array | ModelProto): boolean {
  if (typeof model === 'string') {
    try {
      return fileHasFloat16Initializers(model);
    } catch {
      return false; // unreadable or malformed: onnxruntime's own error says more
    }
  }
  return hasFloat16(model instanceof Uint8Array ? decodeModel(model) : model);
}

// onnxruntime does not fall back when a provider fails to initialise, so each provider is tried in turn.
export async function createSession(
  model: string | Uint8Array | ModelProto,
  opts: CreateSessionOptions = {},
): Promise<SessionHandle> {
  const mode = opts.float16 ?? 'auto';
  let half: boolean | undefined;
  const isHalf = (): boolean => (half ??= mode !== 'native' && modelHasFloat16(model));
  // Each form made at most once, and only when a provider needs it.
  let native: string | Uint8Array | undefined;
  let widened: Uint8Array | undefined;
  const source = (widen: boolean): string | Uint8Array =>
    widen ? (widened ??= saveModel(toFloat32(toProto(model)))) : (native ??= modelBytes(model));
  const threads = opts.intraOpNumThreads ?? threadsFromEnv();
  const failures: string[] = [];
  for (const provider of providerOrder(opts.providers)) {
    const options: ort.InferenceSession.SessionOptions = { executionProviders: [provider] };
    if (threads !== undefined) options.intraOpNumThreads = threads;
    if (opts.interOpNumThreads !== undefined) options.interOpNumThreads = opts.interOpNumThreads;
    if (opts.externalData) options.externalData = opts.externalData;
    if (opts.memoryArena === false) {
      options.enableCpuMemArena = false;
      options.enableMemPattern = opts.memoryPattern === true;
    }
    if (opts.preferGpuOutputs && provider === 'webgpu') options.preferredOutputLocation = 'gpu-buffer';
    const widen = (mode === 'float32' || (mode === 'auto' && provider === 'cpu')) && isHalf();
    try {
      const bytes = source(widen);
      const session =
        typeof bytes === 'string' ? await ort.InferenceSession.create(bytes, options) : await ort.InferenceSession.create(bytes, options);
      return {
        session,
        provider,
        widenedFloat16: widen,
        run: precisionAdapter(session, opts.float16Outputs === 'keep'),
        release: () => session.release(),
      };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push(`${provider}${widen ? ' (float16 widened to float32)' : ''}: ${message}`);
      // Remember a provider that cannot start at all here (no adapter, missing library), not one that merely
      // refused this model.
      if (provider !== 'cpu' && /adapter|librar|Failed to load|provider/i.test(message)) failedProviders.add(provider);
    }
  }
  throw new Error(`no execution provider could load the model:\n${failures.join('\n')}`);
}

// One-shot CPU evaluation, mainly for tests and small helper graphs.
export async function runModel(
  model: string | Uint8Array | ModelProto,
  feeds: Record<string, ort.Tensor>,
  opts: { intraOpNumThreads?: number } = {},
): Promise<Record<string, ort.Tensor>> {
  const handle = await createSession(model, { providers: ['cpu'], ...opts });
  try {
    return await handle.run(feeds);
  } finally {
    await handle.release();
  }
}
