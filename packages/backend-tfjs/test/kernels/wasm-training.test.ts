/**
 * With the affnet kernels a convolutional network trains on WASM: one SGD step gives the CPU
 * backend's weights, a small convnet learns a toy task, and a gradient step of the real VGG19,
 * InceptionV3 and ResNet50 (at small inputs) runs — with the list of kernels WASM lacks for it.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildNetwork, type Architecture } from '@affnet/core';
import { buildTfModel, registerWasmTrainingKernels, selectEngine, unregisterWasmTrainingKernels } from '../../src/index.js';
import { runNodes } from '../../src/train/forward.js';

/** A small convnet with the operations of the three networks: strided/1×1/3×3 convs, BN-free. */
function convnet(seed: number) {
  const v = (shape: number[], i: number) => tf.variable(tf.randomNormal(shape, 0, 0.3, 'float32', seed + i));
  const w = [v([3, 3, 3, 6], 1), v([3, 3, 6, 8], 2), v([1, 1, 8, 8], 3), v([8, 2], 4)];
  const b = tf.variable(tf.zeros([2]));
  const predict = (x: tf.Tensor4D) => {
    let h = tf.relu(tf.conv2d(x, w[0] as tf.Tensor4D, 1, 'same'));
    h = tf.relu(tf.conv2d(h, w[1] as tf.Tensor4D, 2, 'valid'));
    h = tf.relu(tf.conv2d(tf.maxPool(h, 3, 1, 'same'), w[2] as tf.Tensor4D, 1, 'valid'));
    return tf.add(tf.matMul(tf.mean(h, [1, 2]), w[3] as tf.Tensor2D), b);
  };
  return { vars: [...w, b], predict };
}

/** Toy task: a bright 4×4 square in the left (class 0) or right (class 1) half of a 12×12 image. */
function toyData(n: number): { x: tf.Tensor4D; y: tf.Tensor2D; labels: number[] } {
  const data = new Float32Array(n * 12 * 12 * 3);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    labels.push(label);
    const x0 = label === 0 ? 1 : 7;
    const y0 = (i * 5) % 8;
    for (let yy = y0; yy < y0 + 4; yy++) for (let xx = x0; xx < x0 + 4; xx++) for (let c = 0; c < 3; c++) data[((i * 12 + yy) * 12 + xx) * 3 + c] = 1;
  }
  return { x: tf.tensor4d(data, [n, 12, 12, 3]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat() as tf.Tensor2D, labels };
}

describe('training on WASM', () => {
  it('one SGD step gives the CPU backend weights (max |Δ| ≤ 1e-4 relative)', async () => {
    const step = () => {
      const net = convnet(10);
      const { x, y } = toyData(4);
      tf.train.sgd(0.1).minimize(() => tf.losses.softmaxCrossEntropy(y, net.predict(x)), false, net.vars);
      const out = net.vars.map((v) => v.dataSync().slice());
      tf.dispose([...net.vars, x, y]);
      return out;
    };
    await selectEngine({ engines: ['cpu'] });
    const cpu = step();
    await selectEngine({ engines: ['wasm'] });
    const wasm = step();
    cpu.forEach((ref, i) => {
      const scale = Math.max(...ref.map(Math.abs));
      const diff = Math.max(...ref.map((r, j) => Math.abs(r - wasm[i]![j]!)));
      expect(diff / scale).toBeLessThanOrEqual(1e-4);
    });
  });

  it('a small convnet learns a toy task on WASM', async () => {
    await selectEngine({ engines: ['wasm'] });
    const net = convnet(20);
    const { x, y, labels } = toyData(16);
    const opt = tf.train.adam(0.05);
    const loss = () => tf.losses.softmaxCrossEntropy(y, net.predict(x)) as tf.Scalar;
    const first = tf.tidy(() => loss().dataSync()[0]!);
    for (let i = 0; i < 60; i++) opt.minimize(loss, false, net.vars);
    const last = tf.tidy(() => loss().dataSync()[0]!);
    const predicted = tf.tidy(() => Array.from(tf.argMax(net.predict(x), 1).dataSync()));
    expect(first).toBeGreaterThan(0.5);
    expect(last).toBeLessThan(0.1 * first);
    expect(predicted).toEqual(labels);
    tf.dispose([...net.vars, x, y]);
    opt.dispose();
  });

  it.each([
    ['vgg19', 32],
    ['inception_v3', 75],
    ['resnet50', 32],
  ] as [Architecture, number][])('a gradient step of %s (%i px) runs on WASM; only Conv2DBackpropFilter is missing natively', async (arch, size) => {
    await selectEngine({ engines: ['wasm'] });
    const graph = buildNetwork(arch, { inputSize: size });
    const net = buildTfModel(graph, { seed: 1 });
    const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2).toFloat();
    const vars = net.model.trainableWeights.map((w) => w.read() as tf.Variable);
    let grads: tf.NamedTensorMap = {};
    const profile = await tf.profile(() => {
      grads = tf.variableGrads(() => {
        // The trainer's executor (tfjs-layers cannot train InceptionV3's scale-free batch norms itself).
        const p = runNodes(net, graph.nodes, new Map([[graph.nodes[0]!.name, x]]), true).get(graph.outputs.probabilities)!;
        return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(p)), 1))) as tf.Scalar;
      }, vars).grads;
    });
    // Kernel names only (custom-gradient ops appear in profiles under "<op>__op" scope names).
    const used = [...new Set(profile.kernels.map((k) => k.name))].filter((name) => !name.endsWith('__op'));
    const finite = Object.values(grads).every((g) => g.dataSync().every(Number.isFinite));
    const nonZero = Object.values(grads).filter((g) => tf.tidy(() => tf.any(tf.notEqual(g, 0)).dataSync()[0]) === 1).length;
    unregisterWasmTrainingKernels();
    const missing = used.filter((name) => tf.getKernel(name, 'wasm') === undefined);
    registerWasmTrainingKernels();
    expect(missing).toEqual(['Conv2DBackpropFilter']);
    expect(finite).toBe(true);
    expect(nonZero).toBe(vars.length);
    tf.dispose([x, y, ...Object.values(grads)]);
    net.model.dispose();
  });
});
