/**
 * Builds a TensorFlow.js layers model from a core network description (`NetworkGraph`): one tf.layers
 * layer per graph node, with the node's (Keras) name, so weights are addressed `${layer}/${weight}`
 * exactly as in core, in bundles and in Keras files. Nothing about the networks is written here: a
 * change to a description in @affnet/core changes the tfjs model with it.
 */
import * as tf from '@tensorflow/tfjs';
import { AffnetError, inferShapes, initWeights, type GraphNode, type NetworkGraph, type WeightMap } from '@affnet/core';
import { setWeights } from './weights.js';

/** A built network: the classifier and a two-output view of it sharing the same layers. */
export interface TfNetwork {
  graph: NetworkGraph;
  /** input [n, N, N, 3] → softmax probabilities [n, numClasses]; the model to train. */
  model: tf.LayersModel;
  /**
   * input → [probabilities, features]: the features are the CAM feature map (`graph.outputs.features`,
   * [n, fh, fw, c]). Shares its layers (and weights) with `model`.
   */
  withFeatures: tf.LayersModel;
}

type Tensor = tf.SymbolicTensor;

// Layers start at zeros and are then always overwritten by explicit, seeded weights (below): tfjs's
// own initialisers are unseeded, and drawing them costs seconds for tens of millions of weights.
const ZEROS = 'zeros' as const;

function layerFor(node: Exclude<GraphNode, { op: 'input' }>): tf.layers.Layer {
  const name = node.name;
  switch (node.op) {
    case 'conv2d':
      return tf.layers.conv2d({
        name,
        kernelInitializer: ZEROS,
        filters: node.filters,
        kernelSize: node.kernel,
        strides: node.strides,
        padding: node.padding,
        useBias: node.useBias,
        activation: node.activation,
      });
    case 'batchnorm':
      return tf.layers.batchNormalization({
        name,
        axis: -1,
        epsilon: node.epsilon,
        momentum: node.momentum,
        scale: node.scale,
        center: node.center,
      });
    case 'activation':
      return tf.layers.activation({ name, activation: node.fn });
    case 'maxpool':
      return tf.layers.maxPooling2d({ name, poolSize: node.pool, strides: node.strides, padding: node.padding });
    case 'avgpool':
      return tf.layers.averagePooling2d({ name, poolSize: node.pool, strides: node.strides, padding: node.padding });
    case 'zeropad':
      return tf.layers.zeroPadding2d({ name, padding: node.pad });
    case 'add':
      return tf.layers.add({ name });
    case 'concat':
      return tf.layers.concatenate({ name, axis: -1 });
    case 'gap':
      return tf.layers.globalAveragePooling2d({ name });
    case 'dense':
      return tf.layers.dense({ name, units: node.units, useBias: node.useBias, activation: node.activation, kernelInitializer: ZEROS });
  }
}

export interface BuildTfModelOptions {
  /** All weights of the network (a bundle's, or an ImageNet import); validated strictly by name and shape. */
  weights?: WeightMap;
  /** Without `weights`: the seed of core `initWeights` (Keras default initialisers). @defaultValue 0 */
  seed?: number;
}

/**
 * Builds the tf.LayersModel of a network description and sets its weights: `options.weights`, or else
 * seeded Keras-default initial weights from core `initWeights(graph, seed)`.
 * @throws AffnetError E_OPTION_INVALID when the description is invalid (shape inference fails),
 *   E_WEIGHTS_MISMATCH when `weights` lack a weight, have an extra one or a wrong shape
 */
export function buildTfModel(graph: NetworkGraph, options: BuildTfModelOptions = {}): TfNetwork {
  inferShapes(graph); // a clear AffnetError before tfjs's own shape errors
  const outputs = new Map<string, Tensor>();
  const get = (name: string): Tensor => {
    const t = outputs.get(name);
    if (!t) throw new AffnetError('E_OPTION_INVALID', `graph ${graph.architecture}: "${name}" is used before it is defined`);
    return t;
  };
  let input: Tensor | undefined;
  for (const node of graph.nodes) {
    if (node.op === 'input') {
      input = tf.input({ name: node.name, shape: node.shape });
      outputs.set(node.name, input);
      continue;
    }
    const layer = layerFor(node);
    const inbound = node.op === 'add' || node.op === 'concat' ? node.inputs.map(get) : get(node.input);
    outputs.set(node.name, layer.apply(inbound) as Tensor);
  }
  if (!input) throw new AffnetError('E_OPTION_INVALID', `graph ${graph.architecture}: no input node`);
  const probabilities = get(graph.outputs.probabilities);
  const features = get(graph.outputs.features);
  const model = tf.model({ name: graph.architecture, inputs: input, outputs: probabilities });
  const withFeatures = tf.model({ name: `${graph.architecture}_with_features`, inputs: input, outputs: [probabilities, features] });
  try {
    setWeights(model, options.weights ?? initWeights(graph, options.seed ?? 0));
  } catch (e) {
    model.dispose(); // withFeatures shares these layers
    throw e;
  }
  return { graph, model, withFeatures };
}

/**
 * A model from the input to the given layers' outputs (e.g. `["mixed0", "mixed5"]`), sharing layers
 * with `network.model`: for comparing intermediate activations layer by layer.
 */
export function intermediateModel(network: TfNetwork, layers: readonly string[]): tf.LayersModel {
  const outputs = layers.map((name) => {
    try {
      return network.model.getLayer(name).output as Tensor;
    } catch (e) {
      throw new AffnetError('E_OPTION_INVALID', `layer "${name}" is not in ${network.graph.architecture}`, { cause: e });
    }
  });
  return tf.model({ inputs: network.model.inputs, outputs });
}
