import { describe, expect, it } from 'vitest';
import { createRng, isAffnetError } from '../../src/index.js';
import { xoshiro128StarStar } from '../../src/augment/rng.js';

describe('xoshiro128** step', () => {
  // Expected outputs from the authors' reference C code (prng.di.unimi.it/xoshiro128starstar.c),
  // compiled and run on these states.
  it.each([
    { state: [1, 2, 3, 4] as const, want: [11520, 0, 5927040, 70819200, 2031721883, 1637235492] },
    { state: [0x9e3779b9, 0xdeadbeef, 0x01234567, 0xfedcba98] as const, want: [1162347276, 3455143876, 2978965300, 355010069] },
  ])('matches the reference for state $state', ({ state, want }) => {
    const next = xoshiro128StarStar(state);
    expect(want.map(() => next())).toEqual(want);
  });
});

describe('createRng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(sa);
  });

  it.each([0, 1, 2 ** 32, 2 ** 32 + 1, -1, Number.MAX_SAFE_INTEGER])('seed %d gives values in [0, 1) with a plausible mean', (seed) => {
    const r = createRng(seed);
    const v = Float64Array.from({ length: 4000 }, () => r.next());
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(v.reduce((a, b) => a + b, 0) / v.length).toBeCloseTo(0.5, 1); // SD of the mean ≈ 0.0046
  });

  it('distinguishes seeds that differ only above 2^32', () => {
    expect(createRng(5).next()).not.toBe(createRng(5 + 2 ** 32).next());
  });

  it('uniform(a, b) stays in [a, b)', () => {
    const r = createRng(3);
    const v = Float64Array.from({ length: 1000 }, () => r.uniform(-2, 5));
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.min(...v)).toBeLessThan(-1.9);
    expect(Math.max(...v)).toBeLessThan(5);
    expect(Math.max(...v)).toBeGreaterThan(4.9);
  });

  it('normal() has mean ≈ 0 and SD ≈ 1 and consumes two draws', () => {
    const r = createRng(11);
    const n = 20000;
    let s = 0;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      q += v * v;
    }
    expect(s / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(q / n - (s / n) ** 2)).toBeCloseTo(1, 1);
    const a = createRng(9);
    const b = createRng(9);
    a.normal(10, 2);
    b.next();
    b.next();
    expect(a.next()).toBe(b.next());
  });

  it('int(n) covers 0…n−1 evenly', () => {
    const r = createRng(5);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[r.int(6)]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150); // ≈ 5 SD
  });

  it('shuffle is a reproducible permutation', () => {
    const a = createRng(1).shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const b = createRng(1).shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(a).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it.each([1.5, Number.NaN, 2 ** 53])('refuses seed %d', (seed) => {
    expect(() => createRng(seed)).toThrow(/seed: expected a safe integer/);
  });

  it.each([0, 2.5, 2 ** 33])('int(%d) is an option error', (n) => {
    try {
      createRng(1).int(n);
      expect.unreachable();
    } catch (e) {
      expect(isAffnetError(e, 'E_OPTION_INVALID')).toBe(true);
    }
  });
});
