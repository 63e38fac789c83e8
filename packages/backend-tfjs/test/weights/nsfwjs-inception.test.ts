/**
 * nsfwjs (MIT, dev dependency) ships a real Keras 2.2.4 InceptionV3 backbone (fine-tuned from
 * ImageNet) as a uint8-quantised tfjs layers model wrapped in JS modules. It proves the core
 * InceptionV3 is Keras's, layer by layer: same names, same connections and settings, same weight
 * shapes, and equal intermediate activations (mixed0, mixed5, mixed10) with the same weights.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, weightSpecs, type GraphNode } from '@affnet/core';
import { buildTfModel, decodeTfjsModel, importWeights, intermediateModel, type TfjsModelJson } from '../../src/index.js';
import { initWeights } from '@affnet/core';
import { kerasLayers, loadReference, relativeMaxDiff } from './reference-model.js';

const require = createRequire(import.meta.url);
const modelDir = join(dirname(require.resolve('nsfwjs')), '..', 'models', 'inception_v3');

/** nsfwjs's own head after mixed10 (average pooling 8×8, flatten, dense, dropout) is not Keras InceptionV3's. */
const NSFW_HEAD = /^(average_pooling2d_10|flatten_1|dense_\d+|dropout_\d+)$/;

let json: TfjsModelJson;
let shards: Uint8Array[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  json = require(join(modelDir, 'model.min.js')) as TfjsModelJson;
  const group = json.weightsManifest[0]!;
  // Each shard module exports the shard's bytes as a base64 string.
  const parts = group.paths.map((_, i) => Buffer.from(require(join(modelDir, `group1-shard${i + 1}of${group.paths.length}.min.js`)) as string, 'base64'));
  shards = [new Uint8Array(Buffer.concat(parts))];
});

/** The core description of a Keras layer, as [op, settings] to compare with the Keras config. */
function kerasAsCore(l: ReturnType<typeof kerasLayers>[number]): Record<string, unknown> {
  const c = l.config as Record<string, unknown>;
  const inputs = (l.inbound_nodes[0] ?? []).map((n) => n[0]);
  switch (l.class_name) {
    case 'InputLayer':
      return { op: 'input', shape: (c.batch_input_shape as number[]).slice(1) };
    case 'Conv2D':
      return { op: 'conv2d', input: inputs[0], filters: c.filters, kernel: c.kernel_size, strides: c.strides, padding: c.padding, useBias: c.use_bias, activation: c.activation };
    case 'BatchNormalization':
      return { op: 'batchnorm', input: inputs[0], epsilon: c.epsilon, momentum: c.momentum, scale: c.scale, center: c.center };
    case 'Activation':
      return { op: 'activation', input: inputs[0], fn: c.activation };
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return { op: l.class_name === 'MaxPooling2D' ? 'maxpool' : 'avgpool', input: inputs[0], pool: c.pool_size, strides: c.strides, padding: c.padding };
    case 'Concatenate':
      return { op: 'concat', inputs };
    default:
      return { op: `unexpected ${l.class_name}` };
  }
}

function coreSettings(n: GraphNode): Record<string, unknown> {
  const { name: _name, block: _block, ...rest } = n as GraphNode & { axis?: number };
  if (n.op === 'concat') return { op: 'concat', inputs: n.inputs };
  return rest;
}

describe('core InceptionV3 = Keras InceptionV3 (nsfwjs fixture)', () => {
  const graph = buildNetwork('inception_v3', { inputSize: 299 });

  it('has the same 311 layers (input to mixed10) with the same connections and settings', () => {
    const keras = kerasLayers(json).filter((l) => !NSFW_HEAD.test(l.name));
    const core = new Map(graph.nodes.filter((n) => n.block !== 'head').map((n) => [n.name, n]));
    expect(keras.length).toBe(311);
    expect(new Set(keras.map((l) => l.name))).toEqual(new Set(core.keys()));
    for (const l of keras) expect(coreSettings(core.get(l.name)!), l.name).toEqual(kerasAsCore(l));
  });

  it('has the same weight names and shapes', () => {
    const keras = json.weightsManifest[0]!.weights.filter((w) => !NSFW_HEAD.test(w.name.split('/')[0]!)).map((w) => `${w.name} ${w.shape.join('x')}`);
    const core = weightSpecs(graph)
      .filter((s) => s.layer !== 'predictions')
      .map((s) => `${s.name} ${s.shape.join('x')}`);
    expect(keras.length).toBe(376); // 94 conv kernels + 94 × (beta, moving_mean, moving_variance)
    expect(new Set(keras)).toEqual(new Set(core));
  });

  it('with the nsfwjs weights gives the activations of tf.loadLayersModel at mixed0, mixed5, mixed10 (relative max diff ≤ 1e-4)', async () => {
    const size = 107; // mixed10 is 2×2 here; small to keep tfjs-cpu fast (299 is the nominal size)
    const outputs = ['mixed0', 'mixed5', 'mixed10'];
    const reference = await loadReference(json, shards, { inputSize: size, outputs, keep: (n) => !NSFW_HEAD.test(n) });
    const small = buildNetwork('inception_v3', { inputSize: size });
    const source = decodeTfjsModel(json, shards);
    // The nsfwjs classifier layers are not part of InceptionV3: strict matching would list them.
    for (const name of [...source.keys()]) if (NSFW_HEAD.test(name.split('/')[0]!)) source.delete(name);
    const { weights, report } = importWeights(small, initWeights(small, 0), source);
    expect(report.loadedLayers.length).toBe(188);
    const net = buildTfModel(small, { weights });
    const core = intermediateModel(net, outputs);
    const x = tf.randomUniform([1, size, size, 3], -1, 1, 'float32', 3); // inception preprocessing range
    const got = core.predict(x) as tf.Tensor[];
    const want = reference.predict(x) as tf.Tensor[];
    outputs.forEach((name, i) => {
      expect(got[i]!.shape, name).toEqual(want[i]!.shape);
      const rel = relativeMaxDiff(got[i]!.dataSync() as Float32Array, want[i]!.dataSync() as Float32Array);
      console.log(`InceptionV3 (nsfwjs) ${name} ${got[i]!.shape.join('×')} at ${size} px: relative max diff ${rel.toExponential(2)}`);
      expect(rel, name).toBeLessThanOrEqual(1e-4);
    });
    expect(got[2]!.shape).toEqual([1, 2, 2, 2048]);
    tf.dispose([x, ...got, ...want]);
    net.model.dispose();
    reference.dispose();
  }, 240_000); // a ceiling for a loaded 2-core machine, not a speed goal
});
