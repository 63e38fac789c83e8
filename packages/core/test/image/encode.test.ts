import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createRadiograph, decodeRaster, encodePng, isAffnetError } from '../../src/index.js';

const plane = (values: number[]) => ({ width: values.length, height: 1, data: Float32Array.from(values) });

describe('encodePng', () => {
  it.each([
    { bits: 16, values: [0, 1, 2, 3, 32767, 65534, 65535] },
    { bits: 8, values: [0, 1, 127, 128, 254, 255] },
  ] as const)('a $bits-bit radiograph survives a round trip exactly', async ({ bits, values }) => {
    const r = createRadiograph(values.length, 1, Float32Array.from(values), { source: 'r', bitDepth: bits });
    const png = await encodePng(r, { bitDepth: bits });
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.channels, meta.depth]).toEqual(['png', 1, bits === 16 ? 'ushort' : 'uchar']);
    expect(Array.from((await decodeRaster(png)).data)).toEqual(values);
  });

  it.each([
    // minmax: −1 → 0, 0 → round(32767.5) = 32768, 1 → 65535
    { name: 'minmax 16-bit', img: plane([-1, 0, 1]), opts: { range: 'minmax' as const }, want: [0, 32768, 65535] },
    { name: 'explicit range clips, 8-bit', img: plane([-5, 0, 5, 10, 20]), opts: { range: [0, 10] as [number, number], bitDepth: 8 as const }, want: [0, 0, 128, 255, 255] },
    { name: 'plane without meta defaults to minmax', img: plane([2, 4]), opts: { bitDepth: 8 as const }, want: [0, 255] },
    // stored range of a 12-bit radiograph [0, 4095] → 16 bits: 4095 → 65535, 2048 → round(32775.9) = 32776
    { name: 'stored 12-bit → 16-bit', img: { ...plane([0, 2048, 4095]), meta: { bitDepth: 12 } }, opts: {}, want: [0, 32776, 65535] },
    // Uint16Array samples at [0, 65535] go to the encoder as they are; other ranges are mapped as floats are
    { name: 'Uint16Array as stored', img: { width: 4, height: 1, data: Uint16Array.from([0, 1, 4095, 65535]) }, opts: { range: [0, 65535] as [number, number] }, want: [0, 1, 4095, 65535] },
    { name: 'Uint16Array 12-bit range → 16-bit', img: { width: 3, height: 1, data: Uint16Array.from([0, 2048, 4095]) }, opts: { range: [0, 4095] as [number, number] }, want: [0, 32776, 65535] },
  ])('$name', async ({ img, opts, want }) => {
    const png = await encodePng(img, opts);
    const r = await decodeRaster(png);
    expect(Array.from(r.data)).toEqual(want);
  });

  it.each([
    { name: 'NaN pixel', img: { ...plane([1, Number.NaN]), meta: { source: 'heat.png' } }, opts: {}, re: /heat\.png: encodePng: pixel 1 is NaN/ },
    { name: 'bad range', img: plane([1, 2]), opts: { range: [3, 3] as [number, number] }, re: /range must be \[lo, hi\] with lo < hi/ },
    { name: 'bad depth', img: plane([1, 2]), opts: { bitDepth: 12 as 8 }, re: /bitDepth: unknown value "12".*Available: 8, 16/ },
    { name: 'size mismatch', img: { width: 3, height: 3, data: new Float32Array(4) }, opts: {}, re: /4 values for a 3x3 image/ },
  ])('$name is an option error', async ({ img, opts, re }) => {
    try {
      await encodePng(img, opts);
      expect.unreachable();
    } catch (e) {
      expect(isAffnetError(e, 'E_OPTION_INVALID')).toBe(true);
      expect(String(e)).toMatch(re);
    }
  });
});
