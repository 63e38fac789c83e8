import { describe, expect, it } from 'vitest';
import { affine, createRng, drawAugmentation } from '../../src/index.js';

describe('drawAugmentation', () => {
  it('stays within ±10°, <10 % shift and <10 % zoom over many draws, measured on the matrix, and uses the range', () => {
    const rng = createRng(2024);
    const N = 256;
    const c = { x: (N - 1) / 2, y: (N - 1) / 2 };
    let maxRot = 0;
    let maxShift = 0;
    let minZoom = Infinity;
    let maxZoom = 0;
    let maxReportError = 0; // the reported parameters agree with the matrix
    for (let i = 0; i < 2000; i++) {
      const a = drawAugmentation(N, { rng });
      const rot = (affine.rotationOf(a.matrix) * 180) / Math.PI;
      const zoom = affine.scaleOf(a.matrix);
      const moved = affine.apply(a.matrix, c); // the centre moves only by the shift
      const shift = Math.max(Math.abs(moved.x - c.x), Math.abs(moved.y - c.y)) / N;
      maxReportError = Math.max(maxReportError, Math.abs(rot - a.rotationDegrees), Math.abs(zoom - a.zoom));
      maxRot = Math.max(maxRot, Math.abs(rot));
      maxShift = Math.max(maxShift, shift);
      minZoom = Math.min(minZoom, zoom);
      maxZoom = Math.max(maxZoom, zoom);
    }
    expect(maxReportError).toBeLessThan(1e-9);
    expect(maxRot).toBeLessThanOrEqual(10);
    expect(maxShift).toBeLessThan(0.1);
    expect(minZoom).toBeGreaterThanOrEqual(0.9);
    expect(maxZoom).toBeLessThanOrEqual(1.1);
    // The draws really spread over the ranges (uniform: the extremes of 2000 draws are near the ends).
    expect(maxRot).toBeGreaterThan(9.9);
    expect(maxShift).toBeGreaterThan(0.099);
    expect(minZoom).toBeLessThan(0.901);
    expect(maxZoom).toBeGreaterThan(1.099);
  });

  it.each([
    { opts: { rotationDegrees: 0, shiftFraction: 0, zoomFraction: 0 }, rot: 0, zoom: 1 },
    { opts: { rotationDegrees: 3, shiftFraction: 0, zoomFraction: 0 }, rot: 3, zoom: 1 },
  ])('honours the ranges $opts', ({ opts, rot, zoom }) => {
    const rng = createRng(1);
    for (let i = 0; i < 200; i++) {
      const a = drawAugmentation(64, { rng, ...opts });
      expect(Math.abs(a.rotationDegrees)).toBeLessThanOrEqual(rot);
      expect(a.zoom).toBe(zoom);
      expect(a.shiftX).toBe(0);
    }
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const a = drawAugmentation(128, { rng: createRng(7) });
    const b = drawAugmentation(128, { rng: createRng(7) });
    const c = drawAugmentation(128, { rng: createRng(8) });
    expect(b.matrix).toEqual(a.matrix);
    expect(c.matrix).not.toEqual(a.matrix);
  });

  it.each([{ rotationDegrees: -1 }, { shiftFraction: 2 }, { zoomFraction: Number.NaN }])('refuses %o', (bad) => {
    expect(() => drawAugmentation(64, { rng: createRng(1), ...bad })).toThrow(/augment\.\w+: expected a number in/);
  });
});
