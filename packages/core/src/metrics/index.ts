// Binary classification metrics: pure functions plus a fold accumulator. This file only re-exports.
export type { MetricOptions, MetricWarning } from './warnings.js';
export type { Scores, Targets } from './inputs.js';
export * from './confusion.js';
export { rocAuc, rocCurve, trapezoidArea, type RocPoint } from './roc.js';
export * from './threshold.js';
export * from './calibration.js';
export { bootstrapCi, quantile, type BinaryMetric, type BootstrapOptions, type ConfidenceInterval } from './bootstrap.js';
export * from './compare.js';
export { normalCdf, normalQuantile } from './normal.js';
export * from './summary.js';
export * from './patient.js';
export * from './accumulator.js';
