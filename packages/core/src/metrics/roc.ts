/**
 * ROC curve and the area under it. Tied scores are one threshold: a tie between a positive and a
 * negative case counts half, which makes the trapezoid area equal the Mann–Whitney U statistic
 * divided by P·N (Hanley & McNeil, Radiology 143:29, 1982).
 */
import { checkBinary, countPositives, type Scores, type Targets } from './inputs.js';
import { warn, type MetricOptions } from './warnings.js';

export interface RocPoint {
  /** Images with score ≥ threshold are called positive (+Infinity for the first point, (0, 0)). */
  threshold: number;
  /** False-positive rate, 1 − specificity. */
  fpr: number;
  /** True-positive rate, sensitivity. */
  tpr: number;
}

/**
 * ROC points from (0, 0) to (1, 1), one per distinct score in descending order. A set with one
 * class has no ROC curve: returns [] with a warning.
 */
export function rocCurve(targets: Targets, scores: Scores, options?: MetricOptions): RocPoint[] {
  checkBinary(targets, scores);
  const p = countPositives(targets);
  const n = targets.length - p;
  if (p === 0 || n === 0) {
    warn(options, 'rocCurve', `undefined with ${p === 0 ? 'no positive' : 'no negative'} cases; returning no points`);
    return [];
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const points: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (targets[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) points.push({ threshold: scores[i]!, fpr: fp / n, tpr: tp / p });
  }
  return points;
}

/** 1-based ranks in ascending order, tied values sharing the mean of their ranks. */
export function midranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 … end
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Area under the ROC curve = P(score of a positive > score of a negative) + ½·P(tie), by the
 * Mann–Whitney statistic on midranks. NaN with a warning when one class is absent.
 */
export function rocAuc(targets: Targets, scores: Scores, options?: MetricOptions): number {
  checkBinary(targets, scores);
  const p = countPositives(targets);
  const n = targets.length - p;
  if (p === 0 || n === 0) {
    warn(options, 'rocAuc', `undefined with ${p === 0 ? 'no positive' : 'no negative'} cases; returning NaN`);
    return Number.NaN;
  }
  const ranks = midranks(scores);
  let sum = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] === 1) sum += ranks[i]!;
  return (sum - (p * (p + 1)) / 2) / (p * n);
}

/** Trapezoid area under ROC points (equals {@link rocAuc} on the same data; used to check it). */
export function trapezoidArea(points: readonly RocPoint[]): number {
  let area = 0;
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1]!;
    const b = points[k]!;
    area += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
  }
  return points.length > 1 ? area : Number.NaN;
}
