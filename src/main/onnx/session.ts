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

// Explicit choices are kept as given; the default order only keeps providers this onnxruntime build knows.
export function providerOrder(requested?: ProviderName[]): ProviderName[] {
  const explicit = requested ?? providersFromEnv();
  if (explicit) return explicit;
  const available = new Set(ort.listSupportedBackends().map((b) => b.name));
  return KNOWN.filter((p) => p === 'cpu' || available.has(p));
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
      failures.push(`${provider}: ${err instanceof Error ? err.message : String(err)}`);
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
