import { attrInt } from '../../attributes';
import { TensorDataType } from '../../data-types';
import type { GradientRule } from '../rule-types';

// Rows picked several times (embeddings) must add up, hence ScatterND with reduction='add' (opset 16).
// Other axes are moved to the front first so one ScatterND form serves every axis.
const gather: GradientRule = (c) => {
  if (!c.needsGrad(0)) return [undefined, undefined];
  const data = c.input(0);
  const gy = c.gradOutput(0)!;
  const r = c.g.rank(data);
  const q = c.g.rank(c.input(1));
  if (r === undefined || q === undefined) throw c.unsupported('ranks of data and indices must be known');
  const axis = ((attrInt(c.node, 'axis', 0) % r) + r) % r;
  c.g.requireOpset(16);

  let indices = c.input(1);
  if (c.g.facts.type(indices) !== TensorDataType.INT64) indices = c.g.op('Cast', [indices], { to: TensorDataType.INT64 });
  const known = c.g.facts.numbers(c.input(1));
  if (!known || known.some((v) => v < 0)) {
    const dim = c.g.op('Gather', [c.g.shapeOf(data), c.g.constI64([axis], [])], { axis: 0 });
    indices = c.g.op('Where', [c.g.op('Less', [indices, c.g.constI64([0], [])]), c.g.op('Add', [indices, dim]), indices]);
  }
  const index = c.g.unsqueeze(indices, [q]);

  // Data with `axis` first, and the cotangent with the index block first, to match ScatterND's layout.
  const dataPerm = [axis, ...Array.from({ length: r }, (_, i) => i).filter((i) => i !== axis)];
  const gyRank = r - 1 + q;
  const gyPerm = [
    ...Array.from({ length: q }, (_, i) => axis + i),
    ...Array.from({ length: axis }, (_, i) => i),
    ...Array.from({ length: gyRank - axis - q }, (_, i) => axis + q + i),
  ];
  const zeros = c.g.zerosLike(data);
  const scattered = c.g.op(
    'ScatterND',
    [c.g.transpose(zeros, dataPerm), index, c.g.transpose(gy, gyPerm)],
    { reduction: 'add' },
  );
  const inverse = new Array<number>(r);
  dataPerm.forEach((p, i) => (inverse[p] = i));
  return [c.g.transpose(scattered, inverse), undefined];
};

export const gatherRules: Record<string, GradientRule> = { Gather: gather };
