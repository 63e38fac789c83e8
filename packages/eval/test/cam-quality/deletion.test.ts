import { describe, expect, it } from 'vitest';
import { createRng, type ForwardResult, type ImageBatch } from '@affnet/core';
import { deletionCurve, randomOrder, saliencyOrder, trapezoid } from '../../src/cam-quality/deletion.js';

/**
 * A toy model on 4×4 single-channel inputs whose positive-class probability is the mean of the top-left
 * 2×2 block (clamped to [0, 1]): only those 4 of 16 pixels matter.
 */
const toy = {
  calls: 0,
  async forward(batch: ImageBatch): Promise<ForwardResult> {
    this.calls++;
    const [n, h, w] = batch.shape;
    const p = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const img = batch.data.subarray(i * h * w, (i + 1) * h * w);
      const m = Math.min(1, Math.max(0, (img[0]! + img[1]! + img[4]! + img[5]!) / 4));
      p[i * 2] = 1 - m;
      p[i * 2 + 1] = m;
    }
    return { probabilities: p, numClasses: 2 };
  },
};

const ones: ImageBatch = { data: new Float32Array(16).fill(1), shape: [1, 4, 4, 1] };

describe('deletion metric', () => {
  it.each([
    [[0, 1], [0, 1], 0.5],
    [[0, 0.5, 1], [1, 1, 0], 0.75],
    [[0, 0.25, 1], [1, 0, 0], 0.125],
  ])('trapezoid(%o, %o) = %d', (x, y, a) => {
    expect(trapezoid(x, y)).toBeCloseTo(a, 12);
  });

  it('orders pixels by decreasing saliency, ties by index', () => {
    expect([...saliencyOrder([0.1, 0.9, 0.5, 0.9])]).toEqual([1, 3, 2, 0]);
  });

  it('a map that ranks the 4 decisive pixels first drops the probability after a quarter of the pixels', async () => {
    const saliency = new Float32Array(16);
    for (const i of [0, 1, 4, 5]) saliency[i] = 1;
    const curve = await deletionCurve(toy, ones, saliencyOrder(saliency), 1, { steps: 4, batchSize: 2 });
    expect(curve.fractions).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(curve.scores).toEqual([1, 0, 0, 0, 0]);
    expect(curve.auc).toBeCloseTo(0.125, 12);
  });

  it('a map that ranks them last keeps the probability until the end', async () => {
    const saliency = new Float32Array(16).fill(1);
    for (const i of [0, 1, 4, 5]) saliency[i] = 0;
    const curve = await deletionCurve(toy, ones, saliencyOrder(saliency), 1, { steps: 4 });
    expect(curve.scores).toEqual([1, 1, 1, 1, 0]);
    expect(curve.auc).toBeCloseTo(0.875, 12);
  });

  it('batches the forward calls: 5 points in batches of 2 → 3 calls', async () => {
    toy.calls = 0;
    await deletionCurve(toy, ones, saliencyOrder(new Float32Array(16)), 1, { steps: 4, batchSize: 2 });
    expect(toy.calls).toBe(3);
  });

  it('rejects a batch of more than one image and an order of the wrong length', async () => {
    await expect(deletionCurve(toy, { data: new Float32Array(32), shape: [2, 4, 4, 1] }, new Uint32Array(16), 1)).rejects.toThrow(/one image/);
    await expect(deletionCurve(toy, ones, new Uint32Array(15), 1)).rejects.toThrow(/15 pixels/);
  });

  it('random order: a seeded permutation, the same for the same seed', () => {
    const a = randomOrder(16, createRng(3));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_v, i) => i));
    expect([...randomOrder(16, createRng(3))]).toEqual([...a]);
    expect([...randomOrder(16, createRng(4))]).not.toEqual([...a]);
  });
});
