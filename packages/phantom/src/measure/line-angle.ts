/**
 * Measures the fracture line's obliquity from the pixels, as a reader would: among lines through the
 * fracture centre at angle θ from the perpendicular to the shaft, the fracture line is the one whose
 * parallel-offset profile P(d) (mean grey value along the line at offset d, inside the shaft only) has
 * the sharpest feature near d = 0 — the step where the fragment ends, a dark gap or a bright overlap:
 * score(θ) = max over |d| ≤ dMax of max(|P(d + w) − P(d − w)|, 2·|P(d) − ½(P(d − w) + P(d + w))|).
 * A misaligned line averages the feature away. Lines steeper than `maxAngle` run along the cortices
 * and are not tried. Only the lateral part of the shaft is used (across ∈ [−0.2, 0.7] radii): the ASBMR
 * definition judges the line where it starts, at the lateral cortex; a medial spike may turn oblique.
 */
import type { Point } from '@affnet/core';
import { sampleAt, type GreyImage } from './sample.js';

export interface LineFrame {
  /** Fracture centre, px. */
  centre: Point;
  /** Unit vectors along the shaft and across it, image coordinates. */
  along: Point;
  across: Point;
  /** Shaft radius in px. */
  radius: number;
}

export interface AngleMeasurement {
  /** Degrees from the perpendicular to the shaft, signed (positive: the line descends towards +across). */
  angle: number;
  /** The feature's contrast at that angle, in grey values. */
  score: number;
}

export function measureLineAngle(img: GreyImage, f: LineFrame, options: { maxAngle?: number; step?: number } = {}): AngleMeasurement {
  const maxAngle = options.maxAngle ?? 78;
  const step = options.step ?? 1;
  const reach = 0.7 * f.radius;
  const dMax = Math.max(3, 0.35 * f.radius);
  const w = Math.max(2, 0.12 * f.radius);
  const dStep = Math.max(0.5, f.radius / 40);
  let best: AngleMeasurement = { angle: 0, score: -Infinity };
  for (let a = -maxAngle; a <= maxAngle; a += step) {
    const t = (a * Math.PI) / 180;
    // line direction: across rotated towards along by θ; its normal
    const ex = f.across.x * Math.cos(t) + f.along.x * Math.sin(t);
    const ey = f.across.y * Math.cos(t) + f.along.y * Math.sin(t);
    const nx = -f.across.x * Math.sin(t) + f.along.x * Math.cos(t);
    const ny = -f.across.y * Math.sin(t) + f.along.y * Math.cos(t);
    // the line crosses the shaft (|across coordinate| ≤ reach) over |u| ≤ reach / cos θ
    const half = reach / Math.cos(t);
    const inner = -0.2 * f.radius;
    const profile = (d: number) => {
      let sum = 0;
      let n = 0;
      for (let u = -half; u <= half; u += 1) {
        const x = f.centre.x + nx * d + ex * u;
        const y = f.centre.y + ny * d + ey * u;
        // keep the samples inside the shaft band
        const c = (x - f.centre.x) * f.across.x + (y - f.centre.y) * f.across.y;
        if (c > reach || c < inner) continue;
        const v = sampleAt(img, x, y);
        if (Number.isNaN(v)) continue;
        sum += v;
        n++;
      }
      return n > 0 ? sum / n : Number.NaN;
    };
    for (let d = -dMax; d <= dMax; d += dStep) {
      const lo = profile(d - w);
      const hi = profile(d + w);
      const s = Math.max(Math.abs(hi - lo), 2 * Math.abs(profile(d) - 0.5 * (lo + hi)));
      if (s > best.score) best = { angle: a, score: s };
    }
  }
  return best;
}
