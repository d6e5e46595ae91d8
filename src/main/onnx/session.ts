import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelProto } from './model-io';
import { saveModel } from './model-io';

export type ProviderName = 'cuda' | 'webgpu' | 'cpu';

export interface SessionHandle {
  session: ort.InferenceSession;
  provider: ProviderName;
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

// onnxruntime does not fall back when a provider fails to initialise, so each provider is tried in turn.
export async function createSession(
  model: string | Uint8Array | ModelProto,
  opts: CreateSessionOptions = {},
): Promise<SessionHandle> {
  const source = modelBytes(model);
  const threads = opts.intraOpNumThreads ?? threadsFromEnv();
  const failures: string[] = [];
  for (const provider of providerOrder(opts.providers)) {
    const options: ort.InferenceSession.SessionOptions = { executionProviders: [provider] };
    if (threads !== undefined) options.intraOpNumThreads = threads;
    if (opts.interOpNumThreads !== undefined) options.interOpNumThreads = opts.interOpNumThreads;
    if (opts.externalData) options.externalData = opts.externalData;
    if (opts.preferGpuOutputs && provider === 'webgpu') options.preferredOutputLocation = 'gpu-buffer';
    try {
      const session =
        typeof source === 'string'
          ? await ort.InferenceSession.create(source, options)
          : await ort.InferenceSession.create(source, options);
      return {
        session,
        provider,
        run: async (feeds) => (await session.run(feeds)) as Record<string, ort.Tensor>,
        release: () => session.release(),
      };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push(`${provider}: ${message}`);
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
