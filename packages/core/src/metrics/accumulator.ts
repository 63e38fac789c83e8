/**
 * All binary metrics at once, and an accumulator across cross-validation folds (as MONAI's
 * cumulative metrics): append each fold's targets and scores, then get per-fold values, mean ± SD
 * across folds and the pooled values over all folds' cases.
 */
import { calibrationCurve, expectedCalibrationError } from './calibration.js';
import { accuracy, confusionMatrix, f1, precision, sensitivity, specificity, type ConfusionMatrix } from './confusion.js';
import { checkBinary, countPositives, type Scores, type Targets } from './inputs.js';
import { rocAuc } from './roc.js';
import { meanSd, type MeanSd } from './summary.js';
import type { MetricOptions, MetricWarning } from './warnings.js';

export interface BinaryMetrics {
  cases: number;
  positives: number;
  confusion: ConfusionMatrix;
  auc: number;
  accuracy: number;
  sensitivity: number;
  specificity: number;
  precision: number;
  f1: number;
  /** Expected calibration error (equal-width bins). */
  ece: number;
}

/** The numeric metrics averaged across folds. */
export const FOLD_METRICS = ['auc', 'accuracy', 'sensitivity', 'specificity', 'precision', 'f1', 'ece'] as const;
export type FoldMetricName = (typeof FOLD_METRICS)[number];

export interface BinaryMetricsOptions extends MetricOptions {
  /** Score at or above which an image is called positive. @defaultValue 0.5 */
  threshold?: number;
  /** Calibration bins. @defaultValue 10 */
  bins?: number;
}

/** Every metric of one set of cases; scores must be probabilities in [0, 1]. */
export function binaryMetrics(targets: Targets, scores: Scores, options: BinaryMetricsOptions = {}): BinaryMetrics {
  checkBinary(targets, scores, true);
  const cm = confusionMatrix(targets, scores, options.threshold ?? 0.5);
  const bins = options.bins ?? 10;
  return {
    cases: targets.length,
    positives: countPositives(targets),
    confusion: cm,
    auc: rocAuc(targets, scores, options),
    accuracy: accuracy(cm, options),
    sensitivity: sensitivity(cm, options),
    specificity: specificity(cm, options),
    precision: precision(cm, options),
    f1: f1(cm, options),
    ece: targets.length ? expectedCalibrationError(targets, scores, { ...options, bins }) : Number.NaN,
  };
}

export interface FoldResult {
  fold: number | string;
  metrics: BinaryMetrics;
}

export interface CrossValidationSummary {
  folds: FoldResult[];
  /** Mean ± sample SD across folds, per metric (NaN folds left out and counted). */
  mean: Record<FoldMetricName, MeanSd>;
  /** Metrics over all folds' cases together. */
  pooled: BinaryMetrics;
  /** Pooled reliability-curve points. */
  calibration: ReturnType<typeof calibrationCurve>;
}

/** Accumulates folds; `aggregate()` summarises them. Warnings carry the fold id. */
export class FoldMetricsAccumulator {
  private readonly entries: { fold: number | string; targets: Uint8Array; scores: Float64Array }[] = [];

  constructor(private readonly options: BinaryMetricsOptions = {}) {}

  /** Adds one fold's test cases. @param fold - its id. @defaultValue the number of folds appended so far */
  append(targets: Targets, scores: Scores, fold: number | string = this.entries.length): this {
    checkBinary(targets, scores, true);
    this.entries.push({ fold, targets: Uint8Array.from(targets), scores: Float64Array.from(scores) });
    return this;
  }

  get size(): number {
    return this.entries.length;
  }

  reset(): void {
    this.entries.length = 0;
  }

  aggregate(): CrossValidationSummary {
    const folds = this.entries.map((e) => ({
      fold: e.fold,
      metrics: binaryMetrics(e.targets, e.scores, { ...this.options, onWarning: this.forward(e.fold) }),
    }));
    const mean = Object.fromEntries(
      FOLD_METRICS.map((name) => [
        name,
        meanSd(
          folds.map((f) => f.metrics[name]),
          { metric: name, onWarning: this.forward(undefined) },
        ),
      ]),
    ) as Record<FoldMetricName, MeanSd>;
    const targets = concat(
      this.entries.map((e) => e.targets),
      Uint8Array,
    );
    const scores = concat(
      this.entries.map((e) => e.scores),
      Float64Array,
    );
    const pooledOptions = { ...this.options, onWarning: this.forward('pooled') };
    return {
      folds,
      mean,
      pooled: binaryMetrics(targets, scores, pooledOptions),
      calibration: calibrationCurve(targets, scores, { bins: this.options.bins ?? 10 }),
    };
  }

  private forward(fold: number | string | undefined): (w: MetricWarning) => void {
    return (w) => {
      const withFold = fold === undefined ? w : { ...w, fold };
      if (this.options.onWarning) this.options.onWarning(withFold);
      else process.emitWarning(`${fold === undefined ? '' : `fold ${fold}: `}${w.metric}: ${w.message}`, 'AffnetMetricWarning');
    };
  }
}

function concat<T extends Uint8Array | Float64Array>(parts: T[], Ctor: { new (n: number): T }): T {
  const out = new Ctor(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
