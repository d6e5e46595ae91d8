import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * A full V8 collection now. For after building a session from a large model: the protos and serialised bytes
 * (hundreds of MB of weights in ArrayBuffers) are garbage once onnxruntime has its copy, but with no pressure on
 * V8's own heap nothing collects them, and they stayed resident through every later run (bench:real-shape:
 * 0.86 GB held across all guidance steps). The gc function is exposed for a fresh context once, here, instead of
 * requiring --expose-gc on every entry point (CLI, job process, tests); where that fails this does nothing.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
