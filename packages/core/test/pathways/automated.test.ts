import { describe, expect, it } from 'vitest';
import { affine, automatedGeometry, borderMedian, preprocess, type PreprocessingSpec } from '../../src/index.js';
import { addBlob, blank, centroid, channel0, meanSd } from './draw.js';

const spec = (inputSize: number, extra: Partial<PreprocessingSpec> = {}): PreprocessingSpec => ({
  pathway: 'automated',
  inputSize,
  normalisation: 'zscore',
  ...extra,
});

describe('automatedGeometry', () => {
  it.each([
    // 200×100 → square 200, offset y 50, scale 64/200: y_in = (y + 50.5)·0.32 − 0.5
    { w: 200, h: 100, n: 64, p: { x: -0.5, y: -0.5 }, want: { x: -0.5, y: 15.5 } },
    { w: 200, h: 100, n: 64, p: { x: 199.5, y: 99.5 }, want: { x: 63.5, y: 47.5 } },
    // 101×300 → offset x floor(199/2) = 99: x_in = (x + 99.5)·256/300 − 0.5
    { w: 101, h: 300, n: 256, p: { x: 50, y: 149.5 }, want: { x: 127.073333333, y: 127.5 } },
    { w: 256, h: 256, n: 256, p: { x: 17, y: 3 }, want: { x: 17, y: 3 } },
  ])('$w×$h → $n maps $p to $want', ({ w, h, n, p, want }) => {
    const q = affine.apply(automatedGeometry(w, h, n).transform, p);
    expect(q.x).toBeCloseTo(want.x, 9);
    expect(q.y).toBeCloseTo(want.y, 9);
  });
});

describe('automated pathway', () => {
  it('pads to a square with the background and keeps the aspect (a circle stays a circle)', () => {
    const img = blank(300, 150, 1000);
    addBlob(img, { x: 150, y: 75 }, 3000, 12);
    const out = preprocess(img, spec(64));
    const p = channel0(out.data);
    // Rows 0–15 and 48–63 are padding: all equal (background, z-scored).
    const pad = p.subarray(0, 15 * 64);
    expect(Math.max(...pad) - Math.min(...pad)).toBeLessThan(1e-6);
    expect(out.background).toBe(1000);
    // Second moments of the blob: equal spread in x and y (σ·64/300 = 2.56 px).
    const threshold = Math.min(...p) + 0.02 * (Math.max(...p) - Math.min(...p));
    const c = centroid(p, 64, threshold);
    // (150 + 0.5)·64/300 − 0.5 for x; y is offset by 75 rows of padding: (75 + 75 + 0.5)·64/300 − 0.5
    expect(c.x).toBeCloseTo(31.6067, 2);
    expect(c.y).toBeCloseTo(31.6067, 2);
    let sxx = 0;
    let syy = 0;
    let sw = 0;
    p.forEach((v, i) => {
      const w = v - threshold;
      if (w <= 0) return;
      sw += w;
      sxx += w * ((i % 64) - c.x) ** 2;
      syy += w * (Math.floor(i / 64) - c.y) ** 2;
    });
    expect(Math.sqrt(sxx / sw) / Math.sqrt(syy / sw)).toBeCloseTo(1, 2);
  });

  it('z-scores each image to mean 0 and SD 1 (within 1e-4) and replicates three equal channels', () => {
    const img = blank(120, 90, 0);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 7919) % 4096;
    const out = preprocess(img, spec(32));
    expect(out.shape).toEqual([1, 32, 32, 3]);
    const c0 = channel0(out.data);
    const { mean, sd } = meanSd(c0);
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(Math.abs(sd - 1)).toBeLessThan(1e-4);
    for (let i = 0; i < 32 * 32; i++) {
      if (out.data[3 * i + 1] !== c0[i] || out.data[3 * i + 2] !== c0[i]) expect.unreachable(`channel mismatch at ${i}`);
    }
  });

  it('uses a fixed background when the spec gives one', () => {
    const img = blank(40, 20, 10);
    addBlob(img, { x: 20, y: 10 }, 50, 3);
    expect(preprocess(img, spec(16, { background: -100 })).background).toBe(-100);
  });
});

describe('borderMedian', () => {
  it.each([
    // 10×10 frame 1 px: 36 border pixels; 20 of them 5, 16 of them 9 → median 5
    { name: 'majority value', fill: (x: number, y: number) => (y === 0 || (x === 0 && y < 5) ? 9 : 5), want: 5 },
    // even count, two values split 18/18 → mean of the two middles
    { name: 'even split', fill: (_x: number, y: number) => (y < 5 ? 2 : 4), want: 3 },
  ])('$name', ({ fill, want }) => {
    const img = blank(10, 10, 0);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) img.data[y * 10 + x] = fill(x, y);
    img.data[55] = 1000; // the interior does not count
    expect(borderMedian(img)).toBe(want);
  });
});
