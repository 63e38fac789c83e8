import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createRadiograph, preprocess } from '@affnet/core';
import { camOverlayPng, windowToUnit } from '../../src/overlay/cam-overlay.js';

/** RGB of the overlay at (x, y). */
async function pixel(png: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

describe('camOverlayPng', () => {
  // 80×40 (landscape) ramp: the automated pathway pads it to 80×80 and the CAM covers the padded square.
  const r = createRadiograph(
    80,
    40,
    Float32Array.from({ length: 3200 }, (_v, i) => 1000 + (i % 80) * 10),
    { source: 'ramp', bitDepth: 12 },
  );
  const pre = preprocess(r, { pathway: 'automated', inputSize: 32, normalisation: 'zscore' });

  it('puts a hot top-left CAM cell on the top-left of the original, and keeps its size below the limit', async () => {
    // 2×2 CAM, hot cell top-left
    const png = await camOverlayPng(r, { data: Float32Array.from([1, 0, 0, 0]), shape: [1, 2, 2] }, pre.transform, 32, { maxSide: 384 });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([80, 40, 3]);
    const [rTop, , bTop] = await pixel(png, 2, 2);
    const [rBottom, , bBottom] = await pixel(png, 77, 37);
    // jet: hot = red, cold = blue
    expect(rTop).toBeGreaterThan(bTop);
    expect(bBottom).toBeGreaterThan(rBottom);
  });

  it('shrinks large originals to maxSide on the long side', async () => {
    const png = await camOverlayPng(r, { data: Float32Array.from([1, 0, 0, 0]), shape: [1, 2, 2] }, pre.transform, 32, { maxSide: 20 });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([20, 10]);
  });

  it('leaves what the network never saw grey (intervention crop)', async () => {
    const big = createRadiograph(
      200,
      200,
      new Float32Array(40000).fill(500).map((v, i) => v + (i % 7)),
      { source: 'flat', bitDepth: 12 },
    );
    const crop = preprocess(big, { pathway: 'intervention', inputSize: 32, normalisation: 'zscore', cropFraction: 0.2 }, { clicks: { fracture: { x: 100, y: 100 }, axis: { x: 100, y: 40 } } });
    const png = await camOverlayPng(big, { data: Float32Array.from([1, 1, 1, 1]), shape: [1, 2, 2] }, crop.transform, 32);
    const [cr, cg, cb] = await pixel(png, 5, 5); // far outside the 40-px crop around (100, 100)
    expect(cr).toBe(cg);
    expect(cg).toBe(cb);
    const [ir, , ib] = await pixel(png, 100, 100);
    expect(ir === ib).toBe(false); // inside: coloured
  });
});

describe('windowToUnit', () => {
  it('maps the 0.5th–99.5th percentile range onto [0, 1], clipping outliers', () => {
    const v = Float32Array.from({ length: 1001 }, (_x, i) => i);
    v[1000] = 1e6; // a hot pixel
    const w = windowToUnit(v);
    expect(w[0]).toBe(0);
    expect(w[1000]).toBe(1);
    expect(w[500]).toBeCloseTo(495 / 990, 2);
  });
});
