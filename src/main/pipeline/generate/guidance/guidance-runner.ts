import * as ort from 'onnxruntime-node';
import { collectGarbage, createSession, loadModel, type ModelProto, type ProviderName, type SessionHandle } from '../../../onnx';
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
 * One session for the merged guidance graph, built once per (decoder, classifier, objective, size) and reused
 * for every image: the vjp graph for objectives with a gradient (it yields the image, logits and loss with the
 * gradient, and serves the kept decode too), else the forward graph. One session, not a forward and a vjp
 * session side by side: the forward session held its own copy of the decoder's and the classifier's weights
 * (0.63 GB more resident after building at SD's VAE + ResNet-50, 0.34 GB of it in onnxruntime), resident through
 * every gradient step, whose peak bounds the image size a machine can guide (bench:real-shape).
 */
export class GuidanceRunner {
  private constructor(
    private readonly session: SessionHandle,
    private readonly withGradient: boolean,
    private readonly spec: GuidanceGraphSpec,
  ) {}

  /** `decoder`: the VAE decoder's file (external weights beside it are read) or its proto. */
  static async create(
    decoder: string | ModelProto,
    classifier: GuidanceClassifier,
    spec: GuidanceGraphSpec,
    sessionOpts: { providers?: ProviderName[]; intraOpNumThreads?: number } = {},
  ): Promise<GuidanceRunner> {
    const { session, withGradient } = await guidanceSession(decoder, classifier, spec, sessionOpts);
    // The composed graphs and their serialised bytes (the weights two or three times over in JS buffers) are
    // garbage now that guidanceSession has returned; collect them before the first run instead of whenever V8
    // next feels pressure on its own heap (it had not after minutes of runs).
    collectGarbage();
    return new GuidanceRunner(session, withGradient, spec);
  }

  get hasGradient(): boolean {
    return this.withGradient;
  }

  /**
   * `u`: the decoder input, z0 / latentScale. With a gradient objective this runs the vjp graph and drops the
   * gradient: onnxruntime runs every node of a session whatever outputs are fetched, so the kept decode costs
   * a gradient step's time (once per image, against the steps' 2 and the UNet's 39 calls) for one session's memory.
   */
  async evaluate(u: Float32Array): Promise<GuidanceEvaluation> {
    return readEvaluation(await this.session.run(this.feeds(u)));
  }

  /** The evaluation plus ∂loss/∂u. */
  async gradient(u: Float32Array): Promise<GuidanceEvaluation & { grad: Float32Array }> {
    if (!this.withGradient) throw new Error(`objective "${this.spec.objective}" has no gradient`);
    const out = await this.session.run(this.feeds(u));
    return { ...readEvaluation(out), grad: out.grad_u!.data as Float32Array };
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private feeds(u: Float32Array): Record<string, ort.Tensor> {
    const latent = new ort.Tensor('float32', u, this.spec.latentDims);
    if (!this.withGradient) return { u: latent };
    const { height, width, numClasses } = this.spec;
    return {
      u: latent,
      grad_loss: new ort.Tensor('float32', Float32Array.of(1), []),
      grad_logits: new ort.Tensor('float32', new Float32Array(numClasses), [1, numClasses]),
      grad_image01: new ort.Tensor('float32', new Float32Array(3 * height * width), [1, 3, height, width]),
    };
  }
}

async function guidanceSession(
  decoder: string | ModelProto,
  classifier: GuidanceClassifier,
  spec: GuidanceGraphSpec,
  sessionOpts: { providers?: ProviderName[]; intraOpNumThreads?: number },
): Promise<{ session: SessionHandle; withGradient: boolean }> {
  const built = buildGuidanceModels(typeof decoder === 'string' ? loadModel(decoder) : decoder, classifier, spec);
  // Full-resolution activations, many runs: with onnxruntime's CPU arena the process grew past 20 GB over two
  // VJP runs at 512×512 and kept growing run over run (1.98 → 2.60 GB at 128×128); without it each intermediate
  // is freed when dead and the peak stays flat (1.74 GB at 128×128), and runs were faster too (bench:real-shape).
  const session = await createSession(built.backward ?? built.forward, { ...sessionOpts, memoryArena: false });
  return { session, withGradient: built.backward !== null };
}

function readEvaluation(out: Record<string, ort.Tensor>): GuidanceEvaluation {
  const loss = out.loss ? (out.loss.data as Float32Array)[0]! : null;
  return { image01: out.image01!.data as Float32Array, logits: out.logits!.data as Float32Array, loss };
}
