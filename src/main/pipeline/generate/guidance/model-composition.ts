import type { ModelProto, onnx } from '../../../onnx';
import { defaultDomainOpset } from '../../../onnx/opset';

/**
 * Default-domain ops whose signature changed in a way that breaks a node written for an older opset when
 * the merged graph imports a newer one (attribute `axes` became an input at 18; GroupNormalization's scale
 * became per-channel at 21). Changes that only add optional attributes or inputs are compatible and omitted.
 */
const BREAKING_OPSET: Record<string, number> = {
  ReduceMax: 18,
  ReduceMin: 18,
  ReduceMean: 18,
  ReduceProd: 18,
  ReduceL1: 18,
  ReduceL2: 18,
  ReduceLogSum: 18,
  ReduceLogSumExp: 18,
  ReduceSumSquare: 18,
  GroupNormalization: 21,
};

/**
 * The opset a graph merged from `models` must import: the highest of theirs. Refuses pieces older than 13
 * (the autodiff engine's floor) and pieces that use an op whose meaning changes between their opset and it.
 */
export function mergedOpset(models: { label: string; model: ModelProto }[]): number {
  const target = Math.max(...models.map((m) => defaultDomainOpset(m.model)));
  for (const { label, model } of models) {
    const own = defaultDomainOpset(model);
    if (own < 13) throw new Error(`${label}: opset ${own} is older than 13, which gradient graphs need; re-export it with opset ≥ 13`);
    for (const node of model.graph?.node ?? []) {
      const changedAt = BREAKING_OPSET[node.opType ?? ''];
      if (changedAt !== undefined && own < changedAt && target >= changedAt) {
        throw new Error(`${label}: node ${node.name ?? node.opType} (${node.opType}) is written for opset ${own} but the merged graph needs opset ${target}; re-export the models with the same opset`);
      }
    }
  }
  return target;
}

/**
 * Builds one ONNX graph out of several models: each model's nodes, initializers and value infos are copied
 * with a name prefix (so two models' `input`/`conv1.weight` cannot collide), its graph inputs are wired to
 * values already in the merged graph, and its outputs become available under their prefixed names.
 */
export class ModelComposer {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly valueInfo: onnx.IValueInfoProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly otherOpsets = new Map<string, number>();
  private irVersion = 8;

  input(info: onnx.IValueInfoProto): void {
    this.inputs.push(info);
  }

  /**
   * Copies `model` into the merged graph. `bindings` maps each of its graph inputs (that is not an
   * initializer) to a merged-graph value; returns its graph outputs' merged names, by original name.
   */
  inline(model: ModelProto, prefix: string, bindings: Record<string, string>): Record<string, string> {
    const graph = model.graph;
    if (!graph) throw new Error(`${prefix}: model has no graph`);
    const initNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
    const rename = (name: string): string => {
      if (name === '') return '';
      if (Object.prototype.hasOwnProperty.call(bindings, name) && !initNames.has(name)) return bindings[name]!;
      return `${prefix}${name}`;
    };
    for (const input of graph.input ?? []) {
      const name = input.name ?? '';
      if (!initNames.has(name) && !Object.prototype.hasOwnProperty.call(bindings, name)) {
        throw new Error(`${prefix}: graph input "${name}" is not bound to a value`);
      }
    }
    for (const node of graph.node ?? []) {
      for (const attr of node.attribute ?? []) {
        if (attr.g || (attr.graphs && attr.graphs.length > 0)) {
          throw new Error(`${prefix}: node ${node.name ?? node.opType} has a subgraph (${node.opType}); merging control flow is not supported`);
        }
      }
      this.nodes.push({ ...node, name: `${prefix}${node.name || node.opType}_${this.nodes.length}`, input: (node.input ?? []).map(rename), output: (node.output ?? []).map(rename) });
    }
    for (const t of graph.initializer ?? []) this.initializers.push({ ...t, name: rename(t.name ?? '') });
    for (const v of graph.valueInfo ?? []) this.valueInfo.push({ ...v, name: rename(v.name ?? '') });
    for (const o of model.opsetImport ?? []) {
      if (o.domain && o.domain !== 'ai.onnx') this.otherOpsets.set(o.domain, Math.max(this.otherOpsets.get(o.domain) ?? 0, Number(o.version)));
    }
    this.irVersion = Math.max(this.irVersion, Number(model.irVersion ?? 8));
    const outputs: Record<string, string> = {};
    for (const o of graph.output ?? []) outputs[o.name ?? ''] = rename(o.name ?? '');
    return outputs;
  }

  /** Exposes a merged-graph value as a graph output under `name` (an Identity when the names differ). */
  output(value: string, info: onnx.IValueInfoProto): void {
    const name = info.name ?? value;
    if (name !== value) this.nodes.push({ name: `output/${name}`, opType: 'Identity', input: [value], output: [name] });
    this.outputs.push({ ...info, name });
  }

  build(opset: number, name: string): ModelProto {
    return {
      irVersion: this.irVersion,
      producerName: 'synood-studio',
      opsetImport: [{ domain: '', version: opset }, ...[...this.otherOpsets].map(([domain, version]) => ({ domain, version }))],
      graph: {
        name,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
        valueInfo: this.valueInfo,
      },
    };
  }
}
