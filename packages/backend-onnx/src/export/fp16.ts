/**
 * float16 versions of an exported model. Two modes:
 *
 * - `'weights'`: float initializers stored as float16, each followed by a Cast to float32. Half the
 *   file size; arithmetic stays float32 (ONNX Runtime folds the casts at load), so speed is that of
 *   fp32 and the error is the weights' rounding only. Runs on every provider.
 * - `'graph'`: the whole network computes in float16, with float32 input and outputs (Cast after the
 *   input, before each output). Softmax and the in-graph z-score (`preprocess/…`) stay float32 for
 *   accuracy. Fast where the provider has float16 kernels (WebGPU with shader-f16, CUDA); ONNX
 *   Runtime's CPU provider lacks most of them.
 */
import { DataType, floatData, onnx, type ModelProto, type NodeProto, type TensorProto } from '../proto/onnx.js';
import { toHalfArray } from './half.js';
import { validateModel } from './validate.js';

export type Fp16Mode = 'weights' | 'graph';

/** Ops whose output has the type of their input: no cast is put before them. */
const PASS_THROUGH = new Set(['Identity', 'Transpose', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze']);

export function defaultKeepFloat32(node: NodeProto): boolean {
  return node.opType === 'Softmax' || (node.name ?? '').startsWith('preprocess/');
}

function halfInitializer(t: TensorProto, name: string): TensorProto {
  return onnx.TensorProto.create({
    name,
    dims: t.dims ?? [],
    dataType: DataType.FLOAT16,
    rawData: new Uint8Array(toHalfArray(floatData(t)).buffer),
  });
}

export function convertToFp16(model: ModelProto, mode: Fp16Mode = 'weights', keepFloat32: (node: NodeProto) => boolean = defaultKeepFloat32): ModelProto {
  const g = model.graph!;
  const used = new Set<string>([...(g.input ?? []).map((i) => i.name!), ...(g.initializer ?? []).map((i) => i.name!), ...(g.node ?? []).flatMap((n) => n.output ?? [])]);
  const unique = (base: string) => {
    let n = base;
    for (let i = 1; used.has(n); i++) n = `${base}_${i}`;
    used.add(n);
    return n;
  };
  const cast = (input: string, output: string, to: number): NodeProto => ({
    name: unique(`cast/${output}`),
    opType: 'Cast',
    input: [input],
    output: [output],
    attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to }],
  });

  const initializers: TensorProto[] = [];
  const nodes: NodeProto[] = [];
  if (mode === 'weights') {
    for (const t of g.initializer ?? []) {
      if (t.dataType !== DataType.FLOAT) {
        initializers.push(t);
        continue;
      }
      const half = unique(`${t.name}/fp16`);
      initializers.push(halfInitializer(t, half));
      nodes.push(cast(half, t.name!, DataType.FLOAT));
    }
    nodes.push(...(g.node ?? []));
  } else {
    const readers = new Map<string, NodeProto[]>();
    for (const n of g.node ?? []) for (const i of n.input ?? []) readers.set(i, [...(readers.get(i) ?? []), n]);
    type T = 'f32' | 'f16';
    const dtype = new Map<string, T>();
    for (const i of g.input ?? []) if (i.type?.tensorType?.elemType === DataType.FLOAT) dtype.set(i.name!, 'f32');
    for (const t of g.initializer ?? []) {
      const onlyKept = (readers.get(t.name!) ?? []).every(keepFloat32);
      if (t.dataType === DataType.FLOAT && !onlyKept) {
        initializers.push(halfInitializer(t, t.name!));
        dtype.set(t.name!, 'f16');
      } else {
        initializers.push(t);
        if (t.dataType === DataType.FLOAT) dtype.set(t.name!, 'f32');
      }
    }
    const casts = new Map<string, string>();
    const castTo = (name: string, to: T): string => {
      const key = `${name}->${to}`;
      let out = casts.get(key);
      if (!out) {
        out = unique(`${name}/${to === 'f16' ? 'fp16' : 'fp32'}`);
        nodes.push(cast(name, out, to === 'f16' ? DataType.FLOAT16 : DataType.FLOAT));
        dtype.set(out, to);
        casts.set(key, out);
      }
      return out;
    };
    for (const n of g.node ?? []) {
      const floatInputs = (n.input ?? []).filter((i) => dtype.has(i));
      let target: T = keepFloat32(n) ? 'f32' : 'f16';
      if (PASS_THROUGH.has(n.opType!) && floatInputs.length > 0) target = dtype.get(floatInputs[0]!)!;
      const input = (n.input ?? []).map((i) => (dtype.has(i) && dtype.get(i) !== target ? castTo(i, target) : i));
      nodes.push({ ...n, input });
      for (const o of n.output ?? []) dtype.set(o, target);
    }
    for (const o of g.output ?? []) {
      if (dtype.get(o.name!) !== 'f16') continue;
      const renamed = unique(`${o.name}/fp16`);
      for (const n of nodes) n.output = (n.output ?? []).map((x) => (x === o.name ? renamed : x));
      for (const n of nodes) n.input = (n.input ?? []).map((x) => (x === o.name ? renamed : x));
      nodes.push(cast(renamed, o.name!, DataType.FLOAT));
    }
  }
  const out: ModelProto = { ...model, graph: { ...g, node: nodes, initializer: initializers } };
  validateModel(out);
  return out;
}
