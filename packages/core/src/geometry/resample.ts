/**
 * Resampling a single-channel Float32 image through an affine transform, in one step. Shrinking
 * averages the source over each output pixel's footprint (area averaging), enlarging is bilinear;
 * outside the source the value is `fill`. Plain TypeScript on typed arrays: full Float32 precision
 * (libvips, through sharp, would round 8- and 16-bit images to integers after resizing) and no
 * chained resamples, so the recorded transform is exactly the one applied.
 */
import { AffnetError } from '../errors.js';
import { determinant, invert, isAxisAligned, type Affine } from './affine.js';
import type { Plane } from './plane.js';
import { resampleGeneral } from './resample-general.js';
import { resampleSeparable } from './resample-separable.js';

export type { Plane } from './plane.js';

export interface ResampleOptions {
  /** Value of everything outside the source image. */
  fill: number;
  /** Write here (length ≥ width·height) instead of allocating. */
  out?: Float32Array;
}

/**
 * Resample `source` into a `width` × `height` plane, where `transform` maps source pixel coordinates
 * to output pixel coordinates (pixel centres at integers, as in `geometry/affine.ts`).
 * Axis-aligned transforms use per-axis tables of exact area-averaging (box over the footprint) or
 * bilinear weights; any other transform reads the same box, aligned with the source axes, from a
 * summed-area table. Both give bilinear interpolation where the map enlarges.
 * @returns the output plane's data (row-major, `width`·`height` values)
 */
export function resampleAffine(source: Plane, transform: Affine, width: number, height: number, options: ResampleOptions): Float32Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new AffnetError('E_OPTION_INVALID', `resample: output size must be positive integers, got ${width}x${height}`);
  }
  if (source.data.length !== source.width * source.height) {
    throw new AffnetError('E_OPTION_INVALID', `resample: source has ${source.data.length} values for ${source.width}x${source.height}`);
  }
  if (!transform.every(Number.isFinite) || !Number.isFinite(options.fill)) {
    throw new AffnetError('E_OPTION_INVALID', 'resample: transform and fill must be finite numbers');
  }
  const out = options.out ?? new Float32Array(width * height);
  if (out.length < width * height) {
    throw new AffnetError('E_OPTION_INVALID', `resample: output buffer holds ${out.length} values, needs ${width * height}`);
  }
  if (Math.abs(determinant(transform)) < 1e-12) {
    throw new AffnetError('E_OPTION_INVALID', `resample: transform [${transform.join(', ')}] is not invertible`);
  }
  const inv = invert(transform);
  if (isAxisAligned(inv)) {
    resampleSeparable(source, inv[0], inv[2], inv[4], inv[5], width, height, options.fill, out);
  } else {
    resampleGeneral(source, inv, width, height, options.fill, out);
  }
  return out;
}
