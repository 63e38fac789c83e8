/**
 * Confusion matrix at a threshold and the rates derived from it. An image is called positive when
 * its score is ≥ the threshold (the same convention as the ROC points' thresholds).
 */
import { checkBinary, type Scores, type Targets } from './inputs.js';
import { ratio, type MetricOptions } from './warnings.js';

export interface ConfusionMatrix {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  threshold: number;
}

/** @param threshold - score at or above which an image is called positive. @defaultValue 0.5 */
export function confusionMatrix(targets: Targets, scores: Scores, threshold = 0.5): ConfusionMatrix {
  checkBinary(targets, scores);
  const cm: ConfusionMatrix = { tp: 0, fp: 0, tn: 0, fn: 0, threshold };
  for (let i = 0; i < targets.length; i++) {
    const called = scores[i]! >= threshold;
    if (targets[i] === 1) called ? cm.tp++ : cm.fn++;
    else called ? cm.fp++ : cm.tn++;
  }
  return cm;
}

/** (TP + TN) / all. */
export function accuracy(cm: ConfusionMatrix, options?: MetricOptions): number {
  return ratio(cm.tp + cm.tn, cm.tp + cm.tn + cm.fp + cm.fn, 'accuracy', 'no cases', options);
}

/** Sensitivity (recall, true-positive rate): TP / (TP + FN). */
export function sensitivity(cm: ConfusionMatrix, options?: MetricOptions): number {
  return ratio(cm.tp, cm.tp + cm.fn, 'sensitivity', 'no positive cases', options);
}

/** Specificity (true-negative rate): TN / (TN + FP). */
export function specificity(cm: ConfusionMatrix, options?: MetricOptions): number {
  return ratio(cm.tn, cm.tn + cm.fp, 'specificity', 'no negative cases', options);
}

/** Precision (positive predictive value): TP / (TP + FP). */
export function precision(cm: ConfusionMatrix, options?: MetricOptions): number {
  return ratio(cm.tp, cm.tp + cm.fp, 'precision', 'no case called positive', options);
}

/** F1 = 2·TP / (2·TP + FP + FN), the harmonic mean of precision and sensitivity. */
export function f1(cm: ConfusionMatrix, options?: MetricOptions): number {
  return ratio(2 * cm.tp, 2 * cm.tp + cm.fp + cm.fn, 'f1', 'no positive case and none called positive', options);
}
