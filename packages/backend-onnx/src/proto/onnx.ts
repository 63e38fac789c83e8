/**
 * Thin typed helpers over the ONNX protobuf schema (`onnx-proto`, generated from onnx/onnx.proto of
 * ONNX 1.10; the fields used here are unchanged since). Everything that writes ModelProto bytes goes
 * through this file, so the rest of the exporter never touches protobuf details.
 * Internal: not part of the package's public API.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

/** TensorProto.DataType numbers (onnx.proto). */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  FLOAT16: 10,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/**
 * IR version 8 is the one that goes with opset 17/18 (ONNX 1.12/1.13, docs/Versioning.md); ONNX
 * Runtime 1.30 reads it.
 */
export const IR_VERSION = 8;
export const OPSET = 17;

/** A dimension: a fixed size or a symbolic name (dynamic batch). */
export type Dim = number | string;

export function valueInfo(name: string, elemType: DataTypeCode, dims: Dim[]): ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}

export type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | TensorProto;

/**
 * Attribute from a plain value: integers (and integer arrays) are INT(S); use `{ float }` or
 * `{ floats }` for FLOAT(S), a string for STRING, a TensorProto for TENSOR.
 */
export function attribute(name: string, value: AttrValue): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`attribute ${name}: ${value} is not an integer; use { float }`);
    return { name, type: T.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value && typeof value.float === 'number') return { name, type: T.FLOAT, f: value.float };
  if ('floats' in value && Array.isArray(value.floats)) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.TENSOR, t: value as TensorProto };
}

/** Little-endian bytes of a typed array (raw_data of a TensorProto is little-endian, onnx.proto). */
export function rawBytes(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

export function tensor(name: string, dataType: DataTypeCode, dims: number[], data: ArrayBufferView): TensorProto {
  return onnx.TensorProto.create({ name, dataType, dims, rawData: rawBytes(data) });
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** Attribute value by name from a decoded node, as a plain number / number[] / string. */
export function readAttribute(node: NodeProto, name: string): number | number[] | string | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  if (!a) return undefined;
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT:
      return Number(a.i);
    case T.INTS:
      return (a.ints ?? []).map(Number);
    case T.FLOAT:
      return a.f ?? 0;
    case T.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    default:
      return undefined;
  }
}

/** Copy of a tensor's data as Float32Array (FLOAT raw_data or float_data). */
export function floatData(t: TensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const copy = t.rawData.slice();
    return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}
