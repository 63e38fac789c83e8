import { describe, expect, it } from 'vitest';
import { affine, isAffnetError, resampleAffine, type Plane } from '../../src/index.js';
import { resampleGeneral } from '../../src/geometry/resample-general.js';
import { resampleSeparable } from '../../src/geometry/resample-separable.js';
import { meanSd } from '../pathways/draw.js';

const plane = (width: number, height: number, values: number[] | ((x: number, y: number) => number)): Plane => ({
  width,
  height,
  data: Float32Array.from(typeof values === 'function' ? Array.from({ length: width * height }, (_, i) => values(i % width, Math.floor(i / width))) : values),
});

/** Edge-aligned scale: pixel edges −½ and n−½ map onto −½ and m−½. */
const edgeScale = (sx: number, sy: number = sx) => affine.compose(affine.translate(-0.5, -0.5), affine.scale(sx, sy), affine.translate(0.5, 0.5));

/** 1-px-phase checkerboard of `cell`-pixel cells, 0/1. */
const checker = (n: number, cell: number, phase: number) => plane(n, n, (x, y) => (Math.floor((x + phase) / cell) + Math.floor((y + phase) / cell)) % 2);

describe('resampleAffine, axis-aligned (separable tables)', () => {
  it.each([
    { name: 'area, factor 3', src: plane(6, 1, [0, 3, 6, 9, 12, 15]), m: edgeScale(1 / 3, 1), w: 2, fill: 0, want: [3, 12] },
    // footprints [−½, 2) and [2, 4½): (0 + 3 + ½·6)/2.5 and (½·6 + 9 + 12)/2.5
    { name: 'area, factor 2.5', src: plane(5, 1, [0, 3, 6, 9, 12]), m: edgeScale(1 / 2.5, 1), w: 2, fill: 0, want: [2.4, 9.6] },
    { name: 'identity', src: plane(3, 1, [1, 2, 3]), m: affine.identity, w: 3, fill: 0, want: [1, 2, 3] },
    { name: 'shift by one pixel, fill enters', src: plane(3, 1, [1, 2, 3]), m: affine.translate(1, 0), w: 3, fill: -1, want: [-1, 1, 2] },
    // source x = (u + ½)/4 − ½ = −0.375, −0.125, 0.125 …; outside the image the source is the fill
    { name: 'bilinear ×4, fill 0', src: plane(2, 1, [0, 10]), m: edgeScale(4, 1), w: 8, fill: 0, want: [0, 0, 1.25, 3.75, 6.25, 8.75, 8.75, 6.25] },
    { name: 'bilinear ×4, fill 10', src: plane(2, 1, [0, 10]), m: edgeScale(4, 1), w: 8, fill: 10, want: [3.75, 1.25, 1.25, 3.75, 6.25, 8.75, 10, 10] },
  ])('$name', ({ src, m, w, fill, want }) => {
    const out = resampleAffine(src, m, w, 1, { fill });
    expect(Array.from(out).map((v) => Number(v.toFixed(5)))).toEqual(want);
  });

  it('averages a checkerboard to uniform grey when shrinking (area), where point sampling would alias', () => {
    // 3-px cells offset by one pixel; 384 → 32 is a 12-px footprint, two periods: exactly half white.
    const src = checker(384, 3, 1);
    const out = resampleAffine(src, edgeScale(32 / 384), 32, 32, { fill: 0.5 });
    expect(Math.min(...out)).toBeCloseTo(0.5, 6);
    expect(Math.max(...out)).toBeCloseTo(0.5, 6);
    // Control: bilinear point samples at the footprint centres (12u + 5.5) land inside cells.
    expect(src.data[5 * 384 + 5]).toBe(src.data[5 * 384 + 6]);
  });

  it('pads with the fill value and keeps the aspect (non-square scale-and-shift)', () => {
    const src = plane(4, 2, [1, 1, 1, 1, 1, 1, 1, 1]);
    // 4×2 centred in a 4×4 square (offset y 1) and shrunk to 2×2: top row half fill, half image.
    const m = affine.compose(affine.translate(-0.5, -0.5), affine.scale(0.5), affine.translate(0.5, 1.5));
    expect(Array.from(resampleAffine(src, m, 2, 2, { fill: 0 }))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});

describe('resampleAffine, general (prefilter + bilinear)', () => {
  it('averages a rotated checkerboard to grey while shrinking', () => {
    const src = checker(480, 3, 1);
    const c = { x: 239.5, y: 239.5 };
    // 30° rotation and a 12-px footprint about the centre, output 24×24 around it.
    const m = affine.compose(affine.translate(11.5, 11.5), affine.scale(1 / 12), affine.rotate(Math.PI / 6), affine.translate(-c.x, -c.y));
    const out = resampleAffine(src, m, 24, 24, { fill: 0.5 });
    const { mean, sd } = meanSd(out);
    expect(mean).toBeCloseTo(0.5, 3);
    expect(sd).toBeLessThan(1e-3);
  });

  it('without a prefilter the same rotation would alias: footprint-sized averaging is what makes it grey', () => {
    const src = checker(480, 3, 1);
    const c = { x: 239.5, y: 239.5 };
    // Same rotation at scale 1 (no prefilter): the checkerboard survives.
    const m = affine.compose(affine.translate(11.5, 11.5), affine.rotate(Math.PI / 6), affine.translate(-c.x, -c.y));
    expect(meanSd(resampleAffine(src, m, 24, 24, { fill: 0.5 })).sd).toBeGreaterThan(0.2);
  });

  it.each([
    { deg: 90, want: [3, 6, 9, 2, 5, 8, 1, 4, 7] },
    { deg: -90, want: [7, 4, 1, 8, 5, 2, 9, 6, 3] },
    { deg: 180, want: [9, 8, 7, 6, 5, 4, 3, 2, 1] },
  ])('rotates a 3×3 image by $deg° about its centre exactly', ({ deg, want }) => {
    const src = plane(3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const m = affine.rotateAbout((deg * Math.PI) / 180, { x: 1, y: 1 });
    expect(Array.from(resampleAffine(src, m, 3, 3, { fill: 0 })).map((v) => Math.round(v * 1e6) / 1e6)).toEqual(want);
  });

  it('keeps a constant image constant, out-of-image area is the fill', () => {
    const src = plane(50, 40, () => 7);
    const m = affine.compose(affine.translate(16, 16), affine.scale(0.2), affine.rotate(0.4), affine.translate(-25, -20));
    const out = resampleAffine(src, m, 32, 32, { fill: 7 });
    expect(Math.min(...out)).toBeCloseTo(7, 5);
    expect(Math.max(...out)).toBeCloseTo(7, 5);
    const far = resampleAffine(src, affine.translate(1000, 0), 4, 4, { fill: -3 });
    expect(Array.from(far)).toEqual(new Array(16).fill(-3));
  });
});

describe('the two resamplers agree', () => {
  // Output pixel (u, v) → source (sx·u + tx, sy·v + ty): the summed-area-table path must give the
  // separable tables' area / bilinear result for any axis-aligned map.
  it.each([
    { name: 'shrink 2.5 × 3.7 with offsets', sx: 2.5, tx: 1.3, sy: 3.7, ty: -0.8, outW: 40, outH: 30 },
    { name: 'enlarge 0.3 × 0.45', sx: 0.3, tx: 4.2, sy: 0.45, ty: 10.1, outW: 50, outH: 40 },
    { name: 'mixed: shrink x, enlarge y, partly outside', sx: 1.8, tx: -20, sy: 0.6, ty: 50, outW: 70, outH: 60 },
  ])('$name', ({ sx, tx, sy, ty, outW, outH }) => {
    const src = plane(90, 70, (x, y) => Math.sin(x * 0.37) * 100 + ((x * 7 + y * 13) % 17) * 5 + y);
    const a = new Float32Array(outW * outH);
    const b = new Float32Array(outW * outH);
    resampleSeparable(src, sx, tx, sy, ty, outW, outH, 3, a);
    resampleGeneral(src, [sx, 0, tx, 0, sy, ty], outW, outH, 3, b);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-3);
  });
});

describe('resampleAffine, bad input', () => {
  it.each([
    { name: 'singular transform', m: [1, 2, 0, 2, 4, 0] as const, w: 2, re: /not invertible/ },
    { name: 'zero output size', m: affine.identity, w: 0, re: /output size/ },
    { name: 'NaN transform', m: [Number.NaN, 0, 0, 0, 1, 0] as const, w: 2, re: /finite/ },
  ])('$name is an option error', ({ m, w, re }) => {
    try {
      resampleAffine(plane(2, 2, [1, 2, 3, 4]), m, w, 2, { fill: 0 });
      expect.unreachable();
    } catch (e) {
      expect(isAffnetError(e, 'E_OPTION_INVALID')).toBe(true);
      expect(String(e)).toMatch(re);
    }
  });
});
