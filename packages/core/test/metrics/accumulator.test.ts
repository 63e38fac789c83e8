import { describe, expect, it } from 'vitest';
import { binaryMetrics, FoldMetricsAccumulator, type MetricWarning } from '../../src/metrics/index.js';

// Fold 0: AUC 0.75 (the brief's example); at 0.5 TP 1 (0.8), FN 1 (0.35), TN 2, FP 0.
//   ECE: bins 1 (0.1, freq 0), 3 (0.35, freq 1), 4 (0.4, freq 0), 8 (0.8, freq 1) → ¼(0.1 + 0.65 + 0.4 + 0.2) = 0.3375
// Fold 1: positives 0.9, 0.7 above negatives 0.2, 0.6 → AUC 1; at 0.5 TP 2, FP 1 (0.6), TN 1, FN 0.
const fold0 = { t: [0, 0, 1, 1], s: [0.1, 0.4, 0.35, 0.8] };
const fold1 = { t: [0, 1, 0, 1], s: [0.2, 0.9, 0.6, 0.7] };

describe('binaryMetrics', () => {
  it('computes every metric of one fold', () => {
    const m = binaryMetrics(fold0.t, fold0.s);
    expect(m.confusion).toEqual({ tp: 1, fp: 0, tn: 2, fn: 1, threshold: 0.5 });
    expect([m.cases, m.positives, m.auc, m.accuracy, m.sensitivity, m.specificity, m.precision]).toEqual([4, 2, 0.75, 0.75, 0.5, 1, 1]);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    expect(m.ece).toBeCloseTo(0.3375, 12);
  });
});

describe('FoldMetricsAccumulator', () => {
  it('per fold, mean ± sample SD across folds, and pooled', () => {
    const acc = new FoldMetricsAccumulator().append(fold0.t, fold0.s).append(fold1.t, fold1.s);
    const r = acc.aggregate();
    expect(r.folds.map((f) => [f.fold, f.metrics.auc, f.metrics.sensitivity, f.metrics.specificity])).toEqual([
      [0, 0.75, 0.5, 1],
      [1, 1, 1, 0.5],
    ]);
    expect(r.mean.auc.mean).toBeCloseTo(0.875, 12);
    expect(r.mean.auc.sd).toBeCloseTo(Math.SQRT2 * 0.125, 12); // √((0.125² + 0.125²) / 1)
    expect([r.mean.accuracy.mean, r.mean.accuracy.sd, r.mean.accuracy.n]).toEqual([0.75, 0, 2]);
    expect(r.mean.f1.mean).toBeCloseTo((2 / 3 + 0.8) / 2, 12);
    // Pooled: positives .35 .8 .9 .7 vs negatives .1 .4 .2 .6 → 2 + 4 + 4 + 4 of 16 pairs.
    expect(r.pooled.auc).toBeCloseTo(14 / 16, 12);
    expect(r.pooled.confusion).toEqual({ tp: 3, fp: 1, tn: 3, fn: 1, threshold: 0.5 });
    expect(r.calibration.reduce((n, b) => n + b.count, 0)).toBe(8);
  });

  it('a fold with one class gives NaN with warnings that name the fold; the mean leaves it out', () => {
    const warnings: MetricWarning[] = [];
    const acc = new FoldMetricsAccumulator({ onWarning: (w) => warnings.push(w) });
    acc.append(fold0.t, fold0.s, 'a').append(fold1.t, fold1.s, 'b').append([0, 0], [0.1, 0.7], 'c');
    const r = acc.aggregate();
    expect(r.folds[2]!.metrics.auc).toBeNaN();
    expect(r.folds[2]!.metrics.specificity).toBe(0.5);
    expect(warnings.filter((w) => w.fold === 'c').map((w) => w.metric)).toEqual(['rocAuc', 'sensitivity']);
    expect([r.mean.auc.n, r.mean.auc.skipped]).toEqual([2, 1]);
    expect(r.mean.auc.mean).toBeCloseTo(0.875, 12);
    expect(warnings.some((w) => w.metric === 'auc' && w.message === '1 of 3 values are NaN and left out of mean ± SD')).toBe(true);
  });

  it('reset empties it; a fold must hold probabilities', () => {
    const acc = new FoldMetricsAccumulator().append(fold0.t, fold0.s);
    acc.reset();
    expect(acc.size).toBe(0);
    expect(() => acc.append([0, 1], [0.2, 1.5])).toThrow('scores[1]: 1.5 is not a probability in [0, 1]');
  });

  it('a custom threshold applies to every fold', () => {
    const r = new FoldMetricsAccumulator({ threshold: 0.35 }).append(fold0.t, fold0.s).aggregate();
    expect(r.folds[0]!.metrics.confusion).toEqual({ tp: 2, fp: 1, tn: 1, fn: 0, threshold: 0.35 });
  });
});
