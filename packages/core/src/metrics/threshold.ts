/**
 * Choosing an operating threshold from scores: Youden's J (Youden, Cancer 3:32, 1950) or the
 * highest threshold that reaches a required sensitivity (e.g. a screening target). Candidates are
 * the observed scores; an image is called positive when its score is ≥ the threshold.
 */
import { AffnetError } from '../errors.js';
import type { Scores, Targets } from './inputs.js';
import { rocCurve } from './roc.js';
import type { MetricOptions } from './warnings.js';

export interface OperatingPoint {
  threshold: number;
  sensitivity: number;
  specificity: number;
}

const NO_POINT: OperatingPoint = { threshold: Number.NaN, sensitivity: Number.NaN, specificity: Number.NaN };

/**
 * The threshold maximising J = sensitivity + specificity − 1; on a tie, the highest such threshold
 * (fewest positive calls). NaN fields with a warning when one class is absent.
 */
export function youdenThreshold(targets: Targets, scores: Scores, options?: MetricOptions): OperatingPoint & { j: number } {
  const points = rocCurve(targets, scores, options).slice(1); // drop the +Infinity point
  if (points.length === 0) return { ...NO_POINT, j: Number.NaN };
  let best = points[0]!;
  for (const p of points) if (p.tpr - p.fpr > best.tpr - best.fpr) best = p;
  return { threshold: best.threshold, sensitivity: best.tpr, specificity: 1 - best.fpr, j: best.tpr - best.fpr };
}

/**
 * The highest threshold whose sensitivity is ≥ `target` (so the best specificity at that
 * sensitivity), with the sensitivity and specificity it reaches.
 * @param target - required sensitivity, 0 < target ≤ 1
 */
export function thresholdForSensitivity(targets: Targets, scores: Scores, target: number, options?: MetricOptions): OperatingPoint {
  if (!(target > 0 && target <= 1)) throw new AffnetError('E_OPTION_INVALID', `sensitivity target: expected 0 < target ≤ 1, got ${target}`);
  const points = rocCurve(targets, scores, options).slice(1);
  // The last point has tpr 1, so some point always reaches the target; a tiny tolerance absorbs k/P rounding.
  const p = points.find((q) => q.tpr >= target - 1e-12);
  if (!p) return NO_POINT;
  return { threshold: p.threshold, sensitivity: p.tpr, specificity: 1 - p.fpr };
}
