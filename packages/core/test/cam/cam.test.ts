import { describe, expect, it } from 'vitest';
import { applyColourMap, camFromFeatures, mapMeans, normaliseMap, overlayHeatmap, upsampleBilinear, globalAveragePool, type FeatureBatch, type MapBatch } from '../../src/index.js';

// One image, 2×2 cells, 2 channels: cell (0,0) = [1, 2], (0,1) = [3, 4], (1,0) = [0, −1], (1,1) = [2, 0].
const features: FeatureBatch = { data: new Float32Array([1, 2, 3, 4, 0, -1, 2, 0]), shape: [1, 2, 2, 2] };
// Dense kernel [channels, classes]: class 0 weighs (0.5, −1), class 1 weighs (1, 2).
const kernel = { data: new Float32Array([0.5, 1, -1, 2]), shape: [2, 2] };

describe('camFromFeatures (Zhou et al. 2016, eq. 2)', () => {
  it.each<[number, number[]]>([
    // class 0: 0.5·1 − 2 = −1.5, 0.5·3 − 4 = −2.5, 0 + 1 = 1, 0.5·2 − 0 = 1
    [0, [-1.5, -2.5, 1, 1]],
    // class 1: 1 + 4 = 5, 3 + 8 = 11, 0 − 2 = −2, 2 + 0 = 2
    [1, [5, 11, -2, 2]],
  ])('class %i gives the weighted channel sum %j', (ci, expected) => {
    const cam = camFromFeatures(features, kernel, ci);
    expect(cam.shape).toEqual([1, 2, 2]);
    expect(Array.from(cam.data)).toEqual(expected);
    expect(mapMeans(cam)[0]).toBe(expected.reduce((a, b) => a + b) / 4);
  });

  it('takes one class per image', () => {
    const two: FeatureBatch = { data: new Float32Array([...features.data, ...features.data]), shape: [2, 2, 2, 2] };
    expect(Array.from(camFromFeatures(two, kernel, [1, 0]).data)).toEqual([5, 11, -2, 2, -1.5, -2.5, 1, 1]);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['class out of range', () => camFromFeatures(features, kernel, 2), /cam: class index 2 is out of range; valid: 0 … 1/],
    ['kernel for other channels', () => camFromFeatures(features, { data: new Float32Array(6), shape: [3, 2] }, 0), /dense kernel shape \[3, 2\] does not fit 2 feature channels/],
    ['wrong class count', () => camFromFeatures(features, kernel, [0, 1]), /2 class indices for 1 images/],
    ['data/shape mismatch', () => camFromFeatures({ data: new Float32Array(7), shape: [1, 2, 2, 2] }, kernel, 0), /features have 7 values but shape \[1, 2, 2, 2\]/],
  ])('%s is E_OPTION_INVALID', (_case, run, message) => {
    expect(run).toThrow(message);
  });
});

describe('upsampleBilinear (half-pixel centres)', () => {
  it.each<[string, MapBatch, number, number, number[]]>([
    // source positions −0.25→0, 0.25, 0.75, 1.25→1 on both axes
    ['2×2 → 4×4', { data: new Float32Array([0, 4, 8, 12]), shape: [1, 2, 2] }, 4, 4, [0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12]],
    ['1×1 → 2×3 is constant', { data: new Float32Array([7]), shape: [1, 1, 1] }, 2, 3, [7, 7, 7, 7, 7, 7]],
    // 3 → 2: positions 0.25 and 1.75 of [0, 3, 6]
    ['1×3 → 1×2 (downsampling)', { data: new Float32Array([0, 3, 6]), shape: [1, 1, 3] }, 1, 2, [0.75, 5.25]],
    ['2 maps', { data: new Float32Array([1, 2]), shape: [2, 1, 1] }, 1, 2, [1, 1, 2, 2]],
  ])('%s', (_case, maps, h, w, expected) => {
    const up = upsampleBilinear(maps, h, w);
    expect(up.shape).toEqual([maps.shape[0], h, w]);
    expect(Array.from(up.data)).toEqual(expected);
  });
});

describe('normaliseMap (min-max per map)', () => {
  it.each<[string, number[], [number, number] | undefined, number[]]>([
    ['own range', [-1.5, -2.5, 1, 1], undefined, [1 / 3.5, 0, 1, 1].map(Math.fround)],
    ['constant map → zeros', [3, 3, 3, 3], undefined, [0, 0, 0, 0]],
    ['fixed range, clipped', [5, 11, -2, 2], [0, 10], [0.5, 1, 0, 0.2].map(Math.fround)],
  ])('%s', (_case, values, range, expected) => {
    const out = normaliseMap({ data: new Float32Array(values), shape: [1, 2, 2] }, range ? { range } : {});
    expect(Array.from(out.data)).toEqual(expected);
  });

  it('normalises each map of a batch on its own', () => {
    const out = normaliseMap({ data: new Float32Array([0, 2, 10, 30]), shape: [2, 1, 2] });
    expect(Array.from(out.data)).toEqual([0, 1, 0, 1]);
  });
});

describe('colour maps and overlays', () => {
  it.each<['jet' | 'hot', number, number[]]>([
    ['jet', 0, [0, 0, 128]],
    ['jet', 0.25, [0, 128, 255]],
    ['jet', 0.5, [128, 255, 128]],
    ['jet', 1, [128, 0, 0]],
    ['jet', 2, [128, 0, 0]],
    ['hot', 0, [0, 0, 0]],
    ['hot', 0.5, [255, 128, 0]],
    ['hot', 1, [255, 255, 255]],
  ])('%s(%d) = %j', (name, v, rgb) => {
    expect(Array.from(applyColourMap(new Float32Array([v]), name))).toEqual(rgb);
  });

  it('blends (1 − α)·grey + α·colour', () => {
    // grey 0.5, heat 1 (jet dark red 0.5, 0, 0), α 0.5: (0.25 + 0.25, 0.25, 0.25) · 255
    expect(Array.from(overlayHeatmap(new Float32Array([0.5]), new Float32Array([1]), { alpha: 0.5 }))).toEqual([128, 64, 64]);
  });

  it('rejects an unknown colour map and mismatched sizes', () => {
    expect(() => applyColourMap(new Float32Array(1), 'viridis' as never)).toThrow(/colourMap: unknown value "viridis". Available: jet, hot/);
    expect(() => overlayHeatmap(new Float32Array(2), new Float32Array(3))).toThrow(/overlay image has 2 pixels but the heat map has 3/);
  });
});

describe('globalAveragePool (the one pooling of frozen-trunk features)', () => {
  it('means each channel over the 2×2 map, per image', () => {
    // 2 images, 2×2 cells, 2 channels: channel 0 = 1, 2, 3, 4 (mean 2.5), channel 1 = −1 everywhere; image 1 doubled
    const data = Float32Array.from([1, -1, 2, -1, 3, -1, 4, -1, 2, -2, 4, -2, 6, -2, 8, -2]);
    const rows = globalAveragePool({ data, shape: [2, 2, 2, 2] });
    expect(rows.map((r) => Array.from(r))).toEqual([
      [2.5, -1],
      [5, -2],
    ]);
    expect(() => globalAveragePool({ data: new Float32Array(3), shape: [1, 2, 2, 2] })).toThrow(/features have 3 values/);
  });
});
