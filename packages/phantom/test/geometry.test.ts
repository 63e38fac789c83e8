/** The projection's geometry against hand-computed path lengths and the small geometric helpers. */
import { describe, expect, it } from 'vitest';
import { affine } from '@affnet/core';
import { MU } from '../src/anatomy/materials.js';
import type { BonePart } from '../src/anatomy/bones.js';
import { CutEvaluator, KEEP_ALL, KEEP_BELOW, KEEP_NONE, type CutSpec } from '../src/projection/cut.js';
import { rasterEllipsoid } from '../src/projection/ellipsoid.js';
import { createPlane, RowSpans } from '../src/projection/raster.js';
import { insideTriangle, triangle } from '../src/projection/triangle.js';
import { rasterTube, type TubeProfile } from '../src/projection/tube.js';
import { convexHull, insidePolygon } from '../src/truth/hull.js';

/** A straight tube along s (outer radius 10 mm, canal radius 6 mm), 1 px = 1 mm, axis at x = 20. */
function straightTube(): TubeProfile {
  const n = 161;
  return {
    s0: 0,
    n,
    ch: new Float32Array(n),
    cw: new Float32Array(n),
    outer: new Float32Array(n).fill(10),
    inner: new Float32Array(n).fill(6),
    beakOut: new Float32Array(n),
    beakIn: new Float32Array(n),
  };
}
const centred = affine.translate(20, 0);

describe('tube projection', () => {
  // path lengths at distance d from the axis: cortex 2(√(100−d²) − √(36−d²)), canal 2√(36−d²)
  it.each([
    [0, MU.cortexExcess * 8 + MU.marrowExcess * 12],
    [3, MU.cortexExcess * 2 * (Math.sqrt(91) - Math.sqrt(27)) + MU.marrowExcess * 2 * Math.sqrt(27)],
    [8, MU.cortexExcess * 12],
    [9, MU.cortexExcess * 2 * Math.sqrt(19)],
    [11, 0],
  ])('at %f mm from the axis integrates %f', (d, expected) => {
    const plane = createPlane(41, 40);
    rasterTube(plane, new RowSpans(64, 64), centred, straightTube(), { sLo: 0, sHi: 39, cut: null, include: null, exclude: [] });
    expect(plane.data[10 * 41 + 20 + d]).toBeCloseTo(expected, 5);
    expect(plane.data[10 * 41 + 20 - d]).toBeCloseTo(expected, 5);
  });

  it('a transverse cut keeps one side minus half the gap', () => {
    const spec: CutSpec = { keep: 'proximal', sF: 20, hF: 0, wF: 0, kh: 0, kw: 0, spikeSlope: 0, spikeSign: 1, spikeStart: 0, cosPsi: 1, gap: 2, band: 5 };
    const plane = createPlane(41, 40);
    rasterTube(plane, new RowSpans(64, 64), centred, straightTube(), { sLo: 0, sHi: 39, cut: new CutEvaluator(spec), include: null, exclude: [] });
    const column = [17, 18, 19, 20, 21, 22].map((y) => plane.data[y * 41 + 20]! > 0);
    // proximal bone ends at s = sF − gap/2 = 19 (exclusive)
    expect(column).toEqual([true, true, false, false, false, false]);
  });

  it('a wedge (comminution piece) includes and excludes bone', () => {
    const wedge = triangle({ x: 0, y: 10 }, { x: 12, y: 10 }, { x: 12, y: 30 });
    const inc = createPlane(41, 40);
    rasterTube(inc, new RowSpans(64, 64), centred, straightTube(), { sLo: 0, sHi: 39, cut: null, include: wedge, exclude: [] });
    const exc = createPlane(41, 40);
    rasterTube(exc, new RowSpans(64, 64), centred, straightTube(), { sLo: 0, sHi: 39, cut: null, include: null, exclude: [wedge] });
    // (h, s) = (8, 20) is inside the wedge, (−8, 20) is not
    expect([inc.data[20 * 41 + 28]! > 0, exc.data[20 * 41 + 28]! > 0]).toEqual([true, false]);
    expect([inc.data[20 * 41 + 12]! > 0, exc.data[20 * 41 + 12]! > 0]).toEqual([false, true]);
  });
});

