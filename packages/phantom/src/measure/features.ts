/**
 * The two cues a reader uses, measured from one radiograph's pixels with the ground truth telling
 * where to look: the fracture line's obliquity and the lateral cortex next to the line compared with
 * the same cortex further away (beaking). Used by the tests and the difficulty study.
 */
import { outerRadius } from '../anatomy/femur.js';
import type { GroundTruth } from '../truth/ground-truth.js';
import { measureCortex, type CortexSample } from './cortex.js';
import { measureLineAngle } from './line-angle.js';
import type { GreyImage } from './sample.js';

export interface MeasuredFeatures {
  /** |measured obliquity|, degrees from the perpendicular to the shaft. */
  angle: number;
  /** Periosteal edge 5–8 mm from the line minus at 35–50 mm, mm (beak height as seen). */
  beak: number;
  /** Cortical thickness 5–8 mm from the line minus at 35–50 mm, mm. */
  thickening: number;
  /** Cortical thickness 35–50 mm from the line, mm. */
  cortex: number;
  profile: CortexSample[];
}

export function measureFeatures(img: GreyImage, truth: GroundTruth): MeasuredFeatures {
  const { along, across, pxPerMm } = truth.frame;
  const radiusMm = outerRadius(truth.parameters.femur, truth.parameters.fracture.site);
  const centre = truth.fracture.centre;
  const { angle } = measureLineAngle(img, { centre, along, across, radius: radiusMm * pxPerMm });
  const line = truth.fracture.line.proximal;
  const profile = measureCortex(img, { origin: line[line.length - 1]!, centre, along, across, pxPerMm, radius: radiusMm });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const near = profile.filter((p) => p.offset >= -8);
  const far = profile.filter((p) => p.offset <= -35);
  return {
    angle: Math.abs(angle),
    beak: mean(near.map((p) => p.outer)) - mean(far.map((p) => p.outer)),
    thickening: mean(near.map((p) => p.thickness)) - mean(far.map((p) => p.thickness)),
    cortex: mean(far.map((p) => p.thickness)),
    profile,
  };
}
