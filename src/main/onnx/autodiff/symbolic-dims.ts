import type { Dim } from '../graph-builder';

// Symbolic sizes as monomials: a dimension is a number, a symbol ("batch", "?3"), or a product of symbols with
// an integer coefficient ("4*batch", "?2*?3"), kept in one canonical spelling so equal products compare equal.
// That keeps exported shape arithmetic exact through dynamic axes: CLIPAttention's view(bsz * heads, -1, d)
// of a [bsz, heads, seq, d] tensor resolves -1 to seq, and reshaping back recovers [bsz, heads, seq, d].

interface Monomial {
  coef: number;
  syms: string[];
}

function parse(d: Dim): Monomial {
  if (typeof d === 'number') return { coef: d, syms: [] };
  // A plain name (a model's dim_param) is one symbol, even if it looks like a number.
  if (!d.includes('*')) return { coef: 1, syms: [d] };
  let coef = 1;
  const syms: string[] = [];
  for (const part of d.split('*')) {
    if (/^\d+$/.test(part)) coef *= Number(part);
    else syms.push(part);
  }
  return { coef, syms: syms.sort() };
}

function format(m: Monomial): Dim {
  if (m.syms.length === 0) return m.coef;
  if (m.coef === 0) return 0;
  return m.coef === 1 ? m.syms.join('*') : `${m.coef}*${m.syms.join('*')}`;
}

export function mulDims(a: Dim, b: Dim): Dim {
  const x = parse(a);
  const y = parse(b);
  return format({ coef: x.coef * y.coef, syms: [...x.syms, ...y.syms].sort() });
}

export function productOfDims(dims: readonly Dim[]): Dim {
  return dims.reduce<Dim>((acc, d) => mulDims(acc, d), 1);
}

// a / b when it divides exactly (as monomials), else undefined.
export function divDims(a: Dim, b: Dim): Dim | undefined {
  const x = parse(a);
  const y = parse(b);
  if (y.coef === 0 || x.coef % y.coef !== 0) return undefined;
  const rest = [...x.syms];
  for (const s of y.syms) {
    const at = rest.indexOf(s);
    if (at < 0) return undefined;
    rest.splice(at, 1);
  }
  return format({ coef: x.coef / y.coef, syms: rest });
}

// Canonical spelling of a dim read from a model (dim_param) or computed.
export function canonicalDim(d: Dim): Dim {
  return typeof d === 'number' ? d : format(parse(d));
}
