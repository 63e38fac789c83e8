import { describe, expect, it } from 'vitest';
import { AffnetError, type ForwardResult, type ImageBatch, type LoadedModel, type ModelBundle } from '@affnet/core';
import { compareRuntimes, sliceBatch, type RuntimeCandidate } from '../../src/compare/compare.js';

/** 6 one-pixel "images" whose value is the positive probability the reference model returns. */
const VALUES = [0.9, 0.8, 0.6, 0.4, 0.3, 0.1];
const TRUTH: Array<0 | 1> = [1, 1, 0, 1, 0, 0];
// 1×1 RGB images: every channel holds the value.
const images: ImageBatch = { data: Float32Array.from(VALUES.flatMap((v) => [v, v, v])), shape: [6, 1, 1, 3] };
const bundle = { manifest: { labels: ['NFF', 'AFF'], positiveLabel: 'AFF', inputSize: 1 } } as unknown as ModelBundle;

/** A model whose probability is the pixel value, shifted by `shift` (clamped), like a less precise runtime. */
function fakeModel(engine: string, shift: number, log: string[]): LoadedModel {
  return {
    runtime: { backend: 'fake', engine, precision: 'fp32' },
    bundle,
    async forward(batch: ImageBatch): Promise<ForwardResult> {
      log.push(`${engine}:${batch.shape[0]}`);
      const p = new Float32Array(batch.shape[0] * 2);
      for (let i = 0; i < batch.shape[0]; i++) {
        const v = Math.min(1, Math.max(0, batch.data[3 * i]! + shift));
        p[2 * i] = 1 - v;
        p[2 * i + 1] = v;
      }
      return { probabilities: p, numClasses: 2 };
    },
    async dispose() {
      log.push(`${engine}:dispose`);
    },
  };
}

function candidate(id: string, shift: number, log: string[], extra: Partial<RuntimeCandidate> = {}): RuntimeCandidate {
  // ids in the runtime grammar: BACKEND:ENGINE/PRECISION
  const [head, precision] = id.split('/') as [string, 'fp32'];
  const [backend, engine] = head.split(':') as [string, string];
  return { id, backend, engine, precision, load: async () => fakeModel(engine, shift, log), ...extra };
}

describe('sliceBatch', () => {
  it.each([
    [0, 2, [0.9, 0.8]],
    [4, 4, [0.3, 0.1, 0.9, 0.8]], // wraps around to fill a batch
  ])('rows from %d, %d of them', (start, count, expected) => {
    const b = sliceBatch(images, start, count);
    expect(b.shape).toEqual([count, 1, 1, 3]);
    expect([...b.data].filter((_v, i) => i % 3 === 0).map((v) => Number(v.toFixed(2)))).toEqual(expected);
  });
});

