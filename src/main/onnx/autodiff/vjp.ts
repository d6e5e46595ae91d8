import type { onnx } from '../proto-types';
import type { ModelProto } from '../model-io';
import { makeValueInfo } from '../graph-builder';
import { defaultDomainOpset } from '../opset';
import { isFloatType, TensorDataType } from '../data-types';
import { toNumber } from '../int64';
import { GradGraph } from './grad-graph';
import { inferFacts } from './shape-inference';
import { nodeInputsDeep, topoSort } from './topo-sort';
import { gradientRegistry } from './registry';
import { MissingGradientError, UnsupportedGradientError } from './errors';
import type { GradientContext } from './rule-types';
import type { ValueFacts } from './value-facts';
import { bindInputShapes, type InputShapes } from './bind-input-shapes';
import { rematerializeCheapOutputs } from './rematerialize';

export interface VjpOptions {
  of: string[];
  wrt: string[];
  keepOutputs?: boolean;
  /**
   * Shapes of the run for dynamic-axis graph inputs (see bindInputShapes): the gradient model is then built
   * for those sizes, with every shape static. Without it, symbolic sizes are carried through the graph's
   * shape arithmetic and the gradient model keeps the dynamic axes where its rules allow.
   */
  inputShapes?: InputShapes;
  /**
   * Default true: cheap forward outputs (Sigmoid) are recomputed in the backward instead of kept alive from
   * the forward to the backward (see rematerializeCheapOutputs). false keeps every forward output the rules read.
   */
  recompute?: boolean;
}

export function gradName(value: string): string {
  return `grad_${value}`;
}

function outputInfo(graph: onnx.IGraphProto, facts: ValueFacts, name: string): onnx.IValueInfoProto {
  const declared = [...(graph.output ?? []), ...(graph.valueInfo ?? []), ...(graph.input ?? [])].find((v) => v.name === name);
  if (declared?.type?.tensorType) return declared;
  return makeValueInfo(name, facts.type(name) ?? TensorDataType.FLOAT, facts.shape(name));
}

function renamed(info: onnx.IValueInfoProto, name: string): onnx.IValueInfoProto {
  return { ...info, name };
}

// Values downstream of `wrt` through float tensors: the only ones a gradient can flow through.
function reachableFrom(nodes: onnx.INodeProto[], wrt: string[], facts: ValueFacts): Set<string> {
  const reach = new Set(wrt);
  for (const node of nodes) {
    if (!(node.input ?? []).some((i) => reach.has(i))) continue;
    for (const o of node.output ?? []) {
      const t = facts.type(o);
      if (o && (t === undefined || isFloatType(t))) reach.add(o);
    }
  }
  return reach;
}

// Of those, the values that lead to some `of`: the nodes producing them are the ones that get gradients.
function liveValues(nodes: onnx.INodeProto[], of: string[], reach: Set<string>): Set<string> {
  const live = new Set(of.filter((o) => reach.has(o)));
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    if (!(node.output ?? []).some((o) => live.has(o))) continue;
    for (const i of node.input ?? []) if (reach.has(i)) live.add(i);
  }
  return live;
}

// Drops forward nodes and initializers the requested outputs do not need.
function deadCodeElimination(nodes: onnx.INodeProto[], outputs: string[]): onnx.INodeProto[] {
  const needed = new Set(outputs);
  const kept: onnx.INodeProto[] = [];
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const i of nodeInputsDeep(node)) needed.add(i);
  }
  return kept.reverse();
}

