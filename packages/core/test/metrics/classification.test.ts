import { describe, expect, it } from 'vitest';
import {
  accuracy,
  confusionMatrix,
  f1,
  precision,
  rocAuc,
  rocCurve,
  sensitivity,
  specificity,
  thresholdForSensitivity,
  trapezoidArea,
  youdenThreshold,
  type MetricWarning,
} from '../../src/metrics/index.js';

const collect = () => {
  const warnings: MetricWarning[] = [];
  return { warnings, onWarning: (w: MetricWarning) => warnings.push(w) };
};

describe('rocAuc', () => {
  it.each<[string, number[], number[], number]>([
    ['the brief example', [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.75],
    ['perfect', [0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1], 1],
    ['reversed', [0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1], 0],
    ['all tied: every pair counts half', [0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1], 0.5],
    // pairs (pos, neg): (0.6, 0.2) 1, (0.6, 0.6) ½, (0.9, 0.2) 1, (0.9, 0.6) 1 → 3.5 / 4
    ['one positive–negative tie', [0.2, 0.6, 0.6, 0.9], [0, 0, 1, 1], 0.875],
    // positives 0.3, 0.7, 0.7; negatives 0.3, 0.5: (0.3,0.3) ½, (0.3,0.5) 0, 0.7 × 2 negatives × 2 → 4.5 / 6
    ['ties among positives and across', [0.3, 0.7, 0.7, 0.3, 0.5], [1, 1, 1, 0, 0], 0.75],
  ])('%s: %j vs %j = %d', (_name, scores, targets, auc) => {
    expect(rocAuc(targets, scores)).toBeCloseTo(auc, 12);
    expect(trapezoidArea(rocCurve(targets, scores))).toBeCloseTo(auc, 12);
  });

  it.each<[string, number[], string]>([
    ['no positive', [0, 0, 0], 'undefined with no positive cases; returning NaN'],
    ['no negative', [1, 1], 'undefined with no negative cases; returning NaN'],
    ['no cases', [], 'undefined with no positive cases; returning NaN'],
  ])('%s: NaN and a warning', (_name, targets, message) => {
    const w = collect();
    expect(
      rocAuc(
        targets,
        targets.map(() => 0.5),
        w,
      ),
    ).toBeNaN();
    expect(w.warnings).toEqual([{ metric: 'rocAuc', message }]);
  });

  it.each<[string, unknown[], unknown[], string]>([
    ['a label other than 0/1', [0, 2], [0.1, 0.2], 'targets[1]: expected 0 or 1, got 2'],
    ['a NaN score', [0, 1], [0.1, Number.NaN], 'scores[1]: NaN is not a finite number'],
    ['lengths differ', [0, 1], [0.1], 'scores: expected 2 values (one per target), got 1'],
  ])('%s is an error, not a NaN', (_name, targets, scores, message) => {
    expect(() => rocAuc(targets as number[], scores as number[])).toThrow(message);
  });
});

describe('rocCurve', () => {
  it('one point per distinct score, from (0,0) to (1,1)', () => {
    expect(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toEqual([
      { threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 },
      { threshold: 0.8, fpr: 0, tpr: 0.5 },
      { threshold: 0.4, fpr: 0.5, tpr: 0.5 },
      { threshold: 0.35, fpr: 0.5, tpr: 1 },
      { threshold: 0.1, fpr: 1, tpr: 1 },
    ]);
  });

  it('tied scores are one point (a diagonal step)', () => {
    expect(rocCurve([0, 0, 1, 1], [0.2, 0.6, 0.6, 0.9])).toEqual([
      { threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 },
      { threshold: 0.9, fpr: 0, tpr: 0.5 },
      { threshold: 0.6, fpr: 0.5, tpr: 1 },
      { threshold: 0.2, fpr: 1, tpr: 1 },
    ]);
  });

  it('one class: no points and a warning', () => {
    const w = collect();
    expect(rocCurve([1, 1], [0.2, 0.3], w)).toEqual([]);
    expect(w.warnings.map((x) => x.metric)).toEqual(['rocCurve']);
  });
});

// scores 0.1 0.3 0.45 0.6 0.7 0.9 with targets 0 0 1 1 0 1. At 0.5: called positive 0.6 (1), 0.7 (0),
// 0.9 (1) → TP 2, FP 1; called negative 0.1 (0), 0.3 (0), 0.45 (1) → TN 2, FN 1.
const scores = [0.1, 0.3, 0.45, 0.6, 0.7, 0.9];
const targets = [0, 0, 1, 1, 0, 1];

describe('confusion matrix and rates', () => {
  it('counts at 0.5; a score equal to the threshold is called positive', () => {
    expect(confusionMatrix(targets, scores)).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1, threshold: 0.5 });
    expect(confusionMatrix(targets, scores, 0.45)).toEqual({ tp: 3, fp: 1, tn: 2, fn: 0, threshold: 0.45 });
  });

  it.each<[string, (cm: ReturnType<typeof confusionMatrix>) => number, number]>([
    ['accuracy', accuracy, 4 / 6],
    ['sensitivity', sensitivity, 2 / 3],
    ['specificity', specificity, 2 / 3],
    ['precision', precision, 2 / 3],
    ['f1', f1, 4 / 6], // 2·2 / (2·2 + 1 + 1)
  ])('%s = %d', (_name, fn, value) => {
    expect(fn(confusionMatrix(targets, scores))).toBeCloseTo(value, 12);
  });

  it.each<[string, (cm: ReturnType<typeof confusionMatrix>, o: ReturnType<typeof collect>) => number, string]>([
    ['sensitivity', sensitivity, 'undefined (no positive cases); returning NaN'],
    ['precision', precision, 'undefined (no case called positive); returning NaN'],
    ['f1', f1, 'undefined (no positive case and none called positive); returning NaN'],
  ])('%s of a fold with only negatives, none called positive: NaN and a warning', (name, fn, message) => {
    const w = collect();
    expect(fn(confusionMatrix([0, 0], [0.1, 0.2]), w)).toBeNaN();
    expect(w.warnings).toEqual([{ metric: name, message }]);
  });
});

