import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictImages, type LoadedModel } from '@affnet/core';
import { MicroBatcher } from '../src/index.js';
import { loadTiny, slowed } from './helpers.js';

let model: LoadedModel;
beforeAll(async () => {
  model = await loadTiny();
});
afterAll(async () => model?.dispose());

const input = (k: number) => new Float32Array(64 * 64 * 3).map((_v, i) => Math.sin(i * 0.01 + k));

describe('MicroBatcher', () => {
  it('fills a pass up to maxBatch; what arrives during a pass goes into the next one', async () => {
    const slow = slowed(model, 80);
    const b = new MicroBatcher(slow, { maxBatch: 4, maxDelayMs: 30 });
    const out = await Promise.all(Array.from({ length: 10 }, (_v, k) => b.submit(input(k))));
    expect(slow.passes).toEqual([4, 4, 2]);
    expect(out.map((o) => o.batchSize)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 2, 2]);
    // every answer is the one a pass of its own gives
    const alone = await predictImages(model, [{ data: input(7) }]);
    expect(out[7]!.prediction.probability).toBeCloseTo(alone[0]!.probability, 6);
    expect(out[7]!.prediction.cam).toBeUndefined();
  });

  it('waits at most maxDelayMs for company, and not at all when nothing else is on its way', async () => {
    const waiting = new MicroBatcher(model, { maxBatch: 8, maxDelayMs: 60 });
    const t0 = performance.now();
    const r = await waiting.submit(input(1));
    expect(r.queueMs).toBeGreaterThanOrEqual(55);
    expect(performance.now() - t0).toBeLessThan(2000);
    const eager = new MicroBatcher(model, { maxBatch: 8, maxDelayMs: 60, upstream: () => 0 });
    expect((await eager.submit(input(1))).queueMs).toBeLessThan(30);
  });

  it('computes the CAM only for the images that asked, in the same pass', async () => {
    const b = new MicroBatcher(model, { maxBatch: 2, maxDelayMs: 50 });
    const [withCam, without] = await Promise.all([b.submit(input(2), true), b.submit(input(3), false)]);
    expect(withCam.batchSize).toBe(2);
    expect(withCam.prediction.cam!.shape[0]).toBe(1);
    expect(without.prediction.cam).toBeUndefined();
  });

  it('fails every image of a pass whose forward fails, and goes on with the next pass', async () => {
    let fail = true;
    const flaky: LoadedModel = {
      runtime: model.runtime,
      bundle: model.bundle,
      forward: (batch, o) => (fail ? Promise.reject(new Error('runtime down')) : model.forward(batch, o)),
      dispose: async () => {},
    };
    const b = new MicroBatcher(flaky, { maxBatch: 2, maxDelayMs: 20 });
    const first = await Promise.allSettled([b.submit(input(4)), b.submit(input(5))]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await b.submit(input(6))).prediction.probabilities).toHaveLength(2);
    await b.idle();
  });

  it('refuses bad settings', () => {
    expect(() => new MicroBatcher(model, { maxBatch: 0 })).toThrow(/maxBatch/);
    expect(() => new MicroBatcher(model, { maxDelayMs: -1 })).toThrow(/maxDelayMs/);
  });
});
