// onnx.TensorProto.DataType values (numeric, as they appear in models).
export const TensorDataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

// onnx.AttributeProto.AttributeType values.
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

export type ElemTypeName = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

const BY_NAME: Record<ElemTypeName, number> = {
  float32: TensorDataType.FLOAT,
  float64: TensorDataType.DOUBLE,
  float16: TensorDataType.FLOAT16,
  int64: TensorDataType.INT64,
  int32: TensorDataType.INT32,
  int8: TensorDataType.INT8,
  uint8: TensorDataType.UINT8,
  bool: TensorDataType.BOOL,
};

export function elemTypeCode(name: ElemTypeName): number {
  return BY_NAME[name];
}

// Types a gradient can flow through; integer and bool values are never differentiated.
export function isFloatType(code: number | undefined): boolean {
  return (
    code === TensorDataType.FLOAT ||
    code === TensorDataType.DOUBLE ||
    code === TensorDataType.FLOAT16 ||
    code === TensorDataType.BFLOAT16
  );
}
