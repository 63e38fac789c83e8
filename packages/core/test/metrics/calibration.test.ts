import { describe, expect, it } from 'vitest';
import { aggregateByPatient, calibrationCurve, expectedCalibrationError, meanSd, type MetricWarning } from '../../src/metrics/index.js';

const collect = () => {
  const warnings: MetricWarning[] = [];
  return { warnings, onWarning: (w: MetricWarning) => warnings.push(w) };
};

describe('expected calibration error (equal-width bins)', () => {
  it.each<[string, number[], number[], number | undefined, number]>([
    // 0.25 ×4 with 1 positive, 0.75 ×4 with 3 positives: every bin's frequency equals its mean probability.
    ['perfectly calibrated toy', [0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75], [1, 0, 0, 0, 1, 1, 1, 0], undefined, 0],
    // bin [0.9, 1]: mean 0.9, frequency 0.5 → ½·0.4; bin [0.1, 0.2): mean 0.1, frequency 0 → ½·0.1
    ['over-confident toy', [0.9, 0.9, 0.1, 0.1], [0, 1, 0, 0], undefined, 0.25],
    // 2 bins: [0, 0.5): 0.2 (freq 0) → ⅓·0.2; [0.5, 1]: 0.5 and 1.0 (mean 0.75, freq 1) → ⅔·0.25
    ['probability 1 falls in the last bin', [0.2, 0.5, 1.0], [0, 1, 1], 2, 7 / 30],
  ])('%s: ECE = %d', (_name, probs, targets, bins, ece) => {
    expect(expectedCalibrationError(targets, probs, bins === undefined ? {} : { bins })).toBeCloseTo(ece, 12);
  });

  it('reliability points are the non-empty bins', () => {
    expect(calibrationCurve([0, 1, 0, 0], [0.9, 0.9, 0.1, 0.1])).toEqual([
      { lower: 0.1, upper: 0.2, count: 2, meanPredicted: 0.1, fractionPositive: 0 },
      { lower: 0.9, upper: 1, count: 2, meanPredicted: 0.9, fractionPositive: 0.5 },
    ]);
  });

  it('needs probabilities in [0, 1] and a bin count ≥ 1', () => {
    expect(() => expectedCalibrationError([0, 1], [0.5, 1.2])).toThrow('scores[1]: 1.2 is not a probability in [0, 1]');
    expect(() => expectedCalibrationError([0, 1], [0.5, 0.2], { bins: 0 })).toThrow('bins: expected an integer ≥ 1, got 0');
  });

  it('no cases: NaN and a warning', () => {
    const w = collect();
    expect(expectedCalibrationError([], [], w)).toBeNaN();
    expect(w.warnings.map((x) => x.metric)).toEqual(['expectedCalibrationError']);
  });
});

describe('meanSd (sample SD, n − 1)', () => {
  it.each<[number[], number, number, number, number, number]>([
    // values, mean, sd, n, skipped, warnings
    [[0.8, 0.9, 1.0], 0.9, 0.1, 3, 0, 0],
    [[2, 4, 4, 4, 5, 5, 7, 9], 5, Math.sqrt(32 / 7), 8, 0, 0],
    [[0.8, Number.NaN, 1.0], 0.9, Math.sqrt(0.02), 2, 1, 1],
  ])('%j → %d ± %d', (values, mean, sd, n, skipped, warnings) => {
    const w = collect();
    const r = meanSd(values, w);
    expect(r.mean).toBeCloseTo(mean, 12);
    expect(r.sd).toBeCloseTo(sd, 12);
    expect([r.n, r.skipped, w.warnings.length]).toEqual([n, skipped, warnings]);
  });

  it('one value: the SD is NaN, with a warning', () => {
    const w = collect();
    expect(meanSd([0.7], w)).toEqual({ mean: 0.7, sd: Number.NaN, n: 1, skipped: 0 });
    expect(w.warnings).toEqual([{ metric: 'meanSd', message: 'one value; the SD is undefined (NaN)' }]);
  });
});

describe('aggregateByPatient', () => {
  it('mean probability per patient; positive when any image is', () => {
    const w = collect();
    const r = aggregateByPatient(['a', 'a', 'b', 'c', 'c'], [1, 1, 0, 0, 1], [0.8, 0.6, 0.2, 0.4, 0.5], w);
    expect(r.patientIds).toEqual(['a', 'b', 'c']);
    expect([...r.targets]).toEqual([1, 0, 1]);
    expect([...r.scores].map((s) => Number(s.toFixed(12)))).toEqual([0.7, 0.2, 0.45]);
    expect([...r.imageCounts]).toEqual([2, 1, 2]);
    expect(r.mixed).toBe(1);
    expect(w.warnings).toEqual([{ metric: 'aggregateByPatient', message: '1 patients have images of both classes; they count as positive' }]);
  });

  it('needs one patient id per target', () => {
    expect(() => aggregateByPatient(['a'], [1, 0], [0.1, 0.2])).toThrow('patientIds: expected 2 ids (one per target), got 1');
  });
});