describe('threshold choice', () => {
  // ROC (threshold: tpr, fpr): 0.9: 1/3, 0 · 0.7: 1/3, 1/3 · 0.6: 2/3, 1/3 · 0.45: 1, 1/3 · 0.3: 1, 2/3 · 0.1: 1, 1
  it('Youden: the maximum of J = tpr − fpr is at 0.45 (J = 2/3)', () => {
    const y = youdenThreshold(targets, scores);
    expect(y.threshold).toBe(0.45);
    expect(y.sensitivity).toBe(1);
    expect(y.specificity).toBeCloseTo(2 / 3, 12);
    expect(y.j).toBeCloseTo(2 / 3, 12);
  });

  it('Youden tie: the highest threshold wins', () => {
    // [0.1,0.4,0.35,0.8] vs [0,0,1,1]: J = 0.5 at 0.8 and at 0.35
    expect(youdenThreshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toEqual({ threshold: 0.8, sensitivity: 0.5, specificity: 1, j: 0.5 });
  });

  it.each<[number, number, number, number]>([
    // target, threshold, sensitivity reached, specificity there
    [0.3, 0.9, 1 / 3, 1],
    [0.6, 0.6, 2 / 3, 2 / 3],
    [2 / 3, 0.6, 2 / 3, 2 / 3],
    [0.9, 0.45, 1, 2 / 3],
    [1, 0.45, 1, 2 / 3],
  ])('sensitivity ≥ %d: threshold %d (sensitivity %d, specificity %d)', (target, threshold, sens, spec) => {
    const p = thresholdForSensitivity(targets, scores, target);
    expect(p.threshold).toBe(threshold);
    expect(p.sensitivity).toBeCloseTo(sens, 12);
    expect(p.specificity).toBeCloseTo(spec, 12);
  });

  it('one class gives NaN fields with a warning; a target outside (0, 1] is an error', () => {
    const w = collect();
    expect(youdenThreshold([1, 1], [0.2, 0.3], w).threshold).toBeNaN();
    expect(w.warnings).toHaveLength(1);
    expect(() => thresholdForSensitivity(targets, scores, 0)).toThrow('sensitivity target: expected 0 < target ≤ 1, got 0');
  });
});