describe('cut evaluator', () => {
  const base: CutSpec = { keep: 'proximal', sF: 100, hF: 0, wF: 0, kh: 0, kw: 0, spikeSlope: 0, spikeSign: 1, spikeStart: 0, cosPsi: 1, gap: 2, band: 10 };
  it.each([
    ['proximal', 98.5, 0, KEEP_ALL],
    ['proximal', 99.5, 0, KEEP_NONE],
    ['proximal', 80, 0, KEEP_ALL],
    ['proximal', 120, 0, KEEP_NONE],
    ['distal', 101.5, 0, KEEP_ALL],
    ['distal', 100.5, 0, KEEP_NONE],
  ] as const)('%s fragment at s = %f, h = %f: code %i', (keep, s, h, code) => {
    expect(new CutEvaluator({ ...base, keep }).evaluate(s, h)).toBe(code);
  });

  it('an oblique plane splits the ray depth at w = wF + g / kw', () => {
    const cut = new CutEvaluator({ ...base, kw: 1 });
    // s − 100 + 1·w < −1  ⇔  w < −1 − (s − 100): at s = 100 keep w < −1
    expect(cut.evaluate(100, 0)).toBe(KEEP_BELOW);
    expect(cut.limit).toBeCloseTo(-1, 12);
  });

  it('the medial spike bends the surface on the medial side only', () => {
    const cut = new CutEvaluator({ ...base, spikeSlope: 1, spikeSign: 1, spikeStart: 2 });
    expect([cut.surfaceS(5, 0), cut.surfaceS(-2, 0), cut.surfaceS(-7, 0)]).toEqual([100, 100, 105]);
  });
});

describe('ellipsoid projection', () => {
  const part = (radii: [number, number, number]): BonePart => ({
    name: 'test',
    group: 'pelvis',
    centre: [20, 0, 0],
    axes: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    radii,
    shell: 2,
    muShell: 1,
    muCore: 1,
  });
  // radii (s, lateral, anterior) = (10, 5, 8): the AP view (ψ = 0) sees the lateral half width 5 and the
  // anterior depth 16; the lateral view (ψ = π/2) sees the anterior half width 8 and a depth of 10.
  it.each([
    [0, 0, 16],
    [0, 3, 16 * Math.sqrt(1 - 9 / 25)],
    [0, 6, 0],
    [Math.PI / 2, 0, 10],
    [Math.PI / 2, 6, 10 * Math.sqrt(1 - 36 / 64)],
  ])('view ψ = %f, %f mm off centre: chord %f', (psi, dh, chord) => {
    const plane = createPlane(41, 41);
    rasterEllipsoid(plane, new RowSpans(64, 64), centred, psi, part([10, 5, 8]), null);
    expect(plane.data[20 * 41 + 20 + dh]).toBeCloseTo(chord, 4);
  });
});

describe('helpers', () => {
  it.each([
    [{ x: 1, y: 1 }, true],
    [{ x: 6, y: 6 }, false],
    [{ x: -1, y: 1 }, false],
  ])('triangle contains %j: %s (either winding)', (p, inside) => {
    const cw = triangle({ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 0, y: 10 });
    const ccw = triangle({ x: 0, y: 0 }, { x: 0, y: 10 }, { x: 10, y: 0 });
    expect([insideTriangle(cw, p.x, p.y), insideTriangle(ccw, p.x, p.y)]).toEqual([inside, inside]);
  });

  it('convex hull drops interior points; the polygon test agrees', () => {
    const hull = convexHull([
      { x: 0, y: 0 },
      { x: 4, y: 0 },
      { x: 2, y: 1 },
      { x: 4, y: 4 },
      { x: 0, y: 4 },
    ]);
    expect(hull).toEqual([
      { x: 0, y: 0 },
      { x: 4, y: 0 },
      { x: 4, y: 4 },
      { x: 0, y: 4 },
    ]);
    expect([insidePolygon(hull, { x: 2, y: 2 }), insidePolygon(hull, { x: 5, y: 2 })]).toEqual([true, false]);
  });
});
