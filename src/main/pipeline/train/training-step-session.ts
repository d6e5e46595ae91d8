import * as ort from 'onnxruntime-node';
import { createSession, vjp, type ModelProto, type ProviderName, type SessionHandle } from '../../onnx';

export interface SessionSettings {
  providers?: ProviderName[];
  intraOpNumThreads?: number;
}

/** Parameter values with their ONNX shapes, in the order the step returns their gradients. */
export interface ParamSpec {
  name: string;
  dims: number[];
}

export interface TrainingStepSession {
  /** Runs forward + backward; `data` are the batch's non-parameter inputs. */
  run(data: Record<string, ort.Tensor>, params: Float32Array[]): Promise<{ loss: number; correct: number; grads: Float32Array[] }>;
  release(): Promise<void>;
}

/**
 * Differentiates `forward` (outputs `loss`, `correct`) with the engine's vjp w.r.t. the parameter inputs and
 * opens one session on it. The parameters are graph inputs, so each step feeds the current weights and
 * nothing is rebuilt. `correct` (an argmax count) is listed in `of` only so vjp keeps it as an output; no
 * gradient flows from it, and its cotangent is fed as 0. The loss cotangent is 1.
 */
export async function openTrainingStep(forward: ModelProto, params: ParamSpec[], settings: SessionSettings = {}): Promise<TrainingStepSession> {
  const model = vjp(forward, { of: ['loss', 'correct'], wrt: params.map((p) => p.name), keepOutputs: true });
  const handle: SessionHandle = await createSession(model, settings);
  const one = new ort.Tensor('float32', Float32Array.of(1), []);
  const zero = new ort.Tensor('float32', Float32Array.of(0), []);
  const needsCorrectCotangent = handle.session.inputNames.includes('grad_correct');
  return {
    async run(data, values) {
      const feeds: Record<string, ort.Tensor> = { ...data, grad_loss: one };
      if (needsCorrectCotangent) feeds.grad_correct = zero;
      params.forEach((p, i) => (feeds[p.name] = new ort.Tensor('float32', values[i]!, p.dims)));
      const out = await handle.run(feeds);
      return {
        loss: (out.loss!.data as Float32Array)[0]!,
        correct: (out.correct!.data as Float32Array)[0]!,
        grads: params.map((p) => out[`grad_${p.name}`]!.data as Float32Array),
      };
    },
    release: () => handle.release(),
  };
}
