import { totalmem } from 'node:os';
import type { CreateSessionOptions } from '../../onnx/session';

/**
 * How the inpainting sessions hold their working memory. 'fast': onnxruntime's CPU arena, which keeps each session's
 * largest activations for the life of the job (the SD-2 UNet's ~2.9 GB at a 64×64 latent); 'low': no arena, one
 * preallocated block per run, returned when the run ends. Measured at real size (docs/REAL-LAYOUTS.md, "Stages at
 * real size"): 'low' lowers a guided candidate's peak by about the UNet's arena and costs ~1.7× per UNet call.
 */
export type InpaintMemory = 'fast' | 'low';

/**
 * Below this much RAM the default is 'low': a real-size guided candidate peaked at 16.4 GB with the arena, so a
 * 16 GB machine cannot run it 'fast', while 20 GB leaves room for the OS and the studio beside it.
 */
export const LOW_MEMORY_BELOW_BYTES = 20 * 2 ** 30;

/** `SYNOOD_MEMORY=low|fast` when set (anything else is refused, naming the variable), else by the machine's RAM. */
export function inpaintMemoryMode(env: NodeJS.ProcessEnv = process.env, totalBytes: number = totalmem()): InpaintMemory {
  const raw = env.SYNOOD_MEMORY?.trim().toLowerCase();
  if (raw === 'low' || raw === 'fast') return raw;
  if (raw) throw new Error(`SYNOOD_MEMORY must be "low" or "fast", got "${env.SYNOOD_MEMORY}"`);
  return totalBytes < LOW_MEMORY_BELOW_BYTES ? 'low' : 'fast';
}

/** The session options each mode opens the inpainting sessions with (onnx/session.ts). */
export function sessionMemoryOptions(memory: InpaintMemory): Pick<CreateSessionOptions, 'memoryArena' | 'memoryPattern'> {
  return memory === 'low' ? { memoryArena: false, memoryPattern: true } : {};
}
