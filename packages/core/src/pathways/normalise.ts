/**
 * Normalisation of the resampled grey plane and its replication to the three channels the ImageNet-
 * initialised networks expect, written as NHWC:
 * - `zscore`: per image to mean 0, standard deviation 1 (Zdolsek et al., Acta Orthopaedica 2021).
 * - `imagenet-caffe`: the input the Keras ImageNet weights of VGG19 and ResNet50 were trained on
 *   (`keras.applications.*.preprocess_input`, mode 'caffe'): pixel values on a 0–255 scale, BGR
 *   channel order, minus the ImageNet channel means. A grey radiograph is scaled from its own bit
 *   depth to 0–255 and written to all three channels, each minus its channel's mean.
 */
import { AffnetError } from '../errors.js';

/**
 * Relative guard for a uniform image: the standard deviation must exceed this fraction of
 * max(1, |mean|). A blank or saturated image (a failed exposure, a crop that saw only padding) has no
 * structure to normalise; scaling its rounding noise up to SD 1 would feed the network noise
 * presented as an image, so it is refused with `E_IMAGE_UNIFORM` instead of patched with an epsilon.
 */
export const UNIFORM_SD_TOLERANCE = 1e-5;

/**
 * ImageNet channel means in Keras's 'caffe' mode, in the BGR order of the network input (B, G, R)
 * (keras.applications.imagenet_utils, `_preprocess_numpy_input`: mean = [103.939, 116.779, 123.68]).
 */
export const IMAGENET_CAFFE_MEAN_BGR: readonly [number, number, number] = [103.939, 116.779, 123.68];

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
  const { mean, sd } = planeStats(plane, source);
  const n = plane.length;
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

/**
 * Keras 'caffe' input (see the module comment): `plane` scaled from `bitDepth` bits to 0–255, written
 * to the three channels (NHWC) of `out` at `offset`, minus {@link IMAGENET_CAFFE_MEAN_BGR}. A uniform
 * or non-finite plane is refused as by {@link zscoreToChannels}: there is nothing in it to classify.
 * @param bitDepth - significant bits of the radiograph's grey scale (`meta.bitDepth`), 1–32
 * @returns the plane's mean and SD before scaling, as {@link zscoreToChannels}
 */
export function caffeToChannels(plane: Float32Array, out: Float32Array, offset: number, bitDepth: number, source?: string): ZscoreStats {
  if (!Number.isInteger(bitDepth) || bitDepth < 1 || bitDepth > 32) {
    throw new AffnetError('E_OPTION_INVALID', `imagenet-caffe normalisation: bit depth must be an integer in [1, 32], got ${String(bitDepth)}`, source === undefined ? {} : { file: source });
  }
  const stats = planeStats(plane, source);
  const scale = 255 / (2 ** bitDepth - 1);
  const [b, g, r] = IMAGENET_CAFFE_MEAN_BGR;
  for (let i = 0, o = offset; i < plane.length; i++, o += 3) {
    const v = plane[i]! * scale;
    out[o] = v - b;
    out[o + 1] = v - g;
    out[o + 2] = v - r;
  }
  return stats;
}

/** Mean and population SD of `plane`; refuses a non-finite or uniform plane (see {@link UNIFORM_SD_TOLERANCE}). */
function planeStats(plane: Float32Array, source?: string): ZscoreStats {
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
    throw new AffnetError('E_IMAGE_UNIFORM', `image is uniform after preprocessing (mean ${mean.toPrecision(6)}, SD ${sd.toExponential(2)}): nothing to normalise`, file);
  }
  return { mean, sd };
}
