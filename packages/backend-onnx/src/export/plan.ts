/**
 * Internal: decides, before any node is written, which layers of a {@link NetworkGraph} merge into
 * their neighbours in the ONNX graph. Every merge is exact in real arithmetic:
 *
 * - Batch norm folds into the convolution before it when that convolution has a linear activation
 *   and no other reader, and neither is a graph output: BN(conv(x)) = conv'(x) with
 *   W'[o] = W[o]·γ[o]/√(σ²[o]+ε) and b'[o] = (b[o] − μ[o])·γ[o]/√(σ²[o]+ε) + β[o]
 *   (Ioffe & Szegedy 2015, eq. in Alg. 2, applied to a per-channel affine map). It saves one pass over
 *   each activation map; in float32 the result differs from the unfolded graph by rounding only.
 * - Zero padding folds into the `pads` of every convolution that reads it (a convolution over zeros is
 *   a convolution with zero pads) and of max pooling. ONNX MaxPool pads with −∞, Keras pools over the
 *   zeros, so the exporter adds `Max(pool, m)` with m = 0 where a window touches the zero rows and
 *   −FLT_MAX elsewhere — unless the map is provably ≥ 0 (after ReLU) and every window keeps a real
 *   value, where the two agree. (A separate Pad → MaxPool is not an option: ONNX Runtime's PadFusion
 *   merges it into MaxPool's −∞ pads and gets signed maps wrong — seen with 1.30, test
 *   "zero pad → max pool of signed values".)
 */
import type { GraphNode, NetworkGraph } from '@affnet/core';

export interface ExportPlan {
  /** batch-norm layer → the conv layer it folds into */
  bnIntoConv: Map<string, string>;
  /** conv layer → the batch-norm layer folded into it */
  convBn: Map<string, string>;
  /** zero-pad layers whose pads go into their readers */
  foldedPads: Set<string>;
  /** layers whose output is provably ≥ 0 */
  nonNegative: Set<string>;
  /** readers of each layer */
  consumers: Map<string, GraphNode[]>;
}

export function nodeInputs(node: GraphNode): string[] {
  switch (node.op) {
    case 'input':
      return [];
    case 'add':
    case 'concat':
      return node.inputs;
    default:
      return [node.input];
  }
}

export function makePlan(graph: NetworkGraph, options: { foldBatchNorm: boolean }): ExportPlan {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const consumers = new Map<string, GraphNode[]>(graph.nodes.map((n) => [n.name, []]));
  for (const node of graph.nodes) for (const i of nodeInputs(node)) consumers.get(i)?.push(node);
  const outputs = new Set([graph.outputs.features, graph.outputs.probabilities]);

  const nonNegative = new Set<string>();
  for (const node of graph.nodes) {
    const ins = nodeInputs(node);
    const allNonNeg = ins.length > 0 && ins.every((i) => nonNegative.has(i));
    const nonNeg =
      ((node.op === 'conv2d' || node.op === 'dense') && node.activation !== 'linear') ||
      (node.op === 'activation' && node.fn !== 'linear') ||
      (['maxpool', 'avgpool', 'zeropad', 'concat', 'add', 'gap'].includes(node.op) && allNonNeg) ||
      (node.op === 'activation' && node.fn === 'linear' && allNonNeg);
    if (nonNeg) nonNegative.add(node.name);
  }

  const bnIntoConv = new Map<string, string>();
  const convBn = new Map<string, string>();
  if (options.foldBatchNorm) {
    for (const node of graph.nodes) {
      if (node.op !== 'batchnorm') continue;
      const prev = byName.get(node.input);
      if (prev?.op === 'conv2d' && prev.activation === 'linear' && consumers.get(prev.name)!.length === 1 && !outputs.has(prev.name)) {
        bnIntoConv.set(node.name, prev.name);
        convBn.set(prev.name, node.name);
      }
    }
  }

  const foldedPads = new Set<string>();
  for (const node of graph.nodes) {
    if (node.op !== 'zeropad' || outputs.has(node.name)) continue;
    const readers = consumers.get(node.name)!;
    if (readers.length > 0 && readers.every((r) => r.op === 'conv2d' || r.op === 'maxpool')) foldedPads.add(node.name);
  }
  return { bnIntoConv, convBn, foldedPads, nonNegative, consumers };
}
