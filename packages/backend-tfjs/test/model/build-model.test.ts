import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, camFromFeatures, countParameters, initWeights, isAffnetError, mapMeans, type Architecture, type FeatureBatch } from '@affnet/core';
import { buildTfModel, getWeights, intermediateModel, setWeights } from '../../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu'); // the reference engine
});

describe('buildTfModel builds the core description with Keras layer names', () => {
  it.each<[Architecture, number, number[]]>([
    ['vgg19', 32, [1, 1, 512]],
    ['resnet18', 32, [1, 1, 512]],
    ['resnet50', 32, [1, 1, 2048]],
    ['inception_v3', 75, [1, 1, 2048]],
  ])('%s at %i px: same layers and parameter count as the graph; features %j', (arch, size, featureShape) => {
    const graph = buildNetwork(arch, { inputSize: size });
    const net = buildTfModel(graph, { seed: 1 });
    try {
      expect(new Set(net.model.layers.map((l) => l.name))).toEqual(new Set(graph.nodes.map((n) => n.name)));
      expect(net.model.countParams()).toBe(countParameters(graph).total);
      expect(net.model.outputs[0]!.shape).toEqual([null, 2]);
      expect(net.withFeatures.outputs[1]!.shape).toEqual([null, ...featureShape]);
    } finally {
      net.model.dispose();
    }
  });

  it('sets the seeded core initial weights, readable back by Keras name', () => {
    const graph = buildNetwork('resnet18', { inputSize: 32 });
    const net = buildTfModel(graph, { seed: 4 });
    const expected = initWeights(graph, 4);
    const got = getWeights(net.model);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const name of ['conv1_conv/kernel', 'conv4_block1_0_conv/kernel', 'conv5_block2_2_bn/moving_variance', 'predictions/kernel']) {
      expect(got.get(name)!.shape).toEqual(expected.get(name)!.shape);
      expect(Buffer.from(got.get(name)!.data.buffer).equals(Buffer.from(expected.get(name)!.data.buffer)), name).toBe(true);
    }
    net.model.dispose();
  });
});

describe('setWeights errors are E_WEIGHTS_MISMATCH listing the weights', () => {
  const graph = buildNetwork('vgg19', { inputSize: 32 });
  let net: ReturnType<typeof buildTfModel>;
  beforeAll(() => {
    net = buildTfModel(graph, { seed: 0 });
  });

  it.each<[string, (w: ReturnType<typeof initWeights>) => void, boolean, RegExp]>([
    [
      'wrong shape',
      (w) => w.set('block1_conv1/kernel', { shape: [3, 3, 1, 64], data: new Float32Array(576) }),
      false,
      /wrong shape: block1_conv1\/kernel is \[3, 3, 1, 64\], the model needs \[3, 3, 3, 64\]/,
    ],
    ['missing (strict)', (w) => w.delete('block5_conv4/bias'), true, /missing: block5_conv4\/bias$/],
    ['not in the model (strict)', (w) => w.set('fc1/kernel', { shape: [1], data: new Float32Array(1) }), true, /not in the model: fc1\/kernel$/],
  ])('%s', (_case, edit, strict, message) => {
    const w = initWeights(graph, 0);
    edit(w);
    let error: unknown;
    try {
      setWeights(net.model, w, { strict });
    } catch (e) {
      error = e;
    }
    expect(isAffnetError(error, 'E_WEIGHTS_MISMATCH')).toBe(true);
    expect((error as Error).message).toMatch(/weights do not fit model "vgg19": /);
    expect((error as Error).message).toMatch(message);
  });

  it('non-strict loading reports missing and unused weights and sets the rest', () => {
    const w = initWeights(graph, 9);
    w.delete('block5_conv4/bias');
    w.set('fc1/kernel', { shape: [1], data: new Float32Array(1) });
    const report = setWeights(net.model, w, { strict: false });
    expect(report.missing).toEqual(['block5_conv4/bias']);
    expect(report.unused).toEqual(['fc1/kernel']);
    expect(report.set.length).toBe(33);
    expect(getWeights(net.model).get('block1_conv1/kernel')!.data[0]).toBe(w.get('block1_conv1/kernel')!.data[0]);
  });
});

// Zhou et al. 2016: with GAP → dense, the spatial mean of the CAM plus the dense bias is the logit, so
// softmax(mean(M_k) + b_k) must give the model's own probabilities.
describe('the CAM class-score identity holds for the tfjs model built from the graph', () => {
  it.each<[Architecture, number, number[]]>([
    ['resnet18', 64, [2, 2, 512]],
    ['inception_v3', 75, [1, 1, 2048]], // smallest valid size: keeps tfjs-cpu time down
  ])('%s at %i px (features %j): softmax(mean CAM + bias) = probabilities within 1e-5', (arch, size, fshape) => {
    const graph = buildNetwork(arch, { inputSize: size });
    const weights = initWeights(graph, 21);
    weights.set('predictions/bias', { shape: [2], data: new Float32Array([0.3, -0.2]) });
    const net = buildTfModel(graph, { weights });
    const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 5);
    const [p, f] = net.withFeatures.predict(x) as tf.Tensor[];
    const probs = p!.dataSync();
    const features: FeatureBatch = { data: Float32Array.from(f!.dataSync()), shape: f!.shape as FeatureBatch['shape'] };
    expect(features.shape).toEqual([2, ...fshape]);
    const kernel = weights.get('predictions/kernel')!;
    const m0 = mapMeans(camFromFeatures(features, kernel, 0));
    const m1 = mapMeans(camFromFeatures(features, kernel, 1));
    for (let b = 0; b < 2; b++) {
      const z0 = m0[b]! + 0.3;
      const z1 = m1[b]! + -0.2;
      const p1 = 1 / (1 + Math.exp(z0 - z1));
      expect(Math.abs(probs[2 * b + 1]! - p1)).toBeLessThan(1e-5);
      expect(Math.abs(probs[2 * b]! - (1 - p1))).toBeLessThan(1e-5);
    }
    // The features are not trivial (otherwise the identity would hold vacuously).
    expect(Math.abs(m0[0]! - m1[0]!)).toBeGreaterThan(1e-3);
    tf.dispose([x, p!, f!]);
    net.model.dispose();
  });

  it("average pooling with 'same' padding averages only in-image values, as Keras/TensorFlow", () => {
    const y = tf.avgPool(tf.ones([1, 3, 3, 1]) as tf.Tensor4D, 3, 1, 'same');
    expect(Array.from(y.dataSync())).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]); // with the zeros counted, a corner would be 4/9
  });

  it('intermediateModel exposes named layers and refuses unknown ones', () => {
    const net = buildTfModel(buildNetwork('vgg19', { inputSize: 32 }));
    const inter = intermediateModel(net, ['block1_pool', 'block3_conv4']);
    expect(inter.outputs.map((o) => o.shape)).toEqual([
      [null, 16, 16, 64],
      [null, 8, 8, 256],
    ]);
    expect(() => intermediateModel(net, ['mixed0'])).toThrow(/layer "mixed0" is not in vgg19/);
    net.model.dispose();
  });
});
