import { describe, expect, it } from 'vitest';
import { argmax2d, boxPolygon, distanceToPolygon, pointingGame, transformPolygon } from '../../src/cam-quality/pointing-game.js';

const square = boxPolygon({ x0: 10, y0: 10, x1: 20, y1: 20 });

describe('distanceToPolygon', () => {
  it.each([
    [{ x: 15, y: 15 }, 0], // inside
    [{ x: 10, y: 12 }, 0], // on the edge
    [{ x: 25, y: 15 }, 5], // right of it
    [{ x: 23, y: 24 }, 5], // diagonal from the corner (3, 4, 5)
    [{ x: 15, y: 0 }, 10], // above
  ])('%o is %d px from the 10..20 square', (p, d) => {
    expect(distanceToPolygon(p, square)).toBeCloseTo(d, 10);
  });
});

describe('argmax2d', () => {
  it.each([
    [[0, 1, 2, 3, 9, 5], 3, 2, { x: 1, y: 1 }],
    [[7, 7, 1, 1], 2, 2, { x: 0, y: 0 }], // first on ties
    [[0, 0, 0, 0, 0, 4], 2, 3, { x: 1, y: 2 }],
  ])('%o (%dx%d) peaks at %o', (map, w, h, p) => {
    expect(argmax2d(map, w, h)).toEqual(p);
  });
});

describe('pointingGame (the rule the results use)', () => {
  // A 4×4 CAM over a 40-px input: cell (cx, cy) has its centre at input pixel ((cx + ½)·10 − ½, …).
  const cam = (cx: number, cy: number): Float32Array => {
    const m = new Float32Array(16);
    m[cy * 4 + cx] = 1;
    return m;
  };
  it.each([
    // peak cell, tolerance, hit, peak in input pixels, distance to the 10..20 square
    [1, 1, 0, true, { x: 14.5, y: 14.5 }, 0],
    [2, 1, 5, true, { x: 24.5, y: 14.5 }, 4.5],
    [2, 1, 4, false, { x: 24.5, y: 14.5 }, 4.5],
    [3, 3, 30, true, { x: 34.5, y: 34.5 }, Math.hypot(14.5, 14.5)],
  ])('peak cell (%d, %d), tolerance %d px: hit %s', (cx, cy, tol, hit, peak, distance) => {
    const r = pointingGame(cam(cx, cy), 4, 4, square, { inputSize: 40, tolerancePx: tol });
    expect(r.hit).toBe(hit);
    expect(r.peak).toEqual(peak);
    expect(r.distance).toBeCloseTo(distance, 10);
  });

  it('the default tolerance is 15 px at 224 px, scaled with the input', () => {
    // peak cell (2, 1) is 4.5 px from the square; 15·40/224 = 2.68 px: a miss. Cell (2, 1) at an
    // 80-px input: peak (49.5, 29.5), 9.5 px from a 10..40 square; tolerance 15·80/224 = 5.36: a miss,
    // and cell (1, 1) at (29.5, 29.5) is inside: a hit.
    expect(pointingGame(cam(2, 1), 4, 4, square, { inputSize: 40 }).hit).toBe(false);
    const big = boxPolygon({ x0: 10, y0: 10, x1: 40, y1: 40 });
    expect(pointingGame(cam(2, 1), 4, 4, big, { inputSize: 80 })).toMatchObject({ hit: false, distance: 9.5 });
    expect(pointingGame(cam(1, 1), 4, 4, big, { inputSize: 80 })).toMatchObject({ hit: true, distance: 0 });
  });

  it('a constant map (a 1×1 feature map) points nowhere: a miss', () => {
    expect(pointingGame(new Float32Array(16).fill(2), 4, 4, square, { inputSize: 40, tolerancePx: 1000 })).toEqual({ hit: false, distance: Number.POSITIVE_INFINITY });
    expect(pointingGame([5], 1, 1, square, { inputSize: 40, tolerancePx: 1000 }).hit).toBe(false);
  });

  it('maps a region into input coordinates with the forward transform', () => {
    // original → input: scale 0.5 then shift by (2, 3)
    const mapped = transformPolygon(square, [0.5, 0, 2, 0, 0.5, 3]);
    expect(mapped).toEqual([
      { x: 7, y: 8 },
      { x: 12, y: 8 },
      { x: 12, y: 13 },
      { x: 7, y: 13 },
    ]);
  });
});
