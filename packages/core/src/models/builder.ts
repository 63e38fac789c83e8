/**
 * Internal: a small helper that the network descriptions (vgg.ts, inception-v3.ts, resnet.ts) use to
 * append nodes in topological order, tagging each with the current trainable block. Not exported
 * from the package.
 */
import type { Activation, Architecture, GraphNode, NetworkGraph, Padding } from './graph.js';

/** Keras `BatchNormalization` default momentum (keras.layers.BatchNormalization, momentum=0.99). */
export const KERAS_BN_MOMENTUM = 0.99;

/** A node without its `block` (the builder fills that in); distributes over the node union. */
type NodeSpec = DistributiveOmit<GraphNode, 'block'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly blocks: string[] = [];
  private current = '';
  private readonly counters = new Map<string, number>();

  constructor(
    readonly architecture: Architecture,
    inputSize: number,
    firstBlock: string,
  ) {
    this.setBlock(firstBlock);
    this.add({ op: 'input', name: 'input_1', shape: [inputSize, inputSize, 3] });
  }

  /** Starts a new trainable block; following nodes belong to it. */
  setBlock(block: string): void {
    if (!this.blocks.includes(block)) this.blocks.push(block);
    this.current = block;
  }

  /** Appends a node and returns its name (the input of the next node). */
  add(spec: NodeSpec): string {
    if (this.nodes.some((n) => n.name === spec.name)) {
      throw new Error(`internal: duplicate layer name "${spec.name}" in ${this.architecture}`);
    }
    this.nodes.push({ ...spec, block: this.current } as GraphNode);
    return spec.name;
  }

  /**
   * The next automatic Keras 2 layer name for a class prefix: `conv2d_1`, `conv2d_2`, … (Keras
   * 2.0–2.2 numbering from 1 in a fresh session, as in the original ImageNet H5 weight files).
   */
  autoName(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}_${n}`;
  }

  conv(name: string, input: string, filters: number, kernel: [number, number], options: { strides?: [number, number]; padding?: Padding; useBias?: boolean; activation?: Activation } = {}): string {
    return this.add({
      op: 'conv2d',
      name,
      input,
      filters,
      kernel,
      strides: options.strides ?? [1, 1],
      padding: options.padding ?? 'same',
      useBias: options.useBias ?? true,
      activation: options.activation ?? 'linear',
    });
  }

  batchNorm(name: string, input: string, epsilon: number, scale = true): string {
    return this.add({ op: 'batchnorm', name, input, epsilon, momentum: KERAS_BN_MOMENTUM, scale, center: true });
  }

  relu(name: string, input: string): string {
    return this.add({ op: 'activation', name, input, fn: 'relu' });
  }

  pool(op: 'maxpool' | 'avgpool', name: string, input: string, pool: number, stride: number, padding: Padding = 'valid'): string {
    return this.add({ op, name, input, pool: [pool, pool], strides: [stride, stride], padding });
  }

  zeroPad(name: string, input: string, p: number): string {
    return this.add({
      op: 'zeropad',
      name,
      input,
      pad: [
        [p, p],
        [p, p],
      ],
    });
  }

  /**
   * The classification head shared by every network: global average pooling → dense(numClasses,
   * softmax). With nothing between the pooled features and the dense layer, the class activation map
   * is exact (Zhou et al. 2016, "Learning Deep Features for Discriminative Localization", eq. 1–2).
   */
  finish(features: string, numClasses: number): NetworkGraph {
    this.setBlock('head');
    const pooled = this.add({ op: 'gap', name: 'avg_pool', input: features });
    const probabilities = this.add({
      op: 'dense',
      name: 'predictions',
      input: pooled,
      units: numClasses,
      useBias: true,
      activation: 'softmax',
    });
    return {
      architecture: this.architecture,
      nodes: this.nodes,
      blocks: this.blocks,
      outputs: { probabilities, features, classifier: probabilities },
      numClasses,
    };
  }
}
