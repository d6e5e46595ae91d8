import type { onnx } from '../proto-types';
import type { ModelProto } from '../model-io';
import type { Dim } from '../graph-builder';
import { DEFAULT_OPSET, defaultDomainOpset } from '../opset';
import { toNumber } from '../int64';
import { inferFacts } from './shape-inference';
import { topoSort } from './topo-sort';

/** Concrete (or renamed symbolic) dims for graph inputs: a number fixes the axis, a string keeps it symbolic. */
export type InputShapes = Record<string, Dim[]>;

function declaredDims(info: onnx.IValueInfoProto): (number | string | undefined)[] | undefined {
  const shape = info.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => (d.dimValue !== null && d.dimValue !== undefined ? toNumber(d.dimValue) : d.dimParam || undefined));
}

function withDims(info: onnx.IValueInfoProto, dims: Dim[]): onnx.IValueInfoProto {
  const tensorType = info.type?.tensorType ?? {};
  return {
    ...info,
    type: { ...info.type, tensorType: { ...tensorType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/**
 * The model specialised to the shapes of a run: the named graph inputs get `shapes` (checked against their
 * declared rank and fixed sizes), every other use of a bound dim_param (other inputs, outputs, value infos)
 * takes the same value, and the graph outputs get the shapes inferred through the graph's shape arithmetic
 * (Shape -> Gather -> Concat -> Reshape, Expand, ConstantOfShape...). Dynamic-axis exports (torch.onnx with
 * dynamic_axes, Optimum) then differentiate with every size static, as if exported at that size.
 */
export function bindInputShapes(model: ModelProto, shapes: InputShapes): ModelProto {
  const graph = model.graph;
  if (!graph) throw new Error('model has no graph');
  const initNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (graph.input ?? []).filter((i) => !initNames.has(i.name ?? ''));
  const params = new Map<string, Dim>();
  for (const [name, dims] of Object.entries(shapes)) {
    const info = inputs.find((i) => i.name === name);
    if (!info) throw new Error(`bindInputShapes: the model has no graph input "${name}" (it has: ${inputs.map((i) => i.name).join(', ')})`);
    if (dims.some((d) => typeof d === 'number' && (!Number.isInteger(d) || d < 0))) throw new Error(`bindInputShapes: "${name}" gets invalid dims [${dims}]`);
    const declared = declaredDims(info);
    if (!declared) continue;
    if (declared.length !== dims.length) throw new Error(`bindInputShapes: "${name}" has rank ${declared.length}, bound to [${dims}]`);
    declared.forEach((d, i) => {
      const v = dims[i]!;
      if (typeof d === 'number' && d !== v) throw new Error(`bindInputShapes: "${name}" axis ${i} is fixed to ${d}, bound to ${v}`);
      if (typeof d === 'string') {
        const prior = params.get(d);
        if (prior !== undefined && prior !== v) throw new Error(`bindInputShapes: dim "${d}" is bound to both ${prior} and ${v}`);
        params.set(d, v);
      }
    });
  }
  const substitute = (info: onnx.IValueInfoProto): onnx.IValueInfoProto => {
    const declared = declaredDims(info);
    if (!declared || !declared.some((d) => typeof d === 'string' && params.has(d))) return info;
    const dims = (info.type!.tensorType!.shape!.dim ?? []).map((d, i) => {
      const p = declared[i];
      return typeof p === 'string' && params.has(p) ? params.get(p)! : d.dimValue !== null && d.dimValue !== undefined ? toNumber(d.dimValue) : (d.dimParam ?? '');
    });
    // An unnamed dynamic dim ('' above) stays unnamed.
    const out = withDims(info, dims);
    out.type!.tensorType!.shape!.dim!.forEach((d, i) => {
      if (dims[i] === '') delete d.dimParam;
    });
    return out;
  };
  const boundInputs = (graph.input ?? []).map((i) => (Object.prototype.hasOwnProperty.call(shapes, i.name ?? '') && !initNames.has(i.name ?? '') ? withDims(i, shapes[i.name!]!) : substitute(i)));
  const bound: onnx.IGraphProto = {
    ...graph,
    input: boundInputs,
    output: (graph.output ?? []).map(substitute),
    valueInfo: (graph.valueInfo ?? []).map(substitute),
  };
  // Outputs: what inference through the bound graph says, where that is more specific than the declaration.
  const nodes = topoSort(bound.node ?? [], [...boundInputs.map((i) => i.name ?? ''), ...initNames]);
  const facts = inferFacts(bound, nodes, defaultDomainOpset(model, DEFAULT_OPSET));
  bound.output = (bound.output ?? []).map((o) => {
    const inferred = facts.shape(o.name ?? '');
    if (!inferred || inferred.some((d) => typeof d !== 'number')) return o;
    const declared = declaredDims(o);
    if (declared && declared.length !== inferred.length) return o;
    return withDims(o, inferred);
  });
  return { ...model, graph: bound };
}
