import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/augment/rng.js';
import { bootstrapCi, delongTest, normalCdf, normalQuantile, pairedBootstrapAuc, quantile, rocAuc, type MetricWarning } from '../../src/metrics/index.js';

describe('normal distribution helpers', () => {
  it.each<[number, number]>([
    [0, 0.5],
    [1.959963984540054, 0.975],
    [-1, 0.15865525393145707],
    [3, 0.9986501019683699],
  ])('Φ(%d) = %d', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 7);
  });

  it.each<[number, number]>([
    [0.975, 1.959963984540054],
    [0.5, 0],
    [0.01, -2.3263478740408408],
  ])('Φ⁻¹(%d) = %d', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 8);
  });
});

describe('quantile (type 7)', () => {
  it.each<[number[], number, number]>([
    [[1, 2, 3, 4], 0.25, 1.75],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[10], 0.975, 10],
    [[0, 10], 0.025, 0.25],
  ])('%j at %d = %d', (values, q, expected) => {
    expect(quantile(values, q)).toBeCloseTo(expected, 12);
  });
});

describe('delongTest', () => {
  // Hand computation: positives A .9 .8 .4, negatives A .5 .3 .2 → V10 = 1, 1, ⅔; V01 = ⅔, 1, 1; AUC 8/9.
  // B: positives .7 .6 .6, negatives .65 .4 .1 → V10 = 1, ⅔, ⅔; V01 = ⅓, 1, 1; AUC 7/9.
  // S10: var A = var B = 1/27, cov = 1/54; S01: var A = 1/27, var B = 4/27, cov = 2/27.
  // Var(A − B) = (1/27 + 1/27 − 1/27)/3 + (1/27 + 4/27 − 4/27)/3 = 2/81 → SE = √2/9, z = 1/√2, p = erfc(½).
  const t = [1, 1, 1, 0, 0, 0];
  const a = [0.9, 0.8, 0.4, 0.5, 0.3, 0.2];
  const b = [0.7, 0.6, 0.6, 0.65, 0.4, 0.1];

  it('matches the hand-computed example', () => {
    const r = delongTest(t, a, b);
    expect(r.aucA).toBeCloseTo(8 / 9, 12);
    expect(r.aucB).toBeCloseTo(7 / 9, 12);
    expect(r.difference).toBeCloseTo(1 / 9, 12);
    expect(r.standardError).toBeCloseTo(Math.SQRT2 / 9, 12);
    expect(r.z).toBeCloseTo(Math.SQRT1_2, 12);
    expect(r.pValue).toBeCloseTo(0.4795001221869534, 6);
    expect(r.lower).toBeCloseTo(1 / 9 - 1.959963984540054 * (Math.SQRT2 / 9), 8);
    expect(r.upper).toBeCloseTo(1 / 9 + 1.959963984540054 * (Math.SQRT2 / 9), 8);
  });

  it('is antisymmetric in the two models', () => {
    const r = delongTest(t, b, a);
    expect([r.difference, r.z]).toEqual([-delongTest(t, a, b).difference, -delongTest(t, a, b).z]);
  });

  it('identical models: difference 0, p = 1, with a zero-variance warning', () => {
    const warnings: MetricWarning[] = [];
    const r = delongTest(t, a, a, { onWarning: (w) => warnings.push(w) });
    expect([r.difference, r.z, r.pValue]).toEqual([0, 0, 1]);
    expect(warnings.map((w) => w.metric)).toEqual(['delongTest']);
  });

  it('fewer than 2 cases of a class: NaN with a warning', () => {
    const warnings: MetricWarning[] = [];
    expect(delongTest([1, 0, 0], [0.9, 0.1, 0.2], [0.5, 0.4, 0.3], { onWarning: (w) => warnings.push(w) }).pValue).toBeNaN();
    expect(warnings[0]!.message).toBe('needs at least 2 positive and 2 negative cases (got 1 and 2); returning NaN');
  });
});

