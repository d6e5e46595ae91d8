import type { onnx } from './proto-types';

// Values up to 2^53 stay numbers for convenience; larger ones (INT64_MAX as "to the end") stay exact as bigint.
export function toNumber(v: onnx.Int64 | null | undefined): number {
  return v === null || v === undefined ? 0 : Number(v);
}

export function exactInt64(v: bigint): onnx.Int64 {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
