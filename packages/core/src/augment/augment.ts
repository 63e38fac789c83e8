/**
 * Random geometric augmentation as in Zdolsek et al. (Acta Orthopaedica 2021): rotation within ±10°,
 * shift below 10 % and zoom below 10 %. The three are composed into ONE affine map about the centre
 * of the network input and composed with the pathway transform, so the whole chain is a single
 * resample and its inverse still maps the network input back onto the original image.
 */
import { AffnetError } from '../errors.js';
import { compose, rotate, scale, translate, type Affine } from '../geometry/affine.js';
import type { Rng } from './rng.js';

export interface AugmentOptions {
  /** The seeded generator every draw comes from (see `createRng`). */
  rng: Rng;
  /** Maximum rotation in degrees either way. @defaultValue 10 */
  rotationDegrees?: number;
  /** Maximum shift per axis as a fraction of the input side. @defaultValue 0.1 */
  shiftFraction?: number;
  /** Maximum relative zoom: the magnification is drawn from [1 − zoom, 1 + zoom]. @defaultValue 0.1 */
  zoomFraction?: number;
}

/** One draw: what was applied. */
export interface Augmentation {
  /** Rotation in degrees, in the sense of `geometry/affine.rotate` (counter-clockwise on screen). */
  rotationDegrees: number;
  /** Shift of the content in input pixels. */
  shiftX: number;
  shiftY: number;
  /** Magnification of the content (>1 enlarges, i.e. zooms in). */
  zoom: number;
  /** The map in network input coordinates: input pixel → augmented input pixel. */
  matrix: Affine;
}

export const AUGMENT_DEFAULTS = { rotationDegrees: 10, shiftFraction: 0.1, zoomFraction: 0.1 } as const;

/**
 * Draw one augmentation for an N×N input. Draws, in this order, four uniforms from `options.rng`:
 * rotation, shift x, shift y, zoom (always four, so streams stay aligned whatever the ranges).
 * The zoom is one factor for both axes (Keras' `zoom_range` draws two, which also stretches the
 * aspect; the paper gives one figure, and anatomy should not be stretched).
 */
export function drawAugmentation(inputSize: number, options: AugmentOptions): Augmentation {
  const rot = checkRange('augment.rotationDegrees', options.rotationDegrees ?? AUGMENT_DEFAULTS.rotationDegrees, 180);
  const shift = checkRange('augment.shiftFraction', options.shiftFraction ?? AUGMENT_DEFAULTS.shiftFraction, 1);
  const zoomRange = checkRange('augment.zoomFraction', options.zoomFraction ?? AUGMENT_DEFAULTS.zoomFraction, 0.9);
  const { rng } = options;
  const rotationDegrees = rng.uniform(-rot, rot);
  const shiftX = rng.uniform(-shift, shift) * inputSize;
  const shiftY = rng.uniform(-shift, shift) * inputSize;
  const zoom = rng.uniform(1 - zoomRange, 1 + zoomRange);
  const c = (inputSize - 1) / 2;
  const matrix = compose(translate(c + shiftX, c + shiftY), rotate((rotationDegrees * Math.PI) / 180), scale(zoom), translate(-c, -c));
  return { rotationDegrees, shiftX, shiftY, zoom, matrix };
}

function checkRange(name: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new AffnetError('E_OPTION_INVALID', `${name}: expected a number in [0, ${max}], got ${String(value)}`);
  }
  return value;
}
