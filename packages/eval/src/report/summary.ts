/**
 * From raw results to the numbers the report shows, with the metric functions of @affnet/core:
 * per network × pathway the per-fold metrics and their mean (SD) (Zdolsek et al. 2021, Tables 1–3),
 * pooled out-of-fold AUC with a patient-resampled bootstrap CI, calibration, patient-level results,
 * ROC curves per fold with their vertical mean, and DeLong tests between networks and pathways on
 * the same images.
 */
import {
  aggregateByPatient,
  binaryMetrics,
  accuracy,
  bootstrapCi,
  confusionMatrix,
  delongTest,
  FoldMetricsAccumulator,
  formatWarning,
  meanSd,
  rocAuc,
  rocCurve,
  sensitivity,
  specificity,
  type BinaryMetrics,
  type ConfidenceInterval,
  type CrossValidationSummary,
  type DelongResult,
  type MeanSd,
  type MetricWarning,
  type RocPoint,
} from '@affnet/core';
import type { CamCase, ExperimentResults, FoldRecord, HistoryEntry } from '../results/experiment.js';
import { networkName } from './format.js';

export interface SummaryOptions {
  /** Bootstrap resamples for confidence intervals. @defaultValue 1000 */
  bootstrapSamples?: number;
  /** @defaultValue 20210801 */
  seed?: number;
}

export interface GroupSummary {
  architecture: string;
  pathway: string;
  cv: CrossValidationSummary;
  /** Pooled out-of-fold AUC with its bootstrap CI (patients resampled when ids are known). */
  aucCi: ConfidenceInterval;
  /** Pooled accuracy, sensitivity and specificity at the 0.5 threshold with bootstrap CIs (same resampling as `aucCi`). */
  pooledCi: Record<'accuracy' | 'sensitivity' | 'specificity', ConfidenceInterval>;
  patient: { metrics: BinaryMetrics; aucCi: ConfidenceInterval };
  roc: Array<{ fold: number; points: RocPoint[] }>;
  /** Vertical average of the fold ROC curves on a common false-positive-rate grid. */
  meanRoc: Array<{ fpr: number; tpr: number }>;
  history: Array<{ fold: number; entries: HistoryEntry[] }>;
  /** Pooled predictions, keyed by image id (for paired tests). */
  byId: Map<string, { truth: 0 | 1; probability: number }>;
  camCases: Array<CamCase & { fold: number }>;
  camQuality?: { hits: number; total: number; centreHits?: number; mapSize?: [number, number]; tolerancePx: number; deletion: MeanSd; deletionRandom: MeanSd };
  trainSeconds: number;
}

export interface PairComparison {
  scope: string;
  a: string;
  b: string;
  cases: number;
  test: DelongResult;
}

export interface ExperimentSummary {
  /** The class whose probability the predictions hold. */
  positiveLabel: string;
  architectures: string[];
  pathways: string[];
  folds: number;
  groups: GroupSummary[];
  comparisons: PairComparison[];
  /** Metric warnings (degenerate folds …) and recorded per-fold warnings, as text. */
  warnings: string[];
}

/** Vertical averaging of ROC curves (Fawcett 2006, §8.1): mean TPR at each FPR of a grid. */
export function meanRocCurve(curves: RocPoint[][], gridSize = 101): Array<{ fpr: number; tpr: number }> {
  const valid = curves.filter((c) => c.length > 0);
  if (valid.length === 0) return [];
  const out: Array<{ fpr: number; tpr: number }> = [];
  for (let g = 0; g < gridSize; g++) {
    const fpr = g / (gridSize - 1);
    let sum = 0;
    for (const c of valid) {
      // Highest TPR reachable without exceeding this FPR (the ROC step function).
      let tpr = 0;
      for (const p of c) if (p.fpr <= fpr + 1e-12) tpr = Math.max(tpr, p.tpr);
      sum += tpr;
    }
    out.push({ fpr, tpr: sum / valid.length });
  }
  return out;
}

function orderOf(values: string[], preferred: string[] = []): string[] {
  const seen = [...new Set(values)];
  return [...preferred.filter((p) => seen.includes(p)), ...seen.filter((v) => !preferred.includes(v))];
}