describe('compareRuntimes', () => {
  it('compares every available runtime with the reference and lists absent ones with the reason', async () => {
    const log: string[] = [];
    const out = await compareRuntimes(
      [
        candidate('fake:ref/fp32', 0, log),
        candidate('fake:close/fp32', 0.02, log),
        // +0.15 flips image 2 (0.4 → 0.55) only: 5 of 6 labels agree
        candidate('fake:far/fp32', 0.15, log),
        candidate('fake:gpu/fp32', 0, log, { absentReason: 'no GPU adapter' }),
        candidate('fake:broken/fp32', 0, log, {
          load: async () => {
            throw new AffnetError('E_BACKEND_UNAVAILABLE', 'provider not installed');
          },
        }),
      ],
      // a sweep of batches 1 and 4, windows of 3 runs, at most 2 windows (the fakes are too fast to settle reliably)
      { images, truth: TRUTH, batchSizes: [1, 4], windowRuns: 3, maxWindows: 2, warmupRuns: 1, camImages: 0 },
    );
    expect(out.reference).toBe('fake:ref/fp32');
    const [ref, close, far, gpu, broken] = out.runtimes;
    expect(ref).toMatchObject({ available: true, labelAgreement: 1, maxAbsDeltaProbability: 0, reportedEngine: 'fake:ref/fp32' });
    // AUC of VALUES against TRUTH: positives {0.9, 0.8, 0.4}, negatives {0.6, 0.3, 0.1}: 8 of 9 pairs ordered right
    expect(ref!.auc).toBeCloseTo(8 / 9, 6);
    expect(close!.labelAgreement).toBe(1);
    expect(close!.maxAbsDeltaProbability).toBeCloseTo(0.02, 6);
    expect(far!.labelAgreement).toBeCloseTo(5 / 6, 12);
    expect(far!.maxAbsDeltaProbability).toBeCloseTo(0.15, 6); // the shift (only 0.9 is clamped, to 1)
    expect(gpu).toEqual({ id: 'fake:gpu/fp32', backend: 'fake', engine: 'gpu', precision: 'fp32', available: false, reason: 'no GPU adapter' });
    expect(broken).toMatchObject({ available: false, reason: 'provider not installed' });
    expect(far!.meanAbsDeltaProbability).toBeCloseTo((5 * 0.15 + 0.1) / 6, 6);
    for (const r of [ref!, close!, far!]) {
      expect(r.points!.map((p) => [p.batch, p.concurrency])).toEqual([
        [1, 1],
        [4, 1],
      ]);
      for (const p of r.points!) {
        expect(p.latencyMs.runs).toBe(3);
        expect(p.latencyMs.p99).toBeGreaterThanOrEqual(p.latencyMs.p50);
        expect([1, 2]).toContain(p.windows);
        expect(p.imagesPerSecond).toBeGreaterThan(0);
      }
      expect(r.latencyMs!.runs).toBe(3);
      expect(r.throughput!.imagesPerSecond).toBe(Math.max(...r.points!.map((p) => p.imagesPerSecond)));
      expect(r.coldStartMs).toBeGreaterThanOrEqual(0);
      expect(r.peakRssDeltaMiB).toBeGreaterThanOrEqual(0);
      expect(r.aucCi!.lower).toBeLessThanOrEqual(r.auc!);
    }
    // ref: cold start (1), the slowness probe = image 0 (1), images 1–5 in chunks of 2 (2 + 2 + 1), then per point warm-up (1) + 3 or 6 timed
    const calls = log.filter((l) => l.startsWith('ref:'));
    expect(calls.slice(0, 6)).toEqual(['ref:1', 'ref:1', 'ref:2', 'ref:2', 'ref:1', 'ref:1']);
    expect(calls.at(-1)).toBe('ref:dispose');
    expect(calls.filter((l) => l === 'ref:4').length === 4 || calls.filter((l) => l === 'ref:4').length === 7).toBe(true);
  });

  it('uses the reference asked for, and refuses one that is absent', async () => {
    const log: string[] = [];
    const out = await compareRuntimes([candidate('a:x/fp32', 0, log), candidate('b:y/fp32', 0.15, log)], {
      images,
      truth: TRUTH,
      reference: 'b:y/fp32',
      batchSizes: [1],
      windowRuns: 1,
      maxWindows: 1,
    });
    expect(out.reference).toBe('b:y/fp32');
    expect(out.runtimes[0]!.labelAgreement).toBeCloseTo(5 / 6, 12);
    await expect(compareRuntimes([candidate('a:x/fp32', 0, log, { absentReason: 'missing' })], { images, truth: TRUTH, reference: 'a:x/fp32' })).rejects.toThrow(
      /--reference a:x\/fp32: cannot be used, it is absent: missing/,
    );
    // A reference that is not a candidate at all fails before anything is measured.
    const before = log.length;
    await expect(compareRuntimes([candidate('a:x/fp32', 0, log)], { images, truth: TRUTH, reference: 'a:z/fp32' })).rejects.toThrow(
      /--reference a:z\/fp32: not among the compared runtimes \(a:x\/fp32\)/,
    );
    expect(log.length).toBe(before);
  });

  it('a runtime that runs calls concurrently is also measured with several requests in flight at batch 1', async () => {
    const log: string[] = [];
    const out = await compareRuntimes([candidate('c:x/fp32', 0, log, { concurrent: true })], {
      images,
      truth: TRUTH,
      batchSizes: [1, 2],
      concurrency: [1, 3],
      windowRuns: 2,
      maxWindows: 1,
      camImages: 0,
    });
    expect(out.runtimes[0]!.points!.map((p) => [p.batch, p.concurrency])).toEqual([
      [1, 1],
      [2, 1],
      [1, 3],
    ]);
  });

  it('reports AUC as null when the images hold one class only', async () => {
    const out = await compareRuntimes([candidate('a:x/fp32', 0, [])], {
      images,
      truth: [1, 1, 1, 1, 1, 1],
      batchSizes: [1],
      windowRuns: 1,
      maxWindows: 1,
    });
    expect(out.runtimes[0]!.auc).toBeNull();
  });

  it('a slow runtime measures what fits in its time budget and says what was cut', async () => {
    const slow: RuntimeCandidate = {
      ...candidate('slow:js/fp32', 0, []),
      load: async () => {
        const m = fakeModel('js', 0, []);
        return { ...m, forward: async (b: ImageBatch) => (await new Promise((r) => setTimeout(r, 40 * b.shape[0])), m.forward(b)) };
      },
    };
    // 40 ms per image counts as slow at a 30 ms threshold: 3 images, batch 1 only, whatever the sweep asks
    const out = await compareRuntimes([candidate('a:x/fp32', 0, []), slow], {
      images,
      truth: TRUTH,
      slowMsPerImage: 30,
      slowImages: 3,
      batchSizes: [1, 4, 16],
      windowRuns: 2,
      maxWindows: 2,
      camImages: 0,
    });
    const r = out.runtimes[1]!;
    expect(r.slow).toBe(true);
    expect(r.imagesCompared).toBe(3);
    expect(r.labelAgreement).toBe(1);
    expect(r.points!.map((p) => p.batch)).toEqual([1]);
    expect(r.note).toMatch(/^slow \(\d+ ms per image at batch 1 > 30 ms\): compared on up to 3 images at batch 1 only, as the budget allows \(fullSweep measures all\)$/);
    // its one latency sample is the probe: nothing timed twice
    expect(r.points![0]!.latencyMs.runs).toBe(1);
    // the budget: a 150 ms budget for the same runtime measured in full stops the sweep and lists what it left out
    const cut = await compareRuntimes([slow], { images, truth: TRUTH, fullSweep: true, budgetMs: 150, batchSizes: [1, 4, 16], windowRuns: 2, maxWindows: 2, camImages: 0 });
    expect(cut.runtimes[0]!.note).toMatch(/time budget spent: agreement and AUC on the first \d of 6 images/);
    expect(cut.runtimes[0]!.note).toMatch(/time budget spent: not measured: batch 4, batch 16/);
  });
});
