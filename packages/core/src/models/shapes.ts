/**
 * Shape inference, weight specifications and parameter counts for a {@link NetworkGraph}. Pure
 * functions of the description; backends and the bundle reader use them to check weights.
 */
import { AffnetError } from '../errors.js';
import type { GraphNode, NetworkGraph, Padding, WeightSpec } from './graph.js';

/** Output shape per node, without the batch axis: [h, w, c] for maps, [units] after pooling. */
export type ShapeMap = Map<string, number[]>;

/**
 * Output side of a convolution or pooling along one axis, as TensorFlow computes it:
 * 'same' → ceil(n / s); 'valid' → floor((n − k) / s) + 1.
 */
export function outputSide(n: number, k: number, s: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

function tooSmall(graph: NetworkGraph, node: GraphNode, shape: number[]): AffnetError {
  const input = graph.nodes[0];
  const size = input?.op === 'input' ? input.shape[0] : '?';
  return new AffnetError('E_OPTION_INVALID', `inputSize: ${size} px is too small for ${graph.architecture}: layer "${node.name}" would output ${shape.join('×')}`);
}

function getShape(shapes: ShapeMap, graph: NetworkGraph, node: GraphNode, input: string): number[] {
  const s = shapes.get(input);
  if (!s) {
    throw new AffnetError('E_OPTION_INVALID', `graph ${graph.architecture}: layer "${node.name}" reads "${input}", which is not defined before it`);
  }
  return s;
}

function spatial(graph: NetworkGraph, node: GraphNode, s: number[]): [number, number, number] {
  if (s.length !== 3) {
    throw new AffnetError('E_OPTION_INVALID', `graph ${graph.architecture}: layer "${node.name}" needs a [h, w, c] input, got [${s.join(', ')}]`);
  }
  return s as [number, number, number];
}

function nodeShape(graph: NetworkGraph, shapes: ShapeMap, node: GraphNode): number[] {
  const shapeOf = (name: string) => getShape(shapes, graph, node, name);
  switch (node.op) {
    case 'input':
      return [...node.shape];
    case 'conv2d':
    case 'maxpool':
    case 'avgpool': {
      const [h, w, c] = spatial(graph, node, shapeOf(node.input));
      const k = node.op === 'conv2d' ? node.kernel : node.pool;
      const out = [outputSide(h, k[0], node.strides[0], node.padding), outputSide(w, k[1], node.strides[1], node.padding), node.op === 'conv2d' ? node.filters : c];
      if (out[0] < 1 || out[1] < 1) throw tooSmall(graph, node, out);
      return out;
    }
    case 'zeropad': {
      const [h, w, c] = spatial(graph, node, shapeOf(node.input));
      return [h + node.pad[0][0] + node.pad[0][1], w + node.pad[1][0] + node.pad[1][1], c];
    }
    case 'batchnorm':
    case 'activation':
      return [...shapeOf(node.input)];
    case 'add': {
      const all = node.inputs.map(shapeOf);
      const first = all[0]!;
      if (all.some((s) => s.join() !== first.join())) {
        throw new AffnetError('E_OPTION_INVALID', `graph ${graph.architecture}: add "${node.name}" has inputs of different shapes ${all.map((s) => `[${s.join(', ')}]`).join(' ')}`);
      }
      return [...first];
    }
    case 'concat': {
      const all = node.inputs.map((n) => spatial(graph, node, shapeOf(n)));
      const [h, w] = all[0]!;
      if (all.some((s) => s[0] !== h || s[1] !== w)) {
        throw new AffnetError('E_OPTION_INVALID', `graph ${graph.architecture}: concat "${node.name}" has inputs of different sizes ${all.map((s) => `${s[0]}×${s[1]}`).join(' ')}`);
      }
      return [h, w, all.reduce((sum, s) => sum + s[2], 0)];
    }
    case 'gap':
      return [spatial(graph, node, shapeOf(node.input))[2]];
    case 'dense': {
      const s = shapeOf(node.input);
      if (s.length !== 1) {
        throw new AffnetError('E_OPTION_INVALID', `graph ${graph.architecture}: dense "${node.name}" needs a flat input, got [${s.join(', ')}]`);
      }
      return [node.units];
    }
  }
}

/**
 * The output shape of every node (batch axis left out), in node order.
 * @throws AffnetError E_OPTION_INVALID naming the first layer whose output would be empty (input too
 *   small, e.g. InceptionV3 below 75 px) or whose inputs do not fit together
 */
export function inferShapes(graph: NetworkGraph): ShapeMap {
  const shapes: ShapeMap = new Map();
  for (const node of graph.nodes) shapes.set(node.name, nodeShape(graph, shapes, node));
  return shapes;
}

/**
 * Every weight of the graph with its Keras name and shape, in node order and, within a layer, in Keras
 * order (kernel, bias; gamma, beta, moving_mean, moving_variance) — the order of Keras `get_weights()`.
 */
export function weightSpecs(graph: NetworkGraph): WeightSpec[] {
  const shapes = inferShapes(graph);
  const specs: WeightSpec[] = [];
  const push = (layer: string, weight: WeightSpec['weight'], shape: number[], trainable = true) => specs.push({ name: `${layer}/${weight}`, layer, weight, shape, trainable });
  for (const node of graph.nodes) {
    if (node.op === 'conv2d') {
      const cin = shapes.get(node.input)![2]!;
      push(node.name, 'kernel', [node.kernel[0], node.kernel[1], cin, node.filters]);
      if (node.useBias) push(node.name, 'bias', [node.filters]);
    } else if (node.op === 'batchnorm') {
      const c = shapes.get(node.input)!.at(-1)!;
      if (node.scale) push(node.name, 'gamma', [c]);
      if (node.center) push(node.name, 'beta', [c]);
      push(node.name, 'moving_mean', [c], false);
      push(node.name, 'moving_variance', [c], false);
    } else if (node.op === 'dense') {
      const cin = shapes.get(node.input)![0]!;
      push(node.name, 'kernel', [cin, node.units]);
      if (node.useBias) push(node.name, 'bias', [node.units]);
    }
  }
  return specs;
}

export interface ParameterCount {
  /** All weights, as Keras's "Total params" (batch-norm statistics included). */
  total: number;
  trainable: number;
  /** Batch-norm moving statistics. */
  nonTrainable: number;
  /** Total per block; `total − byBlock.head` is the Keras "notop" count. */
  byBlock: Record<string, number>;
}

export function countParameters(graph: NetworkGraph): ParameterCount {
  const blockOf = new Map(graph.nodes.map((n) => [n.name, n.block]));
  const count: ParameterCount = { total: 0, trainable: 0, nonTrainable: 0, byBlock: {} };
  for (const b of graph.blocks) count.byBlock[b] = 0;
  for (const spec of weightSpecs(graph)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    count.total += n;
    if (spec.trainable) count.trainable += n;
    else count.nonTrainable += n;
    const block = blockOf.get(spec.layer)!;
    count.byBlock[block] = (count.byBlock[block] ?? 0) + n;
  }
  return count;
}

/**
 * The blocks trained when fine-tuning "the top K blocks": the head plus the last `k` backbone blocks
 * (k = 0: the head only, a frozen trunk; k ≥ number of backbone blocks: everything).
 */
export function topBlocks(graph: NetworkGraph, k: number): string[] {
  if (!Number.isInteger(k) || k < 0) {
    throw new AffnetError('E_OPTION_INVALID', `fineTuneBlocks: ${k} is not valid; it needs an integer ≥ 0 (0 = head only, up to ${graph.blocks.length - 1} for ${graph.architecture})`);
  }
  const backbone = graph.blocks.filter((b) => b !== 'head');
  return [...backbone.slice(Math.max(0, backbone.length - k)), 'head'];
}

/** Names of the layers (nodes) in the given blocks. */
export function layersInBlocks(graph: NetworkGraph, blocks: readonly string[]): string[] {
  const set = new Set(blocks);
  return graph.nodes.filter((n) => set.has(n.block)).map((n) => n.name);
}
