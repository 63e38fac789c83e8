import { describe, expect, it } from 'vitest';
import { affine, isAffnetError, preprocess, type PreprocessingSpec } from '../../src/index.js';
import { addBlob, addLine, blank, centroid, channel0, lineAngleFromVertical } from './draw.js';

const N = 128;
const spec = (extra: Partial<PreprocessingSpec> = {}): PreprocessingSpec => ({ pathway: 'intervention', inputSize: N, normalisation: 'zscore', ...extra });
const centre = (N - 1) / 2;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Fracture at (140, 210) of a 300×400 image; axis point 80 px away at `deg` from straight down (negative `dist`: up). */
const cases = [
  { deg: 0, dist: 80 },
  { deg: 25, dist: 80 },
  { deg: -40, dist: 80 },
  { deg: 15, dist: -60 },
  { deg: 80, dist: 80 },
  { deg: -170, dist: 80 },
];
const F = { x: 140, y: 210 };
const axisPoint = (deg: number, dist: number) => ({ x: F.x + dist * Math.sin(rad(deg)), y: F.y + dist * Math.cos(rad(deg)) });

describe('intervention pathway', () => {
  it.each(cases)('axis at $deg° ($dist px): the fracture marker lands at the crop centre and the axis point straight above/below', ({ deg, dist }) => {
    const img = blank(300, 400, 100);
    const A = axisPoint(deg, dist);
    addBlob(img, F, 3000, 4);
    const out = preprocess(img, spec(), { clicks: { fracture: F, axis: A } });
    const p = channel0(out.data);
    const threshold = Math.min(...p) + 0.05 * (Math.max(...p) - Math.min(...p));
    const c = centroid(p, N, threshold);
    expect(Math.abs(c.x - centre)).toBeLessThan(0.5);
    expect(Math.abs(c.y - centre)).toBeLessThan(0.5);
    // The inverse maps the centre back to the click (within 1 px; exactly, up to rounding).
    const back = affine.apply(out.inverse, { x: centre, y: centre });
    expect(Math.hypot(back.x - F.x, back.y - F.y)).toBeLessThan(1e-9);
    // The axis point goes straight below (it was below: dy > 0) or above; crop 200 px → scale 0.64.
    const a = affine.apply(out.transform, A);
    const below = A.y - F.y > 0;
    expect(a.x).toBeCloseTo(centre, 9);
    expect(a.y).toBeCloseTo(centre + (below ? 1 : -1) * 0.64 * Math.abs(dist), 9);
    expect(out.crop).toEqual({ side: 200, unit: 'px' });
  });

  it.each(cases)('a line along the shaft axis at $deg° becomes vertical within 0.5° through the centre', ({ deg, dist }) => {
    const img = blank(300, 400, 100);
    const A = axisPoint(deg, dist);
    addLine(img, F, { x: A.x - F.x, y: A.y - F.y }, 1000);
    const out = preprocess(img, spec(), { clicks: { fracture: F, axis: A } });
    const p = channel0(out.data);
    const threshold = Math.min(...p) + 0.1 * (Math.max(...p) - Math.min(...p));
    const { degrees, xAtCentre } = lineAngleFromVertical(p, N, threshold, 8);
    expect(Math.abs(degrees)).toBeLessThan(0.5);
    expect(Math.abs(xAtCentre - centre)).toBeLessThan(0.5);
  });

  it('crops in millimetres when the pixel spacing is known, correcting non-square pixels', () => {
    // Rows 0.2 mm, columns 0.1 mm: a 6 mm disc is 30 rows × 60 columns; a 40 mm crop.
    const img = blank(400, 300, 100, { pixelSpacing: [0.2, 0.1] });
    const Fp = { x: 200, y: 150 };
    for (let y = 0; y < 300; y++) {
      for (let x = 0; x < 400; x++) {
        if (((x - Fp.x) * 0.1) ** 2 + ((y - Fp.y) * 0.2) ** 2 <= 9) img.data[y * 400 + x] = 2000;
      }
    }
    const out = preprocess(img, spec({ cropMillimetres: 40 }), { clicks: { fracture: Fp, axis: { x: 200, y: 10 } } });
    expect(out.crop).toEqual({ side: 40, unit: 'mm' });
    const p = channel0(out.data);
    // The disc: 6 mm of 40 mm → 19.2 px across in both directions.
    const mid = Math.round(centre);
    const across = (step: (i: number) => number) => Array.from({ length: N }, (_, i) => p[step(i)]!).filter((v) => v > 0).length;
    const w = across((i) => mid * N + i);
    const h = across((i) => i * N + mid);
    expect(Math.abs(w - 19.2)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(h - 19.2)).toBeLessThanOrEqual(1.5);
    expect(out.notes).toEqual([]);
  });

  it('falls back to the crop fraction, with a note, when the pixel spacing is unknown', () => {
    const img = blank(300, 400, 100);
    addBlob(img, F, 3000, 4);
    const out = preprocess(img, spec({ cropMillimetres: 40, cropFraction: 0.25 }), { clicks: { fracture: F, axis: { x: 140, y: 300 } } });
    expect(out.crop).toEqual({ side: 100, unit: 'px' });
    expect(out.notes).toEqual(['cropMillimetres 40 ignored: pixel spacing unknown; crop side 100.0 px (cropFraction)']);
  });

  it('fills the area outside the image with the background', () => {
    const img = blank(300, 400, 100);
    addBlob(img, { x: 5, y: 5 }, 3000, 3);
    // Fracture in the top-left corner: most of the crop lies outside the image.
    const out = preprocess(img, spec({ background: 50 }), { clicks: { fracture: { x: 5, y: 5 }, axis: { x: 5, y: 100 } } });
    const p = channel0(out.data);
    const fill = (50 - out.stats.mean) / out.stats.sd;
    expect(p[0]).toBeCloseTo(fill, 5); // top-left of the crop is outside the image
  });

  it.each([
    { name: 'missing clicks', clicks: undefined, re: /intervention pathway needs clicks: \{ fracture/ },
    { name: 'fracture outside', clicks: { fracture: { x: 400, y: 10 }, axis: { x: 10, y: 10 } }, re: /clicks\.fracture \(400, 10\) lies outside the 300x400 image/ },
    { name: 'axis on the fracture', clicks: { fracture: { x: 10, y: 10 }, axis: { x: 11, y: 10 } }, re: /clicks\.axis must lie on the shaft axis at least 2 px away/ },
    { name: 'NaN click', clicks: { fracture: { x: Number.NaN, y: 10 }, axis: { x: 11, y: 10 } }, re: /clicks\.fracture: expected a point/ },
  ])('$name is an option error naming the clicks and the file', ({ clicks, re }) => {
    const img = blank(300, 400, 100, { source: 'hip.png' });
    try {
      preprocess(img, spec(), clicks ? { clicks } : {});
      expect.unreachable();
    } catch (e) {
      expect(isAffnetError(e, 'E_OPTION_INVALID')).toBe(true);
      expect(String(e)).toMatch(re);
      expect(String(e)).toMatch(/hip\.png/);
    }
  });
});
