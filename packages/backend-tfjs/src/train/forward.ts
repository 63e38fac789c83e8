/**
 * Internal: running a built network node by node, so that each layer can be told separately whether
 * it trains. tf.LayersModel.apply has one `training` flag for the whole model; fine-tuning the top K
 * blocks needs the frozen layers in inference mode (batch-norm statistics fixed, as Keras does for
 * layers with `trainable = False`) and the others in training mode. The layers (and their weights)
 * are those of the built model; nothing is copied.
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphNode, NetworkGraph } from '@affnet/core';
import type { TfNetwork } from '../model/index.js';

export type Activations = Map<string, tf.Tensor>;

function inputsOf(node: GraphNode): string[] {
  if (node.op === 'input') return [];
  return node.op === 'add' || node.op === 'concat' ? node.inputs : [node.input];
}

/**
 * Runs `nodes` (in topological order) on known activations (e.g. `{ input_1: x }`) and returns the
 * activations map with their outputs added. Tensors are created in the caller's scope.
 */
export function runNodes(net: TfNetwork, nodes: readonly GraphNode[], known: Activations, training: boolean): Activations {
  const out: Activations = new Map(known);
  for (const node of nodes) {
    if (node.op === 'input') continue;
    const inputs = inputsOf(node).map((name) => {
      const t = out.get(name);
      if (!t) throw new Error(`internal: ${node.name} needs ${name}, which has not been computed`);
      return t;
    });
    const layer = net.model.getLayer(node.name);
    if (node.op === 'batchnorm' && training && !(node.scale && node.center)) {
      out.set(node.name, batchNormTraining(layer, node, inputs[0]!));
      continue;
    }
    const arg = node.op === 'add' || node.op === 'concat' ? inputs : inputs[0]!;
    out.set(node.name, layer.apply(arg, { training }) as tf.Tensor);
  }
  return out;
}

function layerWeight(layer: tf.layers.Layer, name: string): tf.LayerVariable | undefined {
  return layer.weights.find((w) => w.originalName.split('/').at(-1) === name);
}

/**
 * Batch normalisation in training mode for layers without gamma or beta. tfjs-layers 4.22 reads
 * `gamma` and `beta` unconditionally when training, so a layer built with `scale: false` (all of
 * InceptionV3's, as in Keras) throws. This is the layer's own computation (tf.moments over N, H, W,
 * tf.batchNorm, then moving averages with the layer's momentum) with constants for the missing weights.
 */
function batchNormTraining(layer: tf.layers.Layer, node: Extract<GraphNode, { op: 'batchnorm' }>, x: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  // tf.batchNorm without a scale breaks under the gradient tape (tfjs-core 4.22), so the absent
  // weights are passed as the constants they stand for: gamma 1, beta 0.
  const gamma = (node.scale ? layerWeight(layer, 'gamma')?.read() : undefined) ?? tf.onesLike(mean);
  const beta = (node.center ? layerWeight(layer, 'beta')?.read() : undefined) ?? tf.zerosLike(mean);
  const y = tf.batchNorm(x, mean, variance, beta, gamma, node.epsilon);
  for (const [name, value] of [
    ['moving_mean', mean],
    ['moving_variance', variance],
  ] as const) {
    const moving = layerWeight(layer, name);
    if (!moving) throw new Error(`internal: ${node.name} has no ${name}`);
    tf.tidy(() => {
      const current = moving.read();
      moving.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - node.momentum)));
    });
  }
  return y;
}

/** A split of the graph into a frozen part (run without gradients) and a trained part. */
export interface GraphSplit {
  frozen: GraphNode[];
  trained: GraphNode[];
  /** Frozen activations the trained part reads (the input when nothing is frozen). */
  boundary: string[];
}

/**
 * Splits the graph into the nodes that train (`isTrained`) and the frozen rest. Checks that no frozen
 * node reads a trained one (true for block splits: blocks are ordered input → output).
 */
export function splitGraph(graph: NetworkGraph, isTrained: (node: GraphNode) => boolean): GraphSplit {
  const frozen: GraphNode[] = [];
  const trained: GraphNode[] = [];
  for (const node of graph.nodes) (node.op !== 'input' && isTrained(node) ? trained : frozen).push(node);
  const frozenNames = new Set(frozen.map((n) => n.name));
  for (const node of frozen) {
    for (const i of inputsOf(node)) {
      if (!frozenNames.has(i)) throw new Error(`internal: frozen layer ${node.name} reads trained layer ${i}`);
    }
  }
  const boundary = new Set<string>();
  for (const node of trained) for (const i of inputsOf(node)) if (frozenNames.has(i)) boundary.add(i);
  return { frozen, trained, boundary: [...boundary] };
}

/** The trainable tf.Variables of the given nodes' layers, in graph order (kernel, bias, gamma, beta). */
export function trainableVariables(net: TfNetwork, nodes: readonly GraphNode[]): { key: string; variable: tf.Variable }[] {
  const out: { key: string; variable: tf.Variable }[] = [];
  for (const node of nodes) {
    if (node.op === 'input') continue;
    const layer = net.model.getLayer(node.name);
    for (const w of layer.trainableWeights) {
      out.push({ key: `${node.name}/${w.originalName.split('/').at(-1)}`, variable: w.read() as tf.Variable });
    }
  }
  return out;
}