/** n cases, half positive; model A separates well, model B is noise. Seeded. */
function twoModels(n: number, seed: number) {
  const rng = createRng(seed);
  const t = Array.from({ length: n }, (_, i) => i % 2);
  const a = t.map((y) => Math.min(1, Math.max(0, 0.5 + (y ? 0.25 : -0.25) + rng.normal(0, 0.15))));
  const b = t.map(() => rng.next());
  return { t, a, b };
}

describe('bootstrapCi', () => {
  it('a proportion of 200 / 400: the percentile CI is close to the normal one (±0.049)', () => {
    const t = Array.from({ length: 400 }, (_, i) => i % 2);
    const mean = (x: Uint8Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const ci = bootstrapCi(t, t, (x) => mean(x), { seed: 3 });
    expect(ci.estimate).toBe(0.5);
    expect(ci.lower).toBeGreaterThan(0.44);
    expect(ci.lower).toBeLessThan(0.46);
    expect(ci.upper).toBeGreaterThan(0.54);
    expect(ci.upper).toBeLessThan(0.56);
    expect([ci.samples, ci.valid, ci.unit, ci.confidence]).toEqual([2000, 2000, 'image', 0.95]);
  });

  it('is deterministic for a seed', () => {
    const { t, a } = twoModels(60, 1);
    expect(bootstrapCi(t, a, rocAuc, { seed: 9, samples: 300 })).toEqual(bootstrapCi(t, a, rocAuc, { seed: 9, samples: 300 }));
    expect(bootstrapCi(t, a, rocAuc, { seed: 9, samples: 300 }).lower).not.toBe(bootstrapCi(t, a, rocAuc, { seed: 10, samples: 300 }).lower);
  });

  it('drops resamples with one class: perfect separation on 2 + 2 cases gives [1, 1]', () => {
    const ci = bootstrapCi([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], rocAuc, { seed: 2, samples: 800 });
    expect([ci.estimate, ci.lower, ci.upper]).toEqual([1, 1, 1]);
    // P(one class only) = 2·(½)^4 = ⅛, so about 700 of 800 resamples are usable.
    expect(ci.valid).toBeGreaterThan(650);
    expect(ci.valid).toBeLessThan(750);
  });

  it('with patient ids, whole patients are resampled', () => {
    // Patient "big" has 5 images, the others 1: resample sizes vary; image resampling keeps 8.
    const groups = ['big', 'big', 'big', 'big', 'big', 'p1', 'p2', 'p3'];
    const sizes = new Set<number>();
    const t = [1, 1, 1, 1, 1, 0, 0, 1];
    const spy = (x: Uint8Array) => (sizes.add(x.length), 0);
    expect(bootstrapCi(t, t, spy, { seed: 1, samples: 200, groups }).unit).toBe('patient');
    expect([...sizes].every((s) => [4, 8, 12, 16, 20].includes(s))).toBe(true); // k big draws: 5k + (4 − k)
    expect(sizes.size).toBeGreaterThan(2);
    sizes.clear();
    bootstrapCi(t, t, spy, { seed: 1, samples: 50 });
    expect([...sizes]).toEqual([8]);
  });
});

describe('pairedBootstrapAuc', () => {
  it('a good model against noise: the difference excludes 0 and p is small', () => {
    const { t, a, b } = twoModels(120, 4);
    const r = pairedBootstrapAuc(t, a, b, { seed: 5, samples: 500 });
    expect(r.a.estimate).toBeGreaterThan(0.9);
    expect(r.difference.estimate).toBeCloseTo(r.a.estimate - r.b.estimate, 12);
    expect(r.difference.lower).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(0.001);
    expect(r.a.lower).toBeGreaterThan(r.b.upper); // non-overlapping intervals
  });

  it('the same model twice: difference 0 everywhere, p = 1', () => {
    const { t, a } = twoModels(40, 6);
    const r = pairedBootstrapAuc(t, a, a, { seed: 1, samples: 100 });
    expect([r.difference.estimate, r.difference.lower, r.difference.upper, r.pValue]).toEqual([0, 0, 0, 1]);
  });
});
