// Plain-object view of resources/onnx/onnx.proto, shaped like pbjs' static `I*` interfaces.
// int64 fields are numbers, or bigints where the value does not fit a double exactly (e.g. INT64_MAX
// used as "to the end" by Slice); bytes are Uint8Array; enums are their numeric values.
export declare namespace onnx {
  type Int64 = number | bigint;

  interface IStringStringEntryProto { key?: string | null; value?: string | null }
  interface IOperatorSetIdProto { domain?: string | null; version?: Int64 | null }

  interface IAttributeProto {
    name?: string | null;
    refAttrName?: string | null;
    docString?: string | null;
    type?: number | null;
    f?: number | null;
    i?: Int64 | null;
    s?: Uint8Array | null;
    t?: ITensorProto | null;
    g?: IGraphProto | null;
    sparseTensor?: ISparseTensorProto | null;
    tp?: ITypeProto | null;
    floats?: number[] | null;
    ints?: Int64[] | null;
    strings?: Uint8Array[] | null;
    tensors?: ITensorProto[] | null;
    graphs?: IGraphProto[] | null;
    sparseTensors?: ISparseTensorProto[] | null;
    typeProtos?: ITypeProto[] | null;
  }

  interface IValueInfoProto { name?: string | null; type?: ITypeProto | null; docString?: string | null }

  interface INodeProto {
    input?: string[] | null;
    output?: string[] | null;
    name?: string | null;
    opType?: string | null;
    domain?: string | null;
    attribute?: IAttributeProto[] | null;
    docString?: string | null;
  }

  interface ITrainingInfoProto {
    initialization?: IGraphProto | null;
    algorithm?: IGraphProto | null;
    initializationBinding?: IStringStringEntryProto[] | null;
    updateBinding?: IStringStringEntryProto[] | null;
  }

  interface IModelProto {
    irVersion?: Int64 | null;
    opsetImport?: IOperatorSetIdProto[] | null;
    producerName?: string | null;
    producerVersion?: string | null;
    domain?: string | null;
    modelVersion?: Int64 | null;
    docString?: string | null;
    graph?: IGraphProto | null;
    metadataProps?: IStringStringEntryProto[] | null;
    trainingInfo?: ITrainingInfoProto[] | null;
    functions?: IFunctionProto[] | null;
  }

  interface ITensorAnnotation { tensorName?: string | null; quantParameterTensorNames?: IStringStringEntryProto[] | null }

  interface IGraphProto {
    node?: INodeProto[] | null;
    name?: string | null;
    initializer?: ITensorProto[] | null;
    sparseInitializer?: ISparseTensorProto[] | null;
    docString?: string | null;
    input?: IValueInfoProto[] | null;
    output?: IValueInfoProto[] | null;
    valueInfo?: IValueInfoProto[] | null;
    quantizationAnnotation?: ITensorAnnotation[] | null;
  }

  interface ITensorSegment { begin?: Int64 | null; end?: Int64 | null }

  interface ITensorProto {
    dims?: Int64[] | null;
    dataType?: number | null;
    segment?: ITensorSegment | null;
    floatData?: number[] | null;
    int32Data?: number[] | null;
    stringData?: Uint8Array[] | null;
    int64Data?: Int64[] | null;
    name?: string | null;
    docString?: string | null;
    rawData?: Uint8Array | null;
    externalData?: IStringStringEntryProto[] | null;
    dataLocation?: number | null;
    doubleData?: number[] | null;
    uint64Data?: Int64[] | null;
  }

  interface ISparseTensorProto { values?: ITensorProto | null; indices?: ITensorProto | null; dims?: Int64[] | null }

  interface ITensorShapeDimension { dimValue?: Int64 | null; dimParam?: string | null; denotation?: string | null }
  interface ITensorShapeProto { dim?: ITensorShapeDimension[] | null }

  interface ITypeProtoTensor { elemType?: number | null; shape?: ITensorShapeProto | null }
  interface ITypeProto {
    tensorType?: ITypeProtoTensor | null;
    sequenceType?: { elemType?: ITypeProto | null } | null;
    mapType?: { keyType?: number | null; valueType?: ITypeProto | null } | null;
    optionalType?: { elemType?: ITypeProto | null } | null;
    sparseTensorType?: ITypeProtoTensor | null;
    denotation?: string | null;
  }

  interface IFunctionProto {
    name?: string | null;
    input?: string[] | null;
    output?: string[] | null;
    attribute?: string[] | null;
    node?: INodeProto[] | null;
    docString?: string | null;
    opsetImport?: IOperatorSetIdProto[] | null;
    domain?: string | null;
  }
}
