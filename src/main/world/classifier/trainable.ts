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
 * feeds the current weights), followed by mean (label-smoothed) cross-entropy against int64 `target` and the `correct` count.
 * The loss nodes get a prefix so their generated names cannot collide with the classifier's.
 */
export function classifierTrainingForward(model: ModelProto, params: TrainableParams, logitsName: string, numClasses: number, smoothing: number): ModelProto {
  const graph = model.graph!;
  const paramNames = new Set(params.specs.map((s) => s.name));
  const lb = new GraphBuilder({ opset: 17, name: 'loss' });
  lb.input('logits', 'float32', ['batch', numClasses]);
  lb.input('target', 'int64', ['batch']);
  smoothedCrossEntropyAndCorrect(lb, 'logits', 'target', numClasses, smoothing);
  const loss = lb.build().graph!;
  const keep = new Set(['logits', 'target', 'loss', 'correct']);
  const rename = (n: string) => (n === 'logits' ? logitsName : keep.has(n) || n === '' ? n : `loss/${n}`);
  const lossNodes = (loss.node ?? []).map((n) => ({ ...n, name: `loss/${n.name}`, input: (n.input ?? []).map(rename), output: (n.output ?? []).map(rename) }));
  const lossInits = (loss.initializer ?? []).map((t) => ({ ...t, name: rename(t.name!) }));
  return {
    ...model,
    graph: {
      ...graph,
      name: 'world_classifier_train_step',
      node: [...(graph.node ?? []), ...lossNodes],
      initializer: [...(graph.initializer ?? []).filter((t) => !paramNames.has(t.name ?? '')), ...lossInits],
      input: [
        ...(graph.input ?? []),
        makeValueInfo('target', TensorDataType.INT64, ['batch']),
        ...params.specs.map((s) => makeValueInfo(s.name, TensorDataType.FLOAT, s.dims)),
      ],
      output: [makeValueInfo('loss', TensorDataType.FLOAT, []), makeValueInfo('correct', TensorDataType.FLOAT, [])],
      valueInfo: [],
    },
  };
}
