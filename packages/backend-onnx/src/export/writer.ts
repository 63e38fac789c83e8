/**
 * Internal: collects the nodes and initializers of one ONNX graph and hands out unique names, so no
 * two nodes or tensors of an exported model share a name (ONNX IR: names are unique per graph).
 */
import { attribute, tensor, type AttrValue, type DataTypeCode, type NodeProto, type TensorProto } from '../proto/onnx.js';

export class OnnxGraphWriter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly tensorNames = new Set<string>();
  private readonly nodeNames = new Set<string>();

  /** Reserves `base`, or `base_1`, `base_2` … when taken; returns the reserved tensor name. */
  tensorName(base: string): string {
    return reserve(this.tensorNames, base);
  }

  /** Marks a name as taken (graph inputs). */
  claim(name: string): string {
    if (this.tensorNames.has(name)) throw new Error(`internal: tensor name "${name}" is already used`);
    this.tensorNames.add(name);
    return name;
  }

  /** Adds an initializer named after `base` and returns its (unique) name. */
  initializer(base: string, dataType: DataTypeCode, dims: number[], data: ArrayBufferView): string {
    const name = this.tensorName(base);
    this.initializers.push(tensor(name, dataType, dims, data));
    return name;
  }

  /**
   * Adds a node. `outputs` are base names for the produced tensors (made unique); the node is named
   * after `name` (made unique). Returns the produced tensor names.
   */
  node(opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttrValue> = {}, name: string = outputs[0] ?? opType, domain?: string): string[] {
    const out = outputs.map((o) => this.tensorName(o));
    this.nodes.push({
      name: reserve(this.nodeNames, name),
      opType,
      input: inputs,
      output: out,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
      ...(domain ? { domain } : {}),
    });
    return out;
  }

  /** Same as {@link node} for the common one-output case. */
  node1(opType: string, inputs: string[], output: string, attributes: Record<string, AttrValue> = {}, name?: string): string {
    return this.node(opType, inputs, [output], attributes, name ?? output)[0]!;
  }
}

function reserve(set: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; set.has(name); i++) name = `${base}_${i}`;
  set.add(name);
  return name;
}
