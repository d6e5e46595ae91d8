import type { Dim } from '../graph-builder';

// A statically known small tensor (shape arithmetic, axes, scales). String entries are symbolic dims such as
// a dynamic batch size, carried through Shape -> Gather -> Concat chains so Reshape targets stay resolvable.
export interface ConstTensor {
  dims: number[];
  values: (number | string)[];
}

// What is statically known about each value of a graph. Unknown dims are fresh symbols ("?3"): a value that
// flows unchanged keeps its symbol, so equality of symbols still means equal sizes.
export class ValueFacts {
  readonly types = new Map<string, number>();
  readonly shapes = new Map<string, Dim[]>();
  readonly consts = new Map<string, ConstTensor>();
  private unknownCount = 0;

  unknownDim(): string {
    return `?${this.unknownCount++}`;
  }

  shape(name: string): Dim[] | undefined {
    return this.shapes.get(name);
  }

  rank(name: string): number | undefined {
    return this.shapes.get(name)?.length;
  }

  type(name: string): number | undefined {
    return this.types.get(name);
  }

  // Numeric values of a constant, or undefined when unknown or partly symbolic.
  numbers(name: string): number[] | undefined {
    const c = this.consts.get(name);
    if (!c || c.values.some((v) => typeof v !== 'number')) return undefined;
    return c.values as number[];
  }

  staticDims(name: string): number[] | undefined {
    const s = this.shapes.get(name);
    if (!s || s.some((d) => typeof d !== 'number')) return undefined;
    return s as number[];
  }
}

export function sameShape(a: Dim[] | undefined, b: Dim[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);
}
