import { GraphBuilder, makeValueInfo, tensorDims, tensorToArray, makeTensor, TensorDataType, type ModelProto } from '../../onnx';
import type { ParamSpec } from '../../pipeline/train/training-step-session';
import { smoothedCrossEntropyAndCorrect } from './loss';

/** A model's float initializers that training updates: every `*.weight` / `*.bias`. */
export interface TrainableParams {
  specs: ParamSpec[];
  /** Copies of the initial values, in `specs` order. */
  values: Float32Array[];
}

function isParam(name: string): boolean {
  return name.endsWith('.weight') || name.endsWith('.bias');
}

export function trainableParams(model: ModelProto): TrainableParams {
  const inits = (model.graph?.initializer ?? []).filter((t) => isParam(t.name ?? '') && t.dataType === TensorDataType.FLOAT);
  return {
    specs: inits.map((t) => ({ name: t.name!, dims: tensorDims(t) })),
    values: inits.map((t) => Float32Array.from(tensorToArray(t) as Float32Array)),
  };
}

/** The same model with the parameters' initializers replaced by `values` (what the trained file holds). */
export function withWeights(model: ModelProto, params: TrainableParams): ModelProto {
  const byName = new Map(params.specs.map((s, i) => [s.name, { dims: s.dims, values: params.values[i]! }]));
  const initializer = (model.graph?.initializer ?? []).map((t) => {
    const p = byName.get(t.name ?? '');
    return p ? makeTensor(t.name!, TensorDataType.FLOAT, p.dims, p.values) : t;
  });
  return { ...model, graph: { ...model.graph, initializer } };
}

/**
 * The training-step forward graph: the classifier with its parameters turned into graph inputs (so each step
 * feeds the current weights), followed by mean (label-smoothed) cross-entropy against int64 `target` and the
 * `correct` count.
 */
export function classifierTrainingForward(model: ModelProto, params: TrainableParams, logitsName: string, numClasses: number, smoothing: number): ModelProto {
  const lb = new GraphBuilder({ opset: 17, name: 'loss' });
  lb.input('logits', 'float32', ['batch', numClasses]);
  lb.input('target', 'int64', ['batch']);
  smoothedCrossEntropyAndCorrect(lb, 'logits', 'target', numClasses, smoothing);
  lb.output('loss', 'float32', []);
  lb.output('correct', 'float32', []);
  return withTrainingTail(model, params, lb.build(), { logits: logitsName });
}

/**
 * `base` with its parameters as graph inputs, followed by `tail`: tail inputs named in `connect` read the base's
 * tensors, its other inputs become graph inputs, its outputs are the graph's outputs. The tail's internal names get
 * a prefix so its generated names cannot collide with the base's.
 */
export function withTrainingTail(base: ModelProto, params: TrainableParams, tail: ModelProto, connect: Record<string, string>): ModelProto {
  const graph = base.graph!;
  const t = tail.graph!;
  const paramNames = new Set(params.specs.map((s) => s.name));
  const external = new Set([...(t.input ?? []).map((i) => i.name!), ...(t.output ?? []).map((o) => o.name!)]);
  const rename = (n: string) => (connect[n] !== undefined ? connect[n]! : external.has(n) || n === '' ? n : `tail/${n}`);
  const tailNodes = (t.node ?? []).map((n) => ({ ...n, name: `tail/${n.name}`, input: (n.input ?? []).map(rename), output: (n.output ?? []).map(rename) }));
  const tailInits = (t.initializer ?? []).map((x) => ({ ...x, name: rename(x.name!) }));
  return {
    ...base,
    graph: {
      ...graph,
      name: `${graph.name}_train_step`,
      node: [...(graph.node ?? []), ...tailNodes],
      initializer: [...(graph.initializer ?? []).filter((x) => !paramNames.has(x.name ?? '')), ...tailInits],
      input: [...(graph.input ?? []), ...(t.input ?? []).filter((i) => connect[i.name!] === undefined), ...params.specs.map((s) => makeValueInfo(s.name, TensorDataType.FLOAT, s.dims))],
      output: [...(t.output ?? [])],
      valueInfo: [],
    },
  };
}
