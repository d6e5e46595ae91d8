import protobuf from 'protobufjs';
import { resourcePath } from './resources';

export type { onnx } from './proto-types';

let root: protobuf.Root | undefined;

// Loaded once from the official onnx.proto, so the wire format is exactly ONNX's, not a hand copy.
export function onnxProtoRoot(): protobuf.Root {
  root ??= protobuf.loadSync(resourcePath('onnx', 'onnx.proto'));
  return root;
}

export function onnxMessageType(name: 'ModelProto' | 'TensorProto' | 'GraphProto' | 'NodeProto'): protobuf.Type {
  return onnxProtoRoot().lookupType(`onnx.${name}`);
}
