/**
 * Comparing the AUCs of two models on the same cases (paired): DeLong's test (DeLong, DeLong &
 * Clarke-Pearson, Biometrics 44:837, 1988; computed on midranks as in Sun & Xu, IEEE Signal
 * Process. Lett. 21:1389, 2014), and a paired bootstrap that can resample patients (DeLong assumes
 * independent cases, so with several images per patient prefer the bootstrap with `groups`).
 */
import { AffnetError } from '../errors.js';
import { randomSource } from '../data/random.js';
import { checkBootstrapOptions, drawResample, resamplingUnits, summarise, type BootstrapOptions, type ConfidenceInterval } from './bootstrap.js';
import { checkScores, checkTargets, countPositives, type Scores, type Targets } from './inputs.js';
import { normalQuantile, twoSidedP } from './normal.js';
import { midranks, rocAuc } from './roc.js';
import { SILENT, warn, type MetricOptions } from './warnings.js';

export interface DelongResult {
  aucA: number;
  aucB: number;
  /** aucA − aucB */
  difference: number;
  standardError: number;
  z: number;
  /** Two-sided p-value for "the AUCs are equal". */
  pValue: number;
  /** Normal-theory interval of the difference at `confidence`. */
  lower: number;
  upper: number;
  confidence: number;
}

function checkPaired(targets: Targets, a: Scores, b: Scores): void {
  checkTargets(targets);
  checkScores(a, targets.length, 'scoresA');
  checkScores(b, targets.length, 'scoresB');
}

/** Structural components of one model's AUC (DeLong's V10 per positive, V01 per negative). */
function components(targets: Targets, scores: Scores, m: number, n: number) {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < targets.length; i++) (targets[i] === 1 ? pos : neg).push(scores[i]!);
  const all = midranks([...pos, ...neg]);
  const rx = midranks(pos);
  const ry = midranks(neg);
  const v10 = pos.map((_, i) => (all[i]! - rx[i]!) / n); // share of negatives below (ties ½)
  const v01 = neg.map((_, j) => 1 - (all[m + j]! - ry[j]!) / m); // share of positives above (ties ½)
  const auc = v10.reduce((s, v) => s + v, 0) / m;
  return { auc, v10, v01 };
}

function covariance(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let c = 0;
  for (let i = 0; i < x.length; i++) c += (x[i]! - mx) * (y[i]! - my);
  return c / (x.length - 1);
}

/**
 * DeLong's test for two correlated AUCs. Needs ≥ 2 cases of each class, else NaN fields with a warning.
 * @param options.confidence - coverage of the difference's interval. @defaultValue 0.95
 */
export function delongTest(targets: Targets, scoresA: Scores, scoresB: Scores, options: MetricOptions & { confidence?: number } = {}): DelongResult {
  checkPaired(targets, scoresA, scoresB);
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new AffnetError('E_OPTION_INVALID', `confidence: expected 0 < confidence < 1, got ${confidence}`);
  const m = countPositives(targets);
  const n = targets.length - m;
  const nan = Number.NaN;
  if (m < 2 || n < 2) {
    warn(options, 'delongTest', `needs at least 2 positive and 2 negative cases (got ${m} and ${n}); returning NaN`);
    return { aucA: nan, aucB: nan, difference: nan, standardError: nan, z: nan, pValue: nan, lower: nan, upper: nan, confidence };
  }
  const A = components(targets, scoresA, m, n);
  const B = components(targets, scoresB, m, n);
  const variance = (covariance(A.v10, A.v10) + covariance(B.v10, B.v10) - 2 * covariance(A.v10, B.v10)) / m + (covariance(A.v01, A.v01) + covariance(B.v01, B.v01) - 2 * covariance(A.v01, B.v01)) / n;
  const difference = A.auc - B.auc;
  const standardError = Math.sqrt(Math.max(0, variance));
  let z: number;
  if (standardError === 0) {
    // Identical rankings (difference 0) or perfectly separated data: no sampling variability to test against.
    warn(options, 'delongTest', 'the difference has zero variance (identical rankings of the cases?)');
    z = difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY;
  } else {
    z = difference / standardError;
  }
  const half = normalQuantile(1 - (1 - confidence) / 2) * standardError;
  return { aucA: A.auc, aucB: B.auc, difference, standardError, z, pValue: twoSidedP(z), lower: difference - half, upper: difference + half, confidence };
}

export interface PairedBootstrapResult {
  /** Each model's AUC with its percentile interval. */
  a: ConfidenceInterval;
  b: ConfidenceInterval;
  /** aucA − aucB with its percentile interval. */
  difference: ConfidenceInterval;
  /** Two-sided p from z = difference / SD of the resampled differences (as pROC's bootstrap test, Robin et al. 2011). */
  pValue: number;
}

/**
 * Paired bootstrap of two AUCs: each resample draws the same cases (or patients, with `groups`)
 * for both models. Resamples with one class are dropped.
 */
export function pairedBootstrapAuc(targets: Targets, scoresA: Scores, scoresB: Scores, options: BootstrapOptions = {}): PairedBootstrapResult {
  checkPaired(targets, scoresA, scoresB);
  const { samples, confidence } = checkBootstrapOptions(options);
  const rng = randomSource(options);
  const t = Uint8Array.from(targets);
  const sa = Float64Array.from(scoresA);
  const sb = Float64Array.from(scoresB);
  const units = resamplingUnits(t.length, options.groups);
  const va: number[] = [];
  const vb: number[] = [];
  const vd: number[] = [];
  for (let r = 0; r < samples; r++) {
    const idx = drawResample(units, rng);
    const tt = Uint8Array.from(idx, (i) => t[i]!);
    const a = rocAuc(
      tt,
      Float64Array.from(idx, (i) => sa[i]!),
      SILENT,
    );
    if (!Number.isFinite(a)) continue;
    const b = rocAuc(
      tt,
      Float64Array.from(idx, (i) => sb[i]!),
      SILENT,
    );
    va.push(a);
    vb.push(b);
    vd.push(a - b);
  }
  const unit = options.groups ? 'patient' : 'image';
  const aucA = rocAuc(t, sa, options);
  const aucB = rocAuc(t, sb, SILENT);
  const difference = summarise(aucA - aucB, [...vd], samples, confidence, unit, 'pairedBootstrapAuc', options);
  const mean = vd.reduce((s, v) => s + v, 0) / vd.length;
  const sd = Math.sqrt(vd.reduce((s, v) => s + (v - mean) ** 2, 0) / (vd.length - 1));
  const z = sd > 0 ? (aucA - aucB) / sd : aucA === aucB ? 0 : Number.POSITIVE_INFINITY;
  return {
    a: summarise(aucA, va, samples, confidence, unit, 'pairedBootstrapAuc', SILENT),
    b: summarise(aucB, vb, samples, confidence, unit, 'pairedBootstrapAuc', SILENT),
    difference,
    pValue: vd.length > 1 && Number.isFinite(aucA) ? twoSidedP(z) : Number.NaN,
  };
}
