import * as ort from 'onnxruntime-node';
import { createSession, loadModel, type ModelProto, type ProviderName, type SessionHandle } from '../../../onnx';
import type { GuidanceClassifier } from './classifier';
import { buildGuidanceModels, type GuidanceGraphSpec } from './guidance-graph';

/** What one evaluation of the guidance graph at a decoder input u gives. */
export interface GuidanceEvaluation {
  /** Decoded image clamped to [0, 1], NCHW, batch 1. */
  image01: Float32Array;
  logits: Float32Array;
  /** null for objectives without a loss. */
  loss: number | null;
}

/**
 * Sessions for the merged guidance graph, built once per (decoder, classifier, objective, size) and reused
 * for every image: the forward graph for the kept decode, the vjp graph for the noise updates.
 */
export class GuidanceRunner {
  private constructor(
    private readonly forwardSession: SessionHandle,
    private readonly backwardSession: SessionHandle | null,
    private readonly spec: GuidanceGraphSpec,
  ) {}

  /** `decoder`: the VAE decoder's file (external weights beside it are read) or its proto. */
  static async create(
    decoder: string | ModelProto,
    classifier: GuidanceClassifier,
    spec: GuidanceGraphSpec,
    sessionOpts: { providers?: ProviderName[]; intraOpNumThreads?: number } = {},
  ): Promise<GuidanceRunner> {
    const models = buildGuidanceModels(typeof decoder === 'string' ? loadModel(decoder) : decoder, classifier, spec);
    // Full-resolution activations, many runs: with onnxruntime's CPU arena the process grew past 20 GB over two
    // VJP runs at 512×512 and kept growing run over run (1.98 → 2.60 GB at 128×128); without it each intermediate
    // is freed when dead and the peak stays flat (1.74 GB at 128×128), and runs were faster too (bench:real-shape).
    const opts = { ...sessionOpts, memoryArena: false };
    const forward = await createSession(models.forward, opts);
    try {
      const backward = models.backward ? await createSession(models.backward, opts) : null;
      return new GuidanceRunner(forward, backward, spec);
    } catch (err) {
      await forward.release();
      throw err;
    }
  }

  get hasGradient(): boolean {
    return this.backwardSession !== null;
  }

  /** `u`: the decoder input, z0 / latentScale. */
  async evaluate(u: Float32Array): Promise<GuidanceEvaluation> {
    return readEvaluation(await this.forwardSession.run({ u: this.latent(u) }));
  }

  /** The evaluation plus ∂loss/∂u. */
  async gradient(u: Float32Array): Promise<GuidanceEvaluation & { grad: Float32Array }> {
    if (!this.backwardSession) throw new Error(`objective "${this.spec.objective}" has no gradient`);
    const { height, width } = this.spec;
    const out = await this.backwardSession.run({
      u: this.latent(u),
      grad_loss: new ort.Tensor('float32', Float32Array.of(1), []),
      grad_logits: new ort.Tensor('float32', new Float32Array(this.spec.numClasses), [1, this.spec.numClasses]),
      grad_image01: new ort.Tensor('float32', new Float32Array(3 * height * width), [1, 3, height, width]),
    });
    return { ...readEvaluation(out), grad: out.grad_u!.data as Float32Array };
  }

  async release(): Promise<void> {
    await this.forwardSession.release();
    await this.backwardSession?.release();
  }

  private latent(u: Float32Array): ort.Tensor {
    return new ort.Tensor('float32', u, this.spec.latentDims);
  }
}

function readEvaluation(out: Record<string, ort.Tensor>): GuidanceEvaluation {
  const loss = out.loss ? (out.loss.data as Float32Array)[0]! : null;
  return { image01: out.image01!.data as Float32Array, logits: out.logits!.data as Float32Array, loss };
}
