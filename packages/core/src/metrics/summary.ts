/**
 * Mean ± standard deviation across folds, as cross-validation results are reported
 * (Zdolsek et al. 2021 report fold mean ± SD). The SD is the sample SD (divisor n − 1), since the
 * folds are a sample of possible splits. NaN folds (degenerate ones, already warned about) are
 * left out of both and counted in `skipped`, with a warning.
 */
import { warn, type MetricOptions } from './warnings.js';

export interface MeanSd {
  mean: number;
  /** Sample standard deviation (n − 1); NaN for fewer than 2 values. */
  sd: number;
  /** Values used. */
  n: number;
  /** NaN values left out. */
  skipped: number;
}

export function meanSd(values: ArrayLike<number>, options?: MetricOptions & { metric?: string }): MeanSd {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) finite.push(values[i]!);
  const skipped = values.length - finite.length;
  const name = options?.metric ?? 'meanSd';
  if (skipped > 0) warn(options, name, `${skipped} of ${values.length} values are NaN and left out of mean ± SD`);
  const n = finite.length;
  if (n === 0) {
    warn(options, name, 'no values; mean and SD are NaN');
    return { mean: Number.NaN, sd: Number.NaN, n, skipped };
  }
  const mean = finite.reduce((s, v) => s + v, 0) / n;
  if (n < 2) {
    warn(options, name, 'one value; the SD is undefined (NaN)');
    return { mean, sd: Number.NaN, n, skipped };
  }
  const sd = Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n, skipped };
}