// Reverse-mode differentiation: a new model computing the forward pass once and the vector-Jacobian
// products of `of` with respect to `wrt`, fed with one cotangent input per `of`.
export function vjp(original: ModelProto, opts: VjpOptions): ModelProto {
  const model = opts.inputShapes ? bindInputShapes(original, opts.inputShapes) : original;
  const graph = model.graph;
  if (!graph) throw new Error('model has no graph');
  const opset = defaultDomainOpset(model);
  if (opset < 13) throw new Error(`vjp needs opset 13 or newer (model uses ${opset}); convert the model first`);
  if (opts.of.length === 0 || opts.wrt.length === 0) throw new Error('vjp needs at least one `of` and one `wrt`');

  const graphInputs = (graph.input ?? []).map((i) => i.name ?? '');
  const initNames = (graph.initializer ?? []).map((t) => t.name ?? '');
  const forward = topoSort(graph.node ?? [], [...graphInputs, ...initNames]).map((n) => ({
    ...n,
    output: [...(n.output ?? [])],
  }));
  const known = new Set([...graphInputs, ...initNames, ...forward.flatMap((n) => n.output)]);
  for (const name of [...opts.of, ...opts.wrt]) if (!known.has(name)) throw new Error(`vjp: no value named "${name}"`);
  for (const name of [...opts.of.map(gradName), ...opts.wrt.map(gradName)]) {
    if (known.has(name)) throw new Error(`vjp: the model already has a value named "${name}"`);
  }

  const facts = inferFacts(graph, forward, opset);
  const used = new Set([...known, ...forward.map((n) => n.name ?? ''), ...opts.of.map(gradName), ...opts.wrt.map(gradName)]);
  const g = new GradGraph(facts, opset, used);
  const reach = reachableFrom(forward, opts.wrt, facts);
  const live = liveValues(forward, opts.of, reach);

  const pending = new Map<string, string[]>();
  const addGrad = (value: string, grad: string): void => {
    const list = pending.get(value) ?? [];
    list.push(grad);
    pending.set(value, list);
  };
  const gradOf = (value: string): string | undefined => {
    const list = pending.get(value);
    if (!list || list.length === 0) return undefined;
    if (list.length > 1) {
      g.setScope(`accumulate/${value}`);
      const sum = g.like(list.length === 2 ? g.op('Add', list) : g.op('Sum', list), value);
      pending.set(value, [sum]);
    }
    return pending.get(value)![0];
  };
  const cotangentInputs = opts.of.map((o) => {
    addGrad(o, gradName(o));
    g.like(gradName(o), o);
    return renamed(outputInfo(graph, facts, o), gradName(o));
  });

  for (let k = forward.length - 1; k >= 0; k--) {
    const node = forward[k]!;
    const outs = node.output;
    const ins = node.input ?? [];
    if (!outs.some((o) => live.has(o))) continue;
    const needs = ins.map((i) => i !== '' && live.has(i));
    if (!needs.some(Boolean)) continue;
    const gradOuts = outs.map((o) => (live.has(o) ? gradOf(o) : undefined));
    if (gradOuts.every((x) => x === undefined)) continue;
    const nodeName = node.name || `${node.opType}_${k}`;
    const opType = node.opType ?? '';
    const rule = !node.domain || node.domain === 'ai.onnx' ? gradientRegistry.get(opType) : undefined;
    if (!rule) throw new MissingGradientError(node.domain ? `${node.domain}.${opType}` : opType, nodeName);
    g.setScope(nodeName);
    const ctx: GradientContext = {
      node,
      opset,
      g,
      input: (i) => ins[i] ?? '',
      output: (i) => outs[i] ?? '',
      gradOutput: (i) => gradOuts[i],
      needsGrad: (i) => needs[i] ?? false,
      forwardOutput: (i) => {
        while (outs.length <= i) outs.push('');
        if (!outs[i]) outs[i] = g.fresh(`${nodeName}/extra_output${i}`);
        return outs[i]!;
      },
      unsupported: (reason) => new UnsupportedGradientError(opType, nodeName, reason),
    };
    const grads = rule(ctx);
    ins.forEach((input, i) => {
      const grad = grads[i];
      if (!needs[i] || grad === undefined) return;
      addGrad(input, g.like(grad, input));
    });
  }

  const gradOutputs = opts.wrt.map((w) => {
    g.setScope(`output/${w}`);
    const grad = gradOf(w) ?? g.zerosLike(w);
    g.nodes.push({ name: g.fresh(`grad/output/${w}`), opType: 'Identity', input: [grad], output: [gradName(w)] });
    return renamed(outputInfo(graph, facts, w), gradName(w));
  });

  if (opts.recompute ?? true) rematerializeCheapOutputs(forward, g, new Set(initNames), new Set(opts.of));

  const keptOf = opts.keepOutputs ? opts.of.map((o) => outputInfo(graph, facts, o)) : [];
  const outputNames = [...gradOutputs, ...keptOf].map((o) => o.name ?? '');
  const nodes = deadCodeElimination([...forward, ...g.nodes], outputNames);
  const usedNames = new Set(nodes.flatMap(nodeInputsDeep));
  const initializers = [...(graph.initializer ?? []), ...g.initializers].filter((t) => usedNames.has(t.name ?? ''));
  const finalOpset = g.requiredOpset;
  return {
    ...model,
    irVersion: Math.max(toNumber(model.irVersion ?? 8), finalOpset >= 21 ? 10 : finalOpset >= 19 ? 9 : 8),
    opsetImport: (model.opsetImport ?? []).map((o) =>
      !o.domain || o.domain === 'ai.onnx' ? { ...o, version: finalOpset } : o,
    ),
    graph: {
      ...graph,
      node: nodes,
      input: [...(graph.input ?? []), ...cotangentInputs],
      output: [...gradOutputs, ...keptOf],
      initializer: initializers,
      valueInfo: (graph.valueInfo ?? []).filter((v) => usedNames.has(v.name ?? '')),
    },
  };
}
