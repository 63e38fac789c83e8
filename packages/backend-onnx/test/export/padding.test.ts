import { describe, expect, it } from 'vitest';
import type { NetworkGraph } from '@affnet/core';
import { exportOnnx } from '../../src/export/exporter.js';
import { kerasPads, outputLength } from '../../src/export/padding.js';
import { tinyGraph, conv, pool } from '../helpers/graphs.js';
import { runOnnx } from '../helpers/ort.js';

describe('Keras "same" padding puts the odd pixel at the end (bottom / right)', () => {
  it.each([
    // input, kernel, stride, padding, [before, after], output
    [4, 3, 2, 'same', [0, 1], 2],
    [5, 3, 2, 'same', [1, 1], 3],
    [8, 3, 2, 'same', [0, 1], 4],
    [7, 4, 1, 'same', [1, 2], 7],
    [224, 7, 2, 'same', [2, 3], 112],
    [256, 1, 2, 'same', [0, 0], 128],
    [9, 3, 2, 'valid', [0, 0], 4],
    [10, 3, 3, 'same', [1, 1], 4],
  ] as const)('in %i, k %i, s %i, %s → pads %j, out %i', (input, k, s, padding, pads, out) => {
    expect(kerasPads(input, k, s, padding)).toEqual(pads);
    expect(outputLength(input, k, s, padding)).toBe(out);
  });
});

/** 4×4 image holding 1 … 16 row by row in channel 0 (channels 1, 2 zero). */
function ramp(): Float32Array {
  const x = new Float32Array(4 * 4 * 3);
  for (let i = 0; i < 16; i++) x[i * 3] = i + 1;
  return x;
}

/** Sums channel 0 over the window: kernel 1 for cin 0, 0 for cin 1, 2. */
function onesKernel(k: number): Map<string, { shape: number[]; data: Float32Array }> {
  const data = new Float32Array(k * k * 3);
  for (let i = 0; i < k * k; i++) data[i * 3] = 1;
  return new Map([['c1/kernel', { shape: [k, k, 3, 1], data }]]);
}

function withHead(_graph: NetworkGraph, weights: Map<string, { shape: number[]; data: Float32Array }>, channels: number) {
  weights.set('predictions/kernel', { shape: [channels, 2], data: new Float32Array(channels * 2) });
  weights.set('predictions/bias', { shape: [2], data: new Float32Array(2) });
  return weights;
}

describe('stride-2 "same" window ops on a 4×4 ramp, values worked out by hand', () => {
  // Rows and columns 0…2 then 2…3 (+ one pad row/column at the bottom/right):
  // [1 2 3 4; 5 6 7 8; 9 10 11 12; 13 14 15 16]. Padding at the top/left instead would give
  // 1+2+5+6 = 14 for the first conv cell, max 6, mean 3.5.
  it.each([
    ['3×3 conv of ones (sum)', 'conv', [54, 45, 72, 54]],
    ['3×3 max pool', 'maxpool', [11, 12, 15, 16]],
    ['3×3 average pool (pads left out)', 'avgpool', [6, 7.5, 12, 13.5]],
  ] as const)('%s → %j', async (_name, op, expected) => {
    const graph =
      op === 'conv'
        ? tinyGraph(4, (x) => ({ layers: [conv('c1', x, 1, 3, 2, 'same', { bias: false })], features: 'c1' }), 2)
        : tinyGraph(4, (x) => ({ layers: [pool(op, 'c1', x, 3, 2, 'same')], features: 'c1' }), 2);
    const weights = withHead(graph, op === 'conv' ? onesKernel(3) : new Map(), op === 'conv' ? 1 : 3);
    const { bytes } = exportOnnx(graph, weights);
    const out = await runOnnx(bytes, { input: { data: ramp(), dims: [1, 4, 4, 3] } });
    const channels = op === 'conv' ? 1 : 3;
    const f = out.features!;
    expect(f.dims).toEqual([1, 2, 2, channels]);
    expect(Array.from({ length: 4 }, (_, i) => f.data[i * channels])).toEqual(expected);
  });
});
