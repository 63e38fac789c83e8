/**
 * The WASM convolution gradients against the CPU backend's: same inputs, strides 1/2, padding
 * same/valid, kernels 1/3/7 (and Inception's 1×7 / 7×1), max |Δ| ≤ 1e-4 of the largest reference value.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dBackpropFilterWasm, conv2dBackpropInputWasm, convGeometry, registerWasmTrainingKernels, selectEngine, unregisterWasmTrainingKernels, wasmKernelSources } from '../../src/index.js';

type Case = [label: string, x: [number, number, number, number], k: [number, number], s: [number, number], pad: 'same' | 'valid', cout: number];

// Sizes chosen so that most cases have ≥ 64 output positions (the Conv2D-based dx) and a few have
// fewer (the native WASM dx it hands tiny maps to).
const CASES: Case[] = [
  ['3×3 s1 same', [2, 12, 12, 3], [3, 3], [1, 1], 'same', 4],
  ['3×3 s1 valid', [2, 9, 9, 3], [3, 3], [1, 1], 'valid', 4],
  ['3×3 s2 same', [2, 12, 12, 3], [3, 3], [2, 2], 'same', 5],
  ['3×3 s2 valid', [2, 13, 13, 3], [3, 3], [2, 2], 'valid', 5],
  ['1×1 s1 valid', [2, 12, 12, 4], [1, 1], [1, 1], 'valid', 6],
  ['1×1 s2 same', [2, 12, 12, 4], [1, 1], [2, 2], 'same', 6],
  ['1×1 s2 valid (odd side)', [2, 11, 11, 4], [1, 1], [2, 2], 'valid', 6],
  ['7×7 s2 same (ResNet stem)', [1, 20, 20, 3], [7, 7], [2, 2], 'same', 4],
  ['7×7 s2 valid', [1, 22, 22, 3], [7, 7], [2, 2], 'valid', 4],
  ['7×7 s1 valid', [1, 16, 16, 2], [7, 7], [1, 1], 'valid', 3],
  ['1×7 s1 same (Inception)', [1, 11, 13, 2], [1, 7], [1, 1], 'same', 3],
  ['7×1 s1 same (Inception)', [1, 13, 11, 2], [7, 1], [1, 1], 'same', 3],
  ['3×3 s1 same, tiny map (native dx)', [1, 6, 6, 8], [3, 3], [1, 1], 'same', 8],
  ['3×3 s2 valid, tiny map (native dx)', [1, 7, 7, 4], [3, 3], [2, 2], 'valid', 4],
];

const TOLERANCE = 1e-4;

function relMaxDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

/** dL/dx and dL/dW of L = Σ conv2d(x, W) ⊙ R, with seeded x, W, R. */
function gradients(c: Case): { dx: Float32Array; dw: Float32Array; dy: Float32Array } {
  const [, xs, k, s, pad, cout] = c;
  // tidy returns the tensors (walking typed arrays in a tidy result is slow); read them after.
  const [dx, dw, r] = tf.tidy(() => {
    const x = tf.randomNormal(xs, 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([k[0], k[1], xs[3], cout], 0, 1, 'float32', 2) as tf.Tensor4D;
    const outShape = tf.conv2d(x, w, s, pad).shape;
    const r = tf.randomNormal(outShape, 0, 1, 'float32', 3);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad), r)));
    const [gx, gw] = g([x, w]);
    return [gx!, gw!, r];
  });
  const out = { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array, dy: r.dataSync() as Float32Array };
  tf.dispose([dx, dw, r]);
  return out;
}

describe('WASM convolution gradients equal the CPU backend', () => {
  const reference = new Map<string, ReturnType<typeof gradients>>();

  beforeAll(async () => {
    await selectEngine({ engines: ['cpu'] });
    for (const c of CASES) reference.set(c[0], gradients(c));
    await selectEngine({ engines: ['wasm'] });
  });

  afterAll(() => registerWasmTrainingKernels());

  it.each(CASES)('%s: through tf.grads on the wasm engine', (label, ...rest) => {
    const c: Case = [label, ...rest];
    const before = tf.memory().numTensors;
    const got = gradients(c);
    const ref = reference.get(label)!;
    expect(relMaxDiff(got.dw, ref.dw)).toBeLessThanOrEqual(TOLERANCE);
    expect(relMaxDiff(got.dx, ref.dx)).toBeLessThanOrEqual(TOLERANCE);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(CASES)('%s: the Conv2D-based kernels called directly', (label, xs, k, s, pad, cout) => {
    const ref = reference.get(label)!;
    const g = convGeometry('test', xs, [k[0], k[1], xs[3], cout], s, pad, 'NHWC');
    const before = tf.memory().numTensors;
    const [dx, dw] = tf.tidy(() => {
      const x = tf.randomNormal(xs, 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([k[0], k[1], xs[3], cout], 0, 1, 'float32', 2) as tf.Tensor4D;
      const dy = tf.tensor4d(ref.dy, [xs[0], g.outH, g.outW, cout]);
      return [conv2dBackpropInputWasm(dy, w, g), conv2dBackpropFilterWasm(x, dy, g)];
    });
    expect(relMaxDiff(dw.dataSync(), ref.dw)).toBeLessThanOrEqual(TOLERANCE);
    expect(relMaxDiff(dx.dataSync(), ref.dx)).toBeLessThanOrEqual(TOLERANCE);
    tf.dispose([dx, dw]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('registers Conv2DBackpropFilter (missing from WASM) and can hand both kernels back', () => {
    expect(wasmKernelSources()).toEqual([
      { kernel: 'Conv2DBackpropFilter', source: 'affnet' },
      { kernel: 'Conv2DBackpropInput', source: 'affnet' },
    ]);
    unregisterWasmTrainingKernels();
    expect(wasmKernelSources()).toEqual([
      { kernel: 'Conv2DBackpropFilter', source: 'missing' },
      { kernel: 'Conv2DBackpropInput', source: 'native' },
    ]);
    expect(registerWasmTrainingKernels({ replaceBackpropInput: false })).toEqual(['Conv2DBackpropFilter']);
    expect(registerWasmTrainingKernels()).toEqual(['Conv2DBackpropFilter', 'Conv2DBackpropInput']);
  });

  it('refuses NCHW, which the WASM Conv2D it is built on does not support', () => {
    expect(() => convGeometry('Conv2DBackpropFilter', [1, 3, 8, 8], [3, 3, 3, 4], 1, 'same', 'NCHW')).toThrow(/dataFormat "NCHW"/);
  });
});
