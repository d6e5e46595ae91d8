import type { ModelProto } from './model-io';
import { toNumber } from './int64';

/**
 * The default-domain opset the studio writes its own graphs in (hand-built losses and training steps, the
 * factory's tiny models, the scorer head) and assumes for a model that declares none. One constant, so a
 * graph built here and the models it is merged with never disagree by accident.
 */
export const DEFAULT_OPSET = 17;

/** The IR version a model of `opset` needs: opsets 19–20 need IR 9 and 21+ IR 10; IR 8 covers opsets up to 18. */
export function irVersionFor(opset: number): number {
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  return 8;
}

/**
 * The model's default-domain (ai.onnx) opset; `fallback` when it imports none, and without a fallback a model
 * that imports none is an error naming its graph.
 */
export function defaultDomainOpset(model: ModelProto, fallback?: number): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (entry) return toNumber(entry.version);
  if (fallback === undefined) throw new Error(`model "${model.graph?.name ?? ''}" has no default-domain opset import`);
  return fallback;
}
