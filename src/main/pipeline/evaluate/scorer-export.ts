import { writeFileSync } from 'node:fs';
import { loadModel, saveModel, type ModelProto, type onnx } from '../../onnx';
import { DEFAULT_OPSET, defaultDomainOpset } from '../../onnx/opset';
import { buildScorerHead, type ScorerHeadOptions } from './scorer-head';

export interface ScorerExportOptions extends Omit<ScorerHeadOptions, 'opset'> {
  /** The CLIP vision tower: path to vision_model.onnx (external data is inlined) or a loaded model. */
  visionModel: string | ModelProto;
  /** The vision model's image-feature output; default 'image_embeds'. */
  imageEmbedsName?: string;
  /** Where to write scorer.onnx; the model is returned either way. */
  outPath?: string;
}

const HEAD_PREFIX = 'synood_head/';

/** The nodes needed for `outputs` (so the tower's other outputs are not computed) and every value they read. */
function nodesFeeding(graph: onnx.IGraphProto, outputs: string[]): { nodes: onnx.INodeProto[]; reads: Set<string> } {
  const needed = new Set(outputs);
  const nodes = graph.node ?? [];
  const keep = new Array<boolean>(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (!(n.output ?? []).some((o) => needed.has(o))) continue;
    keep[i] = true;
    for (const inp of n.input ?? []) if (inp) needed.add(inp);
    // Subgraph attributes (If/Loop) may read outer values; keep what they name too.
    for (const a of n.attribute ?? []) for (const g of [a.g, ...(a.graphs ?? [])]) for (const sn of g?.node ?? []) for (const inp of sn.input ?? []) needed.add(inp);
  }
  return { nodes: nodes.filter((_, i) => keep[i]), reads: needed };
}

function renameHead(head: onnx.IGraphProto, embeds: string): { nodes: onnx.INodeProto[]; initializers: onnx.ITensorProto[] } {
  const rename = (name: string): string => (name === 'image_embeds' ? embeds : name === 'ood_score' || name === '' ? name : HEAD_PREFIX + name);
  return {
    nodes: (head.node ?? []).map((n) => ({ ...n, name: HEAD_PREFIX + (n.name ?? ''), input: (n.input ?? []).map(rename), output: (n.output ?? []).map(rename) })),
    initializers: (head.initializer ?? []).map((t) => ({ ...t, name: rename(t.name ?? '') })),
  };
}

/**
 * scorer.onnx: `pixel_values` → `ood_score` in one graph: the CLIP vision tower (its nodes, topologically
 * before the head's), then the SynOOD head (scorer-head.ts) with the projection, the text features and the
 * group permutation baked in as initializers. Runs in any ONNX Runtime, no other files needed.
 */
export function exportScorerOnnx(o: ScorerExportOptions): ModelProto {
  const vision = typeof o.visionModel === 'string' ? loadModel(o.visionModel) : o.visionModel;
  const graph = vision.graph!;
  const embeds = o.imageEmbedsName ?? 'image_embeds';
  if (!(graph.output ?? []).some((v) => v.name === embeds)) {
    throw new Error(`vision model has no output '${embeds}' (outputs: ${(graph.output ?? []).map((v) => v.name).join(', ')})`);
  }
  const opset = defaultDomainOpset(vision, DEFAULT_OPSET);
  const head = renameHead(buildScorerHead({ ...o, opset }).graph!, embeds);
  const taken = new Set([...(graph.node ?? []).flatMap((n) => n.output ?? []), ...(graph.initializer ?? []).map((t) => t.name)]);
  if (taken.has('ood_score')) throw new Error("vision model already defines a value named 'ood_score'");
  const { nodes: visionNodes, reads: usedInputs } = nodesFeeding(graph, [embeds]);
  const model: ModelProto = {
    ...vision,
    producerName: 'synood-studio',
    graph: {
      ...graph,
      name: 'synood_scorer',
      node: [...visionNodes, ...head.nodes],
      initializer: [...(graph.initializer ?? []).filter((t) => usedInputs.has(t.name ?? '')), ...head.initializers],
      input: (graph.input ?? []).filter((v) => usedInputs.has(v.name ?? '')),
      output: [{ name: 'ood_score', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch_size' }] } } } }],
      valueInfo: [],
    },
  };
  if (o.outPath) writeFileSync(o.outPath, saveModel(model));
  return model;
}
