/**
 * Degenerate cases (a fold with one class, a zero denominator) give NaN and a warning rather than
 * an exception, as in MONAI's metrics: one bad fold must not hide the others. Warnings go to
 * `onWarning`, or by default to `process.emitWarning` (type `AffnetMetricWarning`).
 */
export interface MetricWarning {
  /** The metric that gave NaN or was degenerate, e.g. "rocAuc". */
  metric: string;
  message: string;
  /** The fold, when the warning comes from an accumulator. */
  fold?: number | string;
}

export interface MetricOptions {
  /** Receives warnings. @defaultValue `process.emitWarning` */
  onWarning?: (warning: MetricWarning) => void;
}

export function warn(options: MetricOptions | undefined, metric: string, message: string): void {
  const warning: MetricWarning = { metric, message };
  if (options?.onWarning) options.onWarning(warning);
  else process.emitWarning(`${metric}: ${message}`, 'AffnetMetricWarning');
}

/** Options whose warnings are dropped (for bootstrap resamples, whose degenerate draws are counted instead). */
export const SILENT: MetricOptions = { onWarning: () => {} };

/** `num / den`, or NaN with a warning when `den` is 0. */
export function ratio(num: number, den: number, metric: string, why: string, options?: MetricOptions): number {
  if (den === 0) {
    warn(options, metric, `undefined (${why}); returning NaN`);
    return Number.NaN;
  }
  return num / den;
}
