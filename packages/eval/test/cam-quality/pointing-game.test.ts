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

describe('pointingGame', () => {
  const map = (w: number, h: number, px: number, py: number): Float32Array => {
    const m = new Float32Array(w * h);
    m[py * w + px] = 1;
    return m;
  };
  it.each([
    // peak, tolerance, hit, distance
    [15, 15, 0, true, 0],
    [30, 15, 15, true, 10],
    [30, 15, 9, false, 10],
    [36, 15, 15, false, 16],
  ])('peak at (%d, %d) with tolerance %d px: hit %s', (px, py, tol, hit, distance) => {
    const r = pointingGame(map(40, 40, px, py), 40, 40, square, tol);
    expect(r.hit).toBe(hit);
    expect(r.distance).toBeCloseTo(distance, 10);
    expect(r.peak).toEqual({ x: px, y: py });
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
