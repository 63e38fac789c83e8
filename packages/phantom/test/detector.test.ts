/** The detector model: noise statistics, blur, fast logarithm, and the exposure's monotone mapping. */
import { describe, expect, it } from 'vitest';
import { createRng } from '@affnet/core';
import { gaussianBlur, gaussianTaps } from '../src/detector/blur.js';
import { expose, type Acquisition } from '../src/detector/expose.js';
import { negLogInPlace } from '../src/detector/fast-log.js';
import { addQuantumNoise, addQuantumNoiseTo } from '../src/detector/noise.js';
import { sampleSmall, Upsampler } from '../src/detector/lowpass.js';
import { createPlane } from '../src/projection/raster.js';

describe('quantum noise', () => {
  it.each([
    [100, 10],
    [10000, 100],
  ])('counts %i get standard deviation √counts = %i (within 3 %)', (counts, sd) => {
    const d = new Float32Array(40000).fill(counts);
    addQuantumNoise(d, createRng(3));
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const s = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
    expect(Math.abs(mean - counts)).toBeLessThan(0.05 * sd);
    expect(s / sd).toBeGreaterThan(0.97);
    expect(s / sd).toBeLessThan(1.03);
  });
});

describe('fused noise', () => {
  it.each([
    [7, 0.3],
    [8, 0.55],
  ])('on %i pixels (scatter fraction %f) gives the same values as summing, then addQuantumNoise', (n, frac) => {
    const src = Float32Array.from({ length: n + 3 }, (_, i) => 50 + 1000 * i);
    const add = Float32Array.from({ length: n }, (_, i) => 333.3 * (i + 1));
    const fused = new Float32Array(n + 2);
    addQuantumNoiseTo(fused, 2, src, 3, add, frac, n, createRng(5));
    const twoSteps = Float32Array.from({ length: n }, (_, x) => src[3 + x]! + frac * add[x]!);
    addQuantumNoise(twoSteps, createRng(5));
    expect(Array.from(fused.subarray(2))).toEqual(Array.from(twoSteps));
  });
});

describe('up-sampling', () => {
  it.each([
    [2, 7, 5],
    [3, 10, 8],
    [25, 120, 60],
  ])('factor %i to %i × %i px is bilinear (as sampleSmall) to 1e-4', (factor, w, h) => {
    const sw = Math.ceil(w / factor);
    const sh = Math.ceil(h / factor);
    const small = { width: sw, height: sh, factor, data: Float32Array.from({ length: sw * sh }, (_, i) => Math.sin(i * 1.7) * 100) };
    const up = new Upsampler(small, w);
    let worst = 0;
    for (let y = 0; y < h; y++) {
      const row = up.at(y);
      for (let x = 0; x < w; x++) worst = Math.max(worst, Math.abs(row[x]! - sampleSmall(small, x, y)));
    }
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('blur', () => {
  it.each([
    [0.5, 1],
    [1, 2],
    [1.75, 4],
    [3, 4],
  ])('σ = %f px has radius %i and unit sum', (sigma, r) => {
    const k = gaussianTaps(sigma);
    expect(k.length - 1).toBe(r);
    expect(k.reduce((a, b, i) => a + (i === 0 ? b : 2 * b), 0)).toBeCloseTo(1, 12);
  });

  it('keeps a constant image constant and spreads a point into the taps', () => {
    const p = createPlane(9, 9);
    p.data.fill(5);
    gaussianBlur(p, 1);
    expect(Math.max(...p.data.map((v) => Math.abs(v - 5)))).toBeLessThan(1e-5);
    const q = createPlane(9, 9);
    q.data[4 * 9 + 4] = 1;
    gaussianBlur(q, 1);
    const k = gaussianTaps(1);
    expect(q.data[4 * 9 + 4]).toBeCloseTo(k[0]! * k[0]!, 6);
    expect(q.data[4 * 9 + 6]).toBeCloseTo(k[0]! * k[2]!, 6);
  });
});

describe('fast logarithm', () => {
  it('matches c − ln(max(v, 1)) to 1e-6 from 0 to 1e5', () => {
    const v = Float32Array.from({ length: 2001 }, (_, i) => (i === 0 ? 0 : Math.exp(i / 174)));
    const expected = Array.from(v, (x) => 7 - Math.log(Math.max(x, 1)));
    negLogInPlace(v, new Int32Array(v.buffer), 0, v.length, 7);
    expect(Math.max(...Array.from(v, (x, i) => Math.abs(x - expected[i]!)))).toBeLessThan(1e-6);
  });
});

describe('exposure', () => {
  const acq: Acquisition = {
    photons: 20000,
    heel: 0,
    scatter: 0.3,
    scatterSigma: 20,
    blur: 0.6,
    enhancement: 0,
    enhancementSigma: 20,
    field: [
      { x: 0, y: 0 },
      { x: 63, y: 0 },
      { x: 63, y: 63 },
      { x: 0, y: 63 },
    ],
    marker: { letter: 'L', x: 400, y: 400, height: 10, angle: 0 },
    bits: 12,
    gamma: 1,
  };

  it('maps more attenuation to brighter stored values within 0..4095, reproducibly', () => {
    const make = () => {
      const p = createPlane(64, 64);
      for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) p.data[y * 64 + x] = x < 16 ? 0 : x < 32 ? 2 : x < 48 ? 3 : 4;
      return p;
    };
    const a = expose(make(), acq, createRng(9));
    const b = expose(make(), acq, createRng(9));
    expect(a).toEqual(b);
    const bandMean = (x0: number) => {
      let s = 0;
      for (let y = 8; y < 56; y++) for (let x = x0 + 4; x < x0 + 12; x++) s += a[y * 64 + x]!;
      return s / (48 * 8);
    };
    const means = [0, 16, 32, 48].map(bandMean);
    expect(means[0]).toBeLessThan(means[1]!);
    expect(means[1]).toBeLessThan(means[2]!);
    expect(means[2]).toBeLessThan(means[3]!);
    expect(Math.max(...a)).toBeLessThanOrEqual(4095);
  });
});
