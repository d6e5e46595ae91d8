import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createSession, type Float16Mode, type ProviderName, type SessionHandle } from '../../onnx';
import { loadClipTokenizer } from '../features/clip-tokenizer-files';
import { readSchedulerConfig, type ReadSchedulerConfig } from './schedulers';
import { checkDim, checkInputs, ModelFolderError } from './session-contract';
import type { GuidanceClassifier } from './guidance/classifier';
import type { GuidanceRunner } from './guidance/guidance-runner';
import { inpaintMemoryMode, sessionMemoryOptions, type InpaintMemory } from './memory-mode';

/** Guidance graphs built for one set of models, by classifier model and by graph key (guidance/generate-candidate.ts). */
export type GuidanceRunners = Map<GuidanceClassifier['model'], Map<string, Promise<GuidanceRunner>>>;

/** The files of a diffusers/Optimum SD-2-inpainting ONNX export this pipeline reads. */
export const INPAINT_FOLDER_FILES = [
  'text_encoder/model.onnx',
  'unet/model.onnx',
  'vae_encoder/model.onnx',
  'vae_decoder/model.onnx',
  'tokenizer/tokenizer_config.json',
  'scheduler/scheduler_config.json',
] as const;

/** The tokenizer: the fast tokenizer.json, or Optimum's SD-2 vocab.json + merges.txt (built into the same tokenizer). */
export const INPAINT_TOKENIZER_FILES = [['tokenizer/tokenizer.json'], ['tokenizer/vocab.json', 'tokenizer/merges.txt']] as const;

export interface InpaintModelOptions {
  providers?: ProviderName[];
  intraOpNumThreads?: number;
  /** float16 exports (Optimum --fp16): default 'auto', widened to float32 on the CPU provider (onnx/session.ts). */
  float16?: Float16Mode;
  /** Default: inpaintMemoryMode() (SYNOOD_MEMORY, else by the machine's RAM). */
  memory?: InpaintMemory;
}

/** How the loaded export wants to be fed, read from its sessions. */
export interface InpaintModelIo {
  inputIdsType: 'int32' | 'int64';
  timestepType: 'int64' | 'float32';
  /** 0: a scalar timestep; 1: a [1] tensor (diffusers passes np.array([t])). */
  timestepRank: 0 | 1;
  /** false when the UNet's batch axis is fixed to 1: guidance then takes two UNet calls per step. */
  unetBatchesGuidance: boolean;
  textLength: number;
  /** `latent_parameters` exports give mean and log-variance (8 channels); `latent_sample` ones a 4-channel latent. */
  encoderOutput: string;
  decoderOutput: string;
  textOutput: string;
  unetOutput: string;
  /** Latent scaling factor (vae config `scaling_factor`, SD: 0.18215). */
  latentScale: number;
}

export interface InpaintModels {
  dir: string;
  textEncoder: SessionHandle;
  unet: SessionHandle;
  vaeEncoder: SessionHandle;
  vaeDecoder: SessionHandle;
  tokenizer: PreTrainedTokenizer;
  scheduler: ReadSchedulerConfig;
  io: InpaintModelIo;
  /** The decoder file, merged into the guidance graph when one is built. */
  decoderPath: string;
  /** How these sessions were created, for the guidance sessions built later. */
  sessionOptions: InpaintModelOptions;
  /** The memory mode the sessions were opened with. */
  memory: InpaintMemory;
  /**
   * The guidance graphs built on these models (costly: the decoder and classifier are merged and differentiated),
   * owned by the models so they live and go with the job that loaded them; releaseGuidance frees them.
   */
  readonly guidanceRunners: GuidanceRunners;
  release(): Promise<void>;
}

/**
 * Loads and checks an SD-2-inpainting ONNX folder. Every file is checked to exist before anything loads, and
 * every session's inputs (names, ranks, types, the UNet's 9 channels) before any image is touched.
 */
