import type { ModelProto } from './model-io';

/**
 * The part of a model that computes `outputs`: the nodes they depend on, and only the graph inputs and initializers
 * those nodes read (onnx.utils.extract_model with the graph's own inputs). Used to run one tower of a combined export
 * (CLIPModel's single model.onnx) without feeding the other tower's inputs. The input model is not changed.
 */
export function extractOutputs(model: ModelProto, outputs: string[]): ModelProto {
  const graph = model.graph!;
  const producer = new Map<string, number>();
  (graph.node ?? []).forEach((n, i) => (n.output ?? []).forEach((o) => producer.set(o, i)));
  const declared = new Map((graph.output ?? []).map((o) => [o.name!, o]));
  for (const o of outputs) if (!declared.has(o)) throw new Error(`extractOutputs: the model has no output '${o}' (it has ${[...declared.keys()].join(', ')})`);
  const keep = new Set<number>();
  const needed = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (needed.has(v)) continue;
    needed.add(v);
    const i = producer.get(v);
    if (i === undefined || keep.has(i)) continue;
    keep.add(i);
    for (const input of graph.node![i]!.input ?? []) if (input) stack.push(input);
  }
  return {
    ...model,
    graph: {
      ...graph,
      node: (graph.node ?? []).filter((_, i) => keep.has(i)),
      input: (graph.input ?? []).filter((i) => needed.has(i.name!)),
      initializer: (graph.initializer ?? []).filter((t) => needed.has(t.name!)),
      output: outputs.map((o) => declared.get(o)!),
      valueInfo: (graph.valueInfo ?? []).filter((v) => needed.has(v.name!)),
    },
  };
}
