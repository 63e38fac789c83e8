/**
 * Percentile bootstrap confidence intervals (Efron & Tibshirani, An Introduction to the Bootstrap,
 * 1993, ch. 13). When patient ids are given the resampling unit is the patient (all of a patient's
 * images are drawn together), since images of one patient are not independent. Resamples where the
 * metric is undefined (e.g. one class only) are dropped and counted.
 */
import { AffnetError } from '../errors.js';
import { randomIndex, randomSource, type RandomOptions } from '../data/random.js';
import { checkBinary, type Scores, type Targets } from './inputs.js';
import { SILENT, warn, type MetricOptions } from './warnings.js';

/** A metric of targets and scores, e.g. `rocAuc`. It receives silent options during resampling. */
export type BinaryMetric = (targets: Uint8Array, scores: Float64Array, options?: MetricOptions) => number;

export interface BootstrapOptions extends MetricOptions, RandomOptions {
  /** Number of resamples. @defaultValue 2000 */
  samples?: number;
  /** Coverage of the interval. @defaultValue 0.95 */
  confidence?: number;
  /** Patient id per item: resample patients instead of images. */
  groups?: ArrayLike<string>;
}

export interface ConfidenceInterval {
  /** The metric on all the data. */
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
  /** Resamples drawn, and those where the metric was defined. */
  samples: number;
  valid: number;
  /** 'patient' when whole patients were resampled. */
  unit: 'patient' | 'image';
}

/**
 * Quantile by linear interpolation between order statistics (Hyndman & Fan type 7, the default
 * of R and NumPy). `sorted` must be ascending.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Item indices of each resampling unit (a patient, or each image alone). @internal */
export function resamplingUnits(n: number, groups?: ArrayLike<string>): number[][] {
  if (!groups) return Array.from({ length: n }, (_, i) => [i]);
  if (groups.length !== n) throw new AffnetError('E_OPTION_INVALID', `groups: expected ${n} patient ids (one per target), got ${groups.length}`);
  const byId = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byId.get(groups[i]!);
    if (list) list.push(i);
    else byId.set(groups[i]!, [i]);
  }
  return [...byId.values()];
}

/** Draws one resample: as many units as there are, with replacement. @internal */
export function drawResample(units: number[][], rng: { next(): number }): number[] {
  const picked: number[] = [];
  for (let u = 0; u < units.length; u++) picked.push(...units[randomIndex(rng, units.length)]!);
  return picked;
}

export function checkBootstrapOptions(options: BootstrapOptions): { samples: number; confidence: number } {
  const samples = options.samples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(samples) || samples < 1) throw new AffnetError('E_OPTION_INVALID', `samples: expected an integer ≥ 1, got ${samples}`);
  if (!(confidence > 0 && confidence < 1)) throw new AffnetError('E_OPTION_INVALID', `confidence: expected 0 < confidence < 1, got ${confidence}`);
  return { samples, confidence };
}

/** Percentile bootstrap CI of `metric` (seeded: one seed, one interval). */
export function bootstrapCi(targets: Targets, scores: Scores, metric: BinaryMetric, options: BootstrapOptions = {}): ConfidenceInterval {
  checkBinary(targets, scores);
  const { samples, confidence } = checkBootstrapOptions(options);
  const rng = randomSource(options);
  const t = Uint8Array.from(targets);
  const s = Float64Array.from(scores);
  const units = resamplingUnits(t.length, options.groups);
  const values: number[] = [];
  for (let b = 0; b < samples; b++) {
    const idx = drawResample(units, rng);
    const v = metric(
      Uint8Array.from(idx, (i) => t[i]!),
      Float64Array.from(idx, (i) => s[i]!),
      SILENT,
    );
    if (Number.isFinite(v)) values.push(v);
  }
  return summarise(metric(t, s, options), values, samples, confidence, options.groups ? 'patient' : 'image', 'bootstrapCi', options);
}

/** @internal */
export function summarise(estimate: number, values: number[], samples: number, confidence: number, unit: 'patient' | 'image', metric: string, options: MetricOptions): ConfidenceInterval {
  if (values.length < samples / 2) {
    warn(options, metric, `only ${values.length} of ${samples} resamples gave a defined value (too few cases of one class?)`);
  }
  values.sort((a, b) => a - b);
  const alpha = (1 - confidence) / 2;
  return { estimate, lower: quantile(values, alpha), upper: quantile(values, 1 - alpha), confidence, samples, valid: values.length, unit };
}