export async function loadInpaintModels(dir: string, opts: InpaintModelOptions = {}): Promise<InpaintModels> {
  const root = resolve(dir);
  for (const file of INPAINT_FOLDER_FILES) {
    if (!existsSync(join(root, file))) throw new ModelFolderError(file, `missing from ${root}`);
  }
  if (!INPAINT_TOKENIZER_FILES.some((set) => set.every((f) => existsSync(join(root, f))))) {
    throw new ModelFolderError('tokenizer/tokenizer.json', `missing from ${root}, and no tokenizer/vocab.json + tokenizer/merges.txt to build it from`);
  }
  const scheduler = readSchedulerConfig(join(root, 'scheduler/scheduler_config.json'));
  const sessionOpts = { providers: opts.providers, intraOpNumThreads: opts.intraOpNumThreads, float16: opts.float16 };
  const memory = opts.memory ?? inpaintMemoryMode();
  const memoryOpts = sessionMemoryOptions(memory);
  const handles: SessionHandle[] = [];
  const open = async (file: string) => {
    const h = await createSession(join(root, file), { ...sessionOpts, ...memoryOpts });
    handles.push(h);
    return h;
  };
  try {
    const textEncoder = await open('text_encoder/model.onnx');
    const unet = await open('unet/model.onnx');
    const vaeEncoder = await open('vae_encoder/model.onnx');
    const vaeDecoder = await open('vae_decoder/model.onnx');
    const io = checkSessions(textEncoder, unet, vaeEncoder, vaeDecoder);
    io.latentScale = readLatentScale(root);
    const tokenizer = await loadTokenizer(join(root, 'tokenizer'));
    return {
      dir: root,
      textEncoder,
      unet,
      vaeEncoder,
      vaeDecoder,
      tokenizer,
      scheduler,
      io,
      decoderPath: join(root, 'vae_decoder/model.onnx'),
      sessionOptions: sessionOpts,
      memory,
      guidanceRunners: new Map(),
      release: async () => {
        await Promise.all(handles.map((h) => h.release()));
      },
    };
  } catch (err) {
    await Promise.all(handles.map((h) => h.release()));
    throw err;
  }
}

// float16 too: a session may keep an --fp16 export's half-precision inputs (float16 'native', or a GPU provider),
// and SessionHandle.run converts the pipeline's float32 feeds to them.
const FLOAT: ('float32' | 'float16')[] = ['float32', 'float16'];

function checkSessions(text: SessionHandle, unet: SessionHandle, enc: SessionHandle, dec: SessionHandle): InpaintModelIo {
  const t = checkInputs(text.session, 'text_encoder/model.onnx', [{ name: 'input_ids', ranks: [2], types: ['int32', 'int64'] }]);
  const u = checkInputs(unet.session, 'unet/model.onnx', [
    { name: 'sample', ranks: [4], types: FLOAT },
    { name: 'timestep', ranks: [0, 1], types: ['int64', 'float32', 'float16'] },
    { name: 'encoder_hidden_states', ranks: [3], types: FLOAT },
  ]);
  checkDim('unet/model.onnx', 'sample', u.sample!, 1, 9, 'channel count (inpainting: 4 latent + 1 mask + 4 masked-image latent)');
  const e = checkInputs(enc.session, 'vae_encoder/model.onnx', [{ name: 'sample', ranks: [4], types: FLOAT }]);
  checkDim('vae_encoder/model.onnx', 'sample', e.sample!, 1, 3, 'channel count');
  const d = checkInputs(dec.session, 'vae_decoder/model.onnx', [{ name: 'latent_sample', ranks: [4], types: FLOAT }]);
  checkDim('vae_decoder/model.onnx', 'latent_sample', d.latent_sample!, 1, 4, 'channel count');
  const textLength = t.input_ids!.shape[1];
  const unetBatch = u.sample!.shape[0];
  return {
    inputIdsType: t.input_ids!.type as 'int32' | 'int64',
    // A float16 timestep is fed as float32 and converted by SessionHandle.run.
    timestepType: u.timestep!.type === 'int64' ? 'int64' : 'float32',
    timestepRank: u.timestep!.shape.length as 0 | 1,
    unetBatchesGuidance: unetBatch !== 1,
    textLength: typeof textLength === 'number' ? textLength : 77,
    encoderOutput: pickOutput(enc, 'vae_encoder/model.onnx', ['latent_parameters', 'latent_sample']),
    decoderOutput: pickOutput(dec, 'vae_decoder/model.onnx', ['sample']),
    textOutput: pickOutput(text, 'text_encoder/model.onnx', ['last_hidden_state']),
    unetOutput: pickOutput(unet, 'unet/model.onnx', ['out_sample', 'sample']),
    latentScale: 0.18215,
  };
}

function pickOutput(h: SessionHandle, file: string, names: string[]): string {
  const found = names.find((n) => h.session.outputNames.includes(n));
  if (!found) throw new ModelFolderError(file, `has none of the outputs ${names.join(', ')} (it has: ${h.session.outputNames.join(', ')})`);
  return found;
}

/** diffusers keeps the factor in the VAE's config.json; exports without it use SD's 0.18215. */
function readLatentScale(root: string): number {
  for (const file of ['vae_decoder/config.json', 'vae_encoder/config.json']) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const scale = (JSON.parse(readFileSync(path, 'utf8')) as { scaling_factor?: unknown }).scaling_factor;
    if (typeof scale === 'number' && scale > 0) return scale;
  }
  return 0.18215;
}

async function loadTokenizer(dir: string): Promise<PreTrainedTokenizer> {
  try {
    return await loadClipTokenizer(dir);
  } catch (err) {
    const file = existsSync(join(dir, 'tokenizer.json')) ? 'tokenizer/tokenizer.json' : 'tokenizer/vocab.json';
    throw new ModelFolderError(file, `cannot be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
}
