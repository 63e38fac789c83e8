/**
 * Writing a single-channel Float32 image (a radiograph, a network input plane, a heatmap) as an
 * 8- or 16-bit greyscale PNG, for the CLI, the phantom cohort and reports.
 */
import sharp from 'sharp';
import { AffnetError, choiceError } from '../errors.js';
import type { Plane } from '../geometry/plane.js';

export interface EncodePngOptions {
  /** Bits per sample of the PNG. @defaultValue 16 */
  bitDepth?: 8 | 16;
  /**
   * Grey values mapped linearly onto [0, 2^bitDepth − 1] (values beyond are clipped):
   * `'stored'` is [0, 2^meta.bitDepth − 1] of a radiograph, so a 16-bit radiograph written at 16 bits
   * (or an 8-bit one at 8) keeps its exact values; `'minmax'` is the image's own range; or `[lo, hi]`.
   * @defaultValue 'stored' when the image has `meta.bitDepth`, else 'minmax'
   */
  range?: 'stored' | 'minmax' | [number, number];
  /** zlib level 0–9. @defaultValue 6 */
  compressionLevel?: number;
}

/**
 * Stored integer samples (e.g. a radiograph's 16-bit values) as an alternative to a Float32 plane:
 * written at 16 bits with `range: [0, 65535]` they go to the encoder as they are, without a copy.
 */
export interface Uint16Plane {
  width: number;
  height: number;
  data: Uint16Array;
}

/** Encode `image` as a greyscale PNG (see {@link EncodePngOptions}). */
export async function encodePng(image: (Plane | Uint16Plane) & { meta?: { bitDepth?: number; source?: string } }, options: EncodePngOptions = {}): Promise<Buffer> {
  const { width, height, data } = image;
  const file = image.meta?.source === undefined ? {} : { file: image.meta.source };
  const bitDepth = options.bitDepth ?? 16;
  if (bitDepth !== 8 && bitDepth !== 16) throw choiceError('bitDepth', String(bitDepth), ['8', '16']);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height) {
    throw new AffnetError('E_OPTION_INVALID', `encodePng: ${data.length} values for a ${width}x${height} image`, file);
  }
  const [lo, hi] = resolveRange(image, options.range, file);
  const top = bitDepth === 16 ? 65535 : 255;
  const k = hi > lo ? top / (hi - lo) : 0;
  const compressionLevel = options.compressionLevel ?? 6;
  if (data instanceof Uint16Array && bitDepth === 16 && lo === 0 && hi === 65535) {
    // identity mapping of integers already in range: hand the samples over as they are
    return sharp(data, { raw: { width, height, channels: 1 } })
      .toColourspace('grey16')
      .png({ compressionLevel })
      .toBuffer();
  }
  const out = bitDepth === 16 ? new Uint16Array(data.length) : new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new AffnetError('E_OPTION_INVALID', `encodePng: pixel ${i} is ${v}; only finite values can be written`, file);
    const q = Math.round((v - lo) * k);
    out[i] = q < 0 ? 0 : q > top ? top : q;
  }
  const png = sharp(out, { raw: { width, height, channels: 1 } }).toColourspace(bitDepth === 16 ? 'grey16' : 'b-w');
  return png.png({ compressionLevel }).toBuffer();
}

function resolveRange(image: (Plane | Uint16Plane) & { meta?: { bitDepth?: number } }, range: EncodePngOptions['range'], file: { file?: string }): [number, number] {
  const r = range ?? (image.meta?.bitDepth ? 'stored' : 'minmax');
  if (Array.isArray(r)) {
    if (r.length !== 2 || !r.every(Number.isFinite) || !(r[1] > r[0])) {
      throw new AffnetError('E_OPTION_INVALID', `encodePng: range must be [lo, hi] with lo < hi, got ${JSON.stringify(r)}`, file);
    }
    return [r[0], r[1]];
  }
  if (r === 'stored') {
    const bits = image.meta?.bitDepth;
    if (!bits) throw new AffnetError('E_OPTION_INVALID', 'encodePng: range "stored" needs meta.bitDepth; use "minmax" or [lo, hi]', file);
    return [0, 2 ** bits - 1];
  }
  if (r === 'minmax') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of image.data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  }
  throw choiceError('range', String(r), ['stored', 'minmax', '[lo, hi]']);
}
