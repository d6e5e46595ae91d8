import type { onnx } from '../proto-types';

// Every value a node reads, including outer-scope names used inside If/Loop/Scan bodies.
export function nodeInputsDeep(node: onnx.INodeProto): string[] {
  const names = [...(node.input ?? [])];
  for (const a of node.attribute ?? []) {
    for (const g of [a.g, ...(a.graphs ?? [])]) {
      if (!g) continue;
      const local = new Set([...(g.input ?? []).map((i) => i.name ?? ''), ...(g.initializer ?? []).map((t) => t.name ?? '')]);
      for (const n of g.node ?? []) {
        for (const o of n.output ?? []) local.add(o);
        for (const i of nodeInputsDeep(n)) if (!local.has(i)) names.push(i);
      }
    }
  }
  return names.filter((n) => n !== '');
}

// Kahn's algorithm keeping the original order where it is already valid (ONNX requires sorted graphs,
// but hand-edited ones are not always).
export function topoSort(nodes: onnx.INodeProto[], available: Iterable<string>): onnx.INodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o && producer.set(o, i)));
  const ready = new Set(available);
  const deps = nodes.map((n) => nodeInputsDeep(n).filter((i) => !ready.has(i) && producer.has(i)));
  const done = new Array<boolean>(nodes.length).fill(false);
  const produced = new Set<string>();
  const order: onnx.INodeProto[] = [];
  let progress = true;
  while (order.length < nodes.length && progress) {
    progress = false;
    for (let i = 0; i < nodes.length; i++) {
      if (done[i] || !deps[i]!.every((d) => produced.has(d))) continue;
      done[i] = true;
      progress = true;
      order.push(nodes[i]!);
      for (const o of nodes[i]!.output ?? []) produced.add(o);
    }
  }
  if (order.length < nodes.length) throw new Error('graph has a cycle or reads values nothing produces');
  return order;
}
