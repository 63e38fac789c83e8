/**
 * The automated pathway of Zdolsek et al. (Acta Orthopaedica 2021): pad the radiograph to a square,
 * then resize it to the network input N×N. Here both steps are one affine map, applied by a single
 * resample (see `preprocess.ts`), so padding never creates an intermediate image.
 */
import { compose, scale, translate, type Affine } from '../geometry/affine.js';

export interface AutomatedGeometry {
  /** Original pixel coordinates → network input pixel coordinates. */
  transform: Affine;
  /** Side of the padded square, max(width, height). */
  paddedSide: number;
  /** Where the original's top-left pixel sits in the padded square (whole pixels). */
  offset: { x: number; y: number };
}

/**
 * Pad-to-square and resize as one transform. The image is centred in a square of side
 * L = max(width, height) (whole-pixel offsets, the extra pixel of an odd difference going to the
 * right/bottom), which is then scaled by N/L with pixel edges aligned: the square's outer edge
 * [−½, L − ½] maps onto the input's [−½, N − ½]. The aspect ratio is kept because one scale is used
 * for both axes.
 * @param inputSize - N, the network input side
 */
export function automatedGeometry(width: number, height: number, inputSize: number): AutomatedGeometry {
  const side = Math.max(width, height);
  const ox = Math.floor((side - width) / 2);
  const oy = Math.floor((side - height) / 2);
  const s = inputSize / side;
  // x_in = (x + ox + ½)·N/L − ½
  const transform = compose(translate(-0.5, -0.5), scale(s), translate(ox + 0.5, oy + 0.5));
  return { transform, paddedSide: side, offset: { x: ox, y: oy } };
}