function summariseGroup(runs: FoldRecord[], patientIdsKnown: boolean, o: Required<SummaryOptions>, warnings: string[]): GroupSummary {
  const first = runs[0]!;
  const tag = `${first.architecture}/${first.pathway}`;
  const onWarning = (w: MetricWarning): void => {
    warnings.push(`${tag}${w.fold !== undefined ? ` fold ${typeof w.fold === 'number' ? w.fold + 1 : w.fold}` : ''}: ${w.metric}: ${w.message}`);
  };
  const acc = new FoldMetricsAccumulator({ onWarning });
  const sorted = [...runs].sort((a, b) => a.fold - b.fold);
  const ids: string[] = [];
  const patients: string[] = [];
  const targets: number[] = [];
  const scores: number[] = [];
  for (const r of sorted) {
    for (const w of r.warnings) warnings.push(`${tag} fold ${r.fold + 1}: ${formatWarning(w)}`);
    acc.append(
      r.predictions.map((p) => p.truth),
      r.predictions.map((p) => p.probability),
      r.fold,
    );
    for (const p of r.predictions) {
      ids.push(p.id);
      patients.push(p.patientId);
      targets.push(p.truth);
      scores.push(p.probability);
    }
  }
  const silent = { onWarning: () => undefined };
  const roc = sorted.map((r) => ({
    fold: r.fold,
    points: rocCurve(
      r.predictions.map((p) => p.truth),
      r.predictions.map((p) => p.probability),
      silent,
    ),
  }));
  const bootstrap = { samples: o.bootstrapSamples, seed: o.seed, onWarning };
  const resampling = { ...bootstrap, ...(patientIdsKnown ? { groups: patients } : {}) };
  const aucCi = bootstrapCi(targets, scores, rocAuc, resampling);
  const atHalf = (m: typeof accuracy) => (t: ArrayLike<number>, s: ArrayLike<number>, opts?: Parameters<typeof accuracy>[1]) => m(confusionMatrix(t, s, 0.5), opts);
  const pooledCi = {
    accuracy: bootstrapCi(targets, scores, atHalf(accuracy), resampling),
    sensitivity: bootstrapCi(targets, scores, atHalf(sensitivity), resampling),
    specificity: bootstrapCi(targets, scores, atHalf(specificity), resampling),
  };
  const pl = aggregateByPatient(patients, targets, scores, { onWarning });
  const quality = sorted.filter((r) => r.camQuality);
  const summary: GroupSummary = {
    architecture: first.architecture,
    pathway: first.pathway,
    cv: acc.aggregate(),
    aucCi,
    pooledCi,
    patient: { metrics: binaryMetrics(pl.targets, pl.scores, { onWarning }), aucCi: bootstrapCi(pl.targets, pl.scores, rocAuc, bootstrap) },
    roc,
    meanRoc: meanRocCurve(roc.map((r) => r.points)),
    history: sorted.map((r) => ({ fold: r.fold, entries: r.history })),
    byId: new Map(ids.map((id, i) => [id, { truth: targets[i] as 0 | 1, probability: scores[i]! }])),
    camCases: sorted.flatMap((r) => r.camCases.map((c) => ({ ...c, fold: r.fold }))),
    trainSeconds: sorted.reduce((s, r) => s + r.durationMs, 0) / 1000,
  };
  if (quality.length > 0) {
    const tol = quality[0]!.camQuality!.tolerancePx;
    summary.camQuality = {
      hits: quality.reduce((s, r) => s + r.camQuality!.pointingHits, 0),
      total: quality.reduce((s, r) => s + r.camQuality!.pointingTotal, 0),
      ...(quality.every((r) => r.camQuality!.pointingCentreHits !== undefined) ? { centreHits: quality.reduce((s, r) => s + r.camQuality!.pointingCentreHits!, 0) } : {}),
      ...(quality[0]!.camQuality!.mapSize ? { mapSize: quality[0]!.camQuality!.mapSize } : {}),
      tolerancePx: tol,
      deletion: meanSd(
        quality.flatMap((r) => r.camQuality!.deletionAuc),
        silent,
      ),
      deletionRandom: meanSd(
        quality.flatMap((r) => r.camQuality!.deletionAucRandom),
        silent,
      ),
    };
  }
  return summary;
}

function compare(scope: string, a: GroupSummary, b: GroupSummary, label: (g: GroupSummary) => string, warnings: string[]): PairComparison {
  const common = [...a.byId.keys()].filter((id) => b.byId.has(id));
  const t = common.map((id) => a.byId.get(id)!.truth);
  const test = delongTest(
    t,
    common.map((id) => a.byId.get(id)!.probability),
    common.map((id) => b.byId.get(id)!.probability),
    {
      onWarning: (w) => warnings.push(`${scope}: ${label(a)} vs ${label(b)}: ${w.metric}: ${w.message}`),
    },
  );
  return { scope, a: label(a), b: label(b), cases: common.length, test };
}

export function summariseExperiment(results: ExperimentResults, options: SummaryOptions = {}): ExperimentSummary {
  const o: Required<SummaryOptions> = { bootstrapSamples: 1000, seed: 20210801, ...options };
  const configured = (key: string): string[] => (Array.isArray(results.config[key]) ? (results.config[key] as string[]) : []);
  const architectures = orderOf(
    results.runs.map((r) => r.architecture),
    configured('architectures'),
  );
  const pathways = orderOf(
    results.runs.map((r) => r.pathway),
    ['automated', 'intervention', 'auto'],
  );
  const warnings: string[] = [];
  const groups: GroupSummary[] = [];
  for (const pathway of pathways) {
    for (const architecture of architectures) {
      const runs = results.runs.filter((r) => r.architecture === architecture && r.pathway === pathway);
      if (runs.length > 0) groups.push(summariseGroup(runs, results.dataset.patientIdsKnown, o, warnings));
    }
  }
  const comparisons: PairComparison[] = [];
  for (const pathway of pathways) {
    const gs = groups.filter((g) => g.pathway === pathway);
    for (let i = 0; i < gs.length; i++) for (let j = i + 1; j < gs.length; j++) comparisons.push(compare(`${pathway} pathway`, gs[i]!, gs[j]!, (g) => networkName(g.architecture), warnings));
  }
  // Every pair of pathways per network (automated vs intervention vs auto), on the images both saw.
  for (const architecture of architectures) {
    const gs = pathways.map((p) => groups.find((g) => g.architecture === architecture && g.pathway === p)).filter((g): g is GroupSummary => g !== undefined);
    for (let i = 0; i < gs.length; i++) for (let j = i + 1; j < gs.length; j++) comparisons.push(compare(networkName(architecture), gs[i]!, gs[j]!, (g) => g.pathway, warnings));
  }
  const folds = Math.max(0, ...results.runs.map((r) => r.folds));
  return { positiveLabel: results.dataset.positiveLabel, architectures, pathways, folds, groups, comparisons, warnings };
}
