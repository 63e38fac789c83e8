/**
 * Calibration of the positive class's probability: reliability-curve points and the expected
 * calibration error over equal-width bins (Naeini, Cooper & Hauskrecht, AAAI 2015; the same
 * binning as scikit-learn's `calibration_curve`). For a binary model this compares the mean
 * predicted probability of each bin with the fraction of positive cases in it (Guo et al. 2017
 * instead bin the predicted class's confidence; the two differ for probabilities below 0.5).
 */
import { AffnetError } from '../errors.js';
import { checkBinary, type Scores, type Targets } from './inputs.js';
import { warn, type MetricOptions } from './warnings.js';

export interface CalibrationBin {
  /** Bin edges: [lower, upper), the last bin closed at 1. */
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability in the bin (x of a reliability plot). */
  meanPredicted: number;
  /** Fraction of positive cases in the bin (y of a reliability plot). */
  fractionPositive: number;
}

export interface CalibrationOptions extends MetricOptions {
  /** Number of equal-width bins on [0, 1]. @defaultValue 10 */
  bins?: number;
}

/** Reliability-curve points: the non-empty bins, in increasing order. */
export function calibrationCurve(targets: Targets, probabilities: Scores, options: CalibrationOptions = {}): CalibrationBin[] {
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 1) throw new AffnetError('E_OPTION_INVALID', `bins: expected an integer ≥ 1, got ${bins}`);
  checkBinary(targets, probabilities, true);
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const positives = new Array<number>(bins).fill(0);
  for (let i = 0; i < targets.length; i++) {
    const b = Math.min(bins - 1, Math.floor(probabilities[i]! * bins));
    count[b]!++;
    sumP[b]! += probabilities[i]!;
    positives[b]! += targets[i]!;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    const n = count[b]!;
    out.push({ lower: b / bins, upper: (b + 1) / bins, count: n, meanPredicted: sumP[b]! / n, fractionPositive: positives[b]! / n });
  }
  return out;
}

/** ECE = Σ_bins (n_b / N)·|fraction positive_b − mean predicted_b|; NaN with a warning when there are no cases. */
export function expectedCalibrationError(targets: Targets, probabilities: Scores, options: CalibrationOptions = {}): number {
  const curve = calibrationCurve(targets, probabilities, options);
  if (targets.length === 0) {
    warn(options, 'expectedCalibrationError', 'undefined with no cases; returning NaN');
    return Number.NaN;
  }
  let ece = 0;
  for (const b of curve) ece += (b.count / targets.length) * Math.abs(b.fractionPositive - b.meanPredicted);
  return ece;
}
