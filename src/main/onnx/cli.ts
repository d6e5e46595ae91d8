import { writeFileSync } from 'node:fs';
import type { onnx } from './proto-types';
import { loadModel, saveModel } from './model-io';
import { toNumber } from './int64';
import { vjp } from './autodiff/vjp';
import type { InputShapes } from './autodiff/bind-input-shapes';
import { toFloat32 } from './float16';

const TYPE_NAMES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 16: 'bfloat16',
};

function describeValue(v: onnx.IValueInfoProto): string {
  const t = v.type?.tensorType;
  const type = TYPE_NAMES[t?.elemType ?? 0] ?? `type${t?.elemType ?? '?'}`;
  const dims = t?.shape ? `[${(t.shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? toNumber(d.dimValue) : '?')).join(', ')}]` : '(unknown shape)';
  return `${v.name} ${type} ${dims}`;
}

// Human summary for `synood onnx info`: opsets, inputs/outputs with shapes, op counts.
export function onnxInfo(path: string): string {
  const model = loadModel(path, { loadExternalData: false });
  const graph = model.graph ?? {};
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const counts = new Map<string, number>();
  for (const n of graph.node ?? []) {
    const key = n.domain ? `${n.domain}.${n.opType}` : n.opType ?? '?';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const lines = [
    `model: ${path}`,
    `ir_version: ${toNumber(model.irVersion)}  producer: ${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trimEnd(),
    `opsets: ${(model.opsetImport ?? []).map((o) => `${o.domain || 'ai.onnx'}=${toNumber(o.version)}`).join(', ')}`,
    `inputs:`,
    ...(graph.input ?? []).filter((i) => !inits.has(i.name)).map((i) => `  ${describeValue(i)}`),
    `outputs:`,
    ...(graph.output ?? []).map((o) => `  ${describeValue(o)}`),
    `initializers: ${inits.size}`,
    `nodes: ${(graph.node ?? []).length}`,
    ...[...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([op, n]) => `  ${op}: ${n}`),
  ];
  return lines.join('\n');
}

// `synood onnx vjp`: writes the gradient model of `of` with respect to `wrt` next to nothing else. A float16
// export is widened to float32 first (the engine differentiates float32 graphs); `inputShapes` binds dynamic axes.
export function onnxVjp(
  path: string,
  opts: { of: string[]; wrt: string[]; out: string; keepOutputs?: boolean; inputShapes?: InputShapes },
): string {
  const model = toFloat32(loadModel(path));
  const grad = vjp(model, { of: opts.of, wrt: opts.wrt, keepOutputs: opts.keepOutputs, inputShapes: opts.inputShapes });
  writeFileSync(opts.out, saveModel(grad));
  return opts.out;
}
