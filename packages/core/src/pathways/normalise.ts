/**
 * Per-image z-score normalisation (Zdolsek et al., Acta Orthopaedica 2021: each image to mean 0,
 * standard deviation 1) and replication of the grey plane to the three channels the ImageNet-
 * initialised networks expect, written as NHWC.
 */
import { AffnetError } from '../errors.js';

/**
 * Relative guard for a uniform image: the standard deviation must exceed this fraction of
 * max(1, |mean|). A blank or saturated image (a failed exposure, a crop that saw only padding) has no
 * structure to normalise; scaling its rounding noise up to SD 1 would feed the network noise
 * presented as an image, so it is refused with `E_IMAGE_UNIFORM` instead of patched with an epsilon.
 */
export const UNIFORM_SD_TOLERANCE = 1e-5;

export interface ZscoreStats {
  /** Mean and population standard deviation of the plane before normalisation. */
  mean: number;
  sd: number;
}

/**
 * Z-score `plane` (population SD, over every pixel including padding) and write it replicated to
 * `channels` channels, interleaved (NHWC), into `out` starting at `offset`.
 * @param source - named in the error for a uniform or non-finite image
 */
export function zscoreToChannels(plane: Float32Array, out: Float32Array, offset: number, channels: number, source?: string): ZscoreStats {
  const n = plane.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += plane[i]!;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = plane[i]! - mean;
    sq += d * d;
  }
  const sd = Math.sqrt(sq / n);
  const file = source === undefined ? {} : { file: source };
  if (!Number.isFinite(mean) || !Number.isFinite(sd)) {
    throw new AffnetError('E_IMAGE_UNSUPPORTED', 'image contains non-finite pixel values (NaN or ±Infinity)', file);
  }
  if (sd <= UNIFORM_SD_TOLERANCE * Math.max(1, Math.abs(mean))) {
    throw new AffnetError(
      'E_IMAGE_UNIFORM',
      `image is uniform after preprocessing (mean ${mean.toPrecision(6)}, SD ${sd.toExponential(2)}): nothing to normalise`,
      file,
    );
  }
  const inv = 1 / sd;
  if (channels === 3) {
    for (let i = 0, o = offset; i < n; i++, o += 3) {
      const z = (plane[i]! - mean) * inv;
      out[o] = z;
      out[o + 1] = z;
      out[o + 2] = z;
    }
  } else {
    for (let i = 0, o = offset; i < n; i++, o += channels) {
      const z = (plane[i]! - mean) * inv;
      for (let k = 0; k < channels; k++) out[o + k] = z;
    }
  }
  return { mean, sd };
}
