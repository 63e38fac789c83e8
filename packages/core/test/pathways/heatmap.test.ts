import { describe, expect, it } from 'vitest';
import { affine, isAffnetError, mapHeatmapToOriginal, preprocess, type Plane } from '../../src/index.js';
import { addBlob, blank } from './draw.js';

function argmax(data: Float32Array, width: number): { x: number; y: number } {
  let best = 0;
  for (let i = 1; i < data.length; i++) if (data[i]! > data[best]!) best = i;
  return { x: best % width, y: Math.floor(best / width) };
}

const hot = (w: number, h: number, at: { x: number; y: number }): Plane => {
  const data = new Float32Array(w * h);
  data[at.y * w + at.x] = 1;
  return { width: w, height: h, data };
};

describe('mapHeatmapToOriginal', () => {
  it.each([
    // 8×8 CAM cell (5, 2) spans input pixels 40–47 × 16–23, centre (43.5, 19.5); 300×200 → 64:
    // x = 44·300/64 − 0.5 = 205.75, y = 20·300/64 − 0.5 − 50 = 43.25
    { name: '8×8 CAM', heat: hot(8, 8, { x: 5, y: 2 }), inputSize: 64, want: { x: 205.75, y: 43.25 } },
    // a heatmap at input resolution: pixel (10, 40) → x = 10.5·300/64 − 0.5, y = 40.5·300/64 − 0.5 − 50
    { name: 'input-size map', heat: hot(64, 64, { x: 10, y: 40 }), inputSize: undefined, want: { x: 48.72, y: 139.34 } },
  ])('$name: the hot spot goes back where it belongs', ({ heat, inputSize, want }) => {
    const img = blank(300, 200, 10);
    addBlob(img, { x: 20, y: 20 }, 100, 3);
    const pre = preprocess(img, { pathway: 'automated', inputSize: 64, normalisation: 'zscore' });
    const map = mapHeatmapToOriginal(heat, pre.transform, 300, 200, inputSize === undefined ? {} : { inputSize });
    const m = argmax(map, 300);
    expect(Math.abs(m.x - want.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(m.y - want.y)).toBeLessThanOrEqual(1);
  });

  it('intervention: the centre of the map goes back to the fracture click; outside the crop is the fill', () => {
    const img = blank(300, 400, 10);
    addBlob(img, { x: 140, y: 210 }, 100, 3);
    const clicks = { fracture: { x: 140, y: 210 }, axis: { x: 200, y: 330 } };
    const pre = preprocess(img, { pathway: 'intervention', inputSize: 64, normalisation: 'zscore' }, { clicks });
    // 7×7 map with the peak on the centre cell: its centre is the input centre.
    const map = mapHeatmapToOriginal(hot(7, 7, { x: 3, y: 3 }), pre.transform, 300, 400, { inputSize: 64, fill: -1 });
    expect(argmax(map, 300)).toEqual({ x: 140, y: 210 });
    expect(map[0]).toBe(-1);
    expect(map[399 * 300 + 299]).toBe(-1);
  });

  it('is the exact inverse of the forward mapping for a smooth map', () => {
    // A linear ramp over the input maps back to the same linear function of input coordinates.
    const n = 32;
    const data = Float32Array.from({ length: n * n }, (_, i) => (i % n) + 2 * Math.floor(i / n));
    const t = affine.compose(affine.translate(3, -2), affine.scale(0.5));
    const map = mapHeatmapToOriginal({ width: n, height: n, data }, t, 40, 40);
    for (const p of [
      { x: 10, y: 20 },
      { x: 30, y: 30 },
    ]) {
      const q = affine.apply(t, p);
      expect(map[p.y * 40 + p.x]).toBeCloseTo(q.x + 2 * q.y, 4);
    }
  });

  it('refuses a heatmap whose data does not match its size', () => {
    try {
      mapHeatmapToOriginal({ width: 4, height: 4, data: new Float32Array(15) }, affine.identity, 4, 4);
      expect.unreachable();
    } catch (e) {
      expect(isAffnetError(e, 'E_OPTION_INVALID')).toBe(true);
    }
  });
});

describe('mapHeatmapToOriginal edge cases', () => {
  it('a 1×1 map covers the whole input square with its value', () => {
    const map = mapHeatmapToOriginal({ width: 1, height: 1, data: Float32Array.of(0.7) }, affine.scale(0.5), 6, 6, { inputSize: 4, fill: -1 });
    // original x → input 0.5·x: x ≤ 7 lies inside [−½, 3½]
    expect(Array.from(map.subarray(0, 6)).map((v) => Number(v.toFixed(5)))).toEqual([0.7, 0.7, 0.7, 0.7, 0.7, 0.7]);
    const outside = mapHeatmapToOriginal({ width: 1, height: 1, data: Float32Array.of(0.7) }, affine.scale(1), 6, 1, { inputSize: 4, fill: -1 });
    expect(Array.from(outside)).toEqual([0.7, 0.7, 0.7, 0.7, -1, -1].map((v) => Math.fround(v)));
  });
});
