/**
 * The intervention pathway of Zdolsek et al. (Acta Orthopaedica 2021): the user clicks the fracture
 * and a second point on the femoral shaft axis; the image is centred on the fracture, rotated so the
 * shaft axis is vertical and cropped to a square around the fracture, then resized to N×N. All of it
 * is one affine map, applied by a single resample.
 */
import { AffnetError } from '../errors.js';
import { compose, rotate, scale, translate, type Affine, type Point } from '../geometry/affine.js';

/** The two clicks of the intervention pathway, in original-image pixel coordinates. */
export interface InterventionClicks {
  /** Centre of the fracture. */
  fracture: Point;
  /** Any other point on the femoral shaft axis (proximal or distal of the fracture). */
  axis: Point;
}

/**
 * Default crop side as a fraction of the padded side max(width, height): 0.5 keeps the fracture
 * with about a quarter of the femur's length above and below it on a full-femur radiograph, which is
 * where the reference study's AFF features (lateral cortical thickening, transverse line, medial spike)
 * lie, while still enlarging the region twofold relative to the automated pathway.
 */
export const DEFAULT_CROP_FRACTION = 0.5;

/** Clicks closer than this (in pixels) do not define an axis direction. */
export const MIN_AXIS_LENGTH_PX = 2;

export interface InterventionGeometry {
  /** Original pixel coordinates → network input pixel coordinates. */
  transform: Affine;
  /** The crop side as used, and its unit (`mm` only when pixel spacing was known and asked for). */
  crop: { side: number; unit: 'px' | 'mm' };
  /** Rotation applied, radians, in the sense of `geometry/affine.rotate`. */
  rotation: number;
}

export interface InterventionParams {
  width: number;
  height: number;
  inputSize: number;
  clicks: InterventionClicks;
  cropFraction?: number;
  cropMillimetres?: number;
  /** [row spacing, column spacing] in mm per pixel, when known. */
  pixelSpacing?: [number, number];
  /** Used in error messages. */
  source?: string;
}

/**
 * Centre on the fracture, rotate the shaft axis to vertical, crop and resize, as one transform.
 *
 * Rotation: the smallest rotation that makes the fracture→axis direction vertical, so the axis point
 * ends up straight above the fracture if it was above it, straight below if it was below (the
 * radiograph keeps its up/down orientation; an exactly horizontal axis turns the axis point upwards).
 * Crop: a square of side S centred on the fracture: `cropMillimetres` when given and the pixel spacing
 * is known (the geometry is then built in millimetres, which also corrects non-square pixels),
 * otherwise `cropFraction`·max(width, height) pixels. The crop's outer edge maps onto the input's
 * [−½, N − ½], so the fracture lands on the input's centre ((N − 1)/2, (N − 1)/2).
 */
export function interventionGeometry(p: InterventionParams): InterventionGeometry {
  const { width, height, inputSize: N, clicks } = p;
  checkClick('fracture', clicks.fracture, width, height, p.source);
  checkClick('axis', clicks.axis, width, height, p.source);
  const useMm = p.cropMillimetres !== undefined && p.pixelSpacing !== undefined;
  // Physical scale: column spacing along x, row spacing along y (DICOM PS3.3 C.7.6.2.1.1 order).
  const toUnits: Affine = useMm ? scale(p.pixelSpacing![1], p.pixelSpacing![0]) : scale(1);
  const dx = (clicks.axis.x - clicks.fracture.x) * toUnits[0];
  const dy = (clicks.axis.y - clicks.fracture.y) * toUnits[4];
  if (Math.hypot(clicks.axis.x - clicks.fracture.x, clicks.axis.y - clicks.fracture.y) < MIN_AXIS_LENGTH_PX) {
    throw new AffnetError(
      'E_OPTION_INVALID',
      `clicks.axis must lie on the shaft axis at least ${MIN_AXIS_LENGTH_PX} px away from clicks.fracture; ` +
        `got fracture (${clicks.fracture.x}, ${clicks.fracture.y}) and axis (${clicks.axis.x}, ${clicks.axis.y})`,
      p.source === undefined ? {} : { file: p.source },
    );
  }
  // rotate(t) maps (dx, dy) to (dx·cos t + dy·sin t, −dx·sin t + dy·cos t); x' = 0 needs tan t = −dx/dy.
  const target = dy > 0 ? 1 : -1; // keep the axis point on its side; horizontal → upwards
  const rotation = Math.atan2(-dx * target, dy * target);
  const side = useMm ? p.cropMillimetres! : (p.cropFraction ?? DEFAULT_CROP_FRACTION) * Math.max(width, height);
  const centre = (N - 1) / 2;
  const transform = compose(translate(centre, centre), scale(N / side), rotate(rotation), toUnits, translate(-clicks.fracture.x, -clicks.fracture.y));
  return { transform, crop: { side, unit: useMm ? 'mm' : 'px' }, rotation };
}

function checkClick(name: string, p: Point | undefined, width: number, height: number, source?: string): void {
  const file = source === undefined ? {} : { file: source };
  if (!p || !Number.isFinite(p.x) || !Number.isFinite(p.y)) {
    throw new AffnetError('E_OPTION_INVALID', `clicks.${name}: expected a point {x, y} of finite numbers`, file);
  }
  if (p.x < -0.5 || p.y < -0.5 || p.x > width - 0.5 || p.y > height - 0.5) {
    throw new AffnetError('E_OPTION_INVALID', `clicks.${name} (${p.x}, ${p.y}) lies outside the ${width}x${height} image (valid x: −0.5…${width - 0.5}, y: −0.5…${height - 0.5})`, file);
  }
}
