/**
 * Classification tables in the layout of Zdolsek et al. 2021: per-fold accuracy per network for
 * each pathway (their Tables 1 and 2), accuracy / sensitivity / specificity / precision as mean (SD)
 * across folds (their Table 3), then AUC with its CI, calibration, patient-level results and paired
 * tests between networks and pathways.
 */
import type { Block, Section, TableBlock } from '../document.js';
import { fmt, meanSd, networkName, withCi } from '../format.js';
import type { ExperimentSummary, GroupSummary } from '../summary.js';

const name = (g: GroupSummary): string => networkName(g.architecture);

function perFoldTable(s: ExperimentSummary, pathway: string, number: number): TableBlock {
  const groups = s.groups.filter((g) => g.pathway === pathway);
  const folds = Array.from({ length: s.folds }, (_v, i) => i);
  return {
    kind: 'table',
    caption: `Table ${number}. Accuracy per fold, ${pathway} pathway (${s.folds}-fold cross-validation)`,
    columns: ['Network', ...folds.map((f) => `Fold ${f + 1}`), 'Mean', 'SD'],
    rows: groups.map((g) => [name(g), ...folds.map((f) => fmt(g.cv.folds.find((x) => x.fold === f)?.metrics.accuracy)), fmt(g.cv.mean.accuracy.mean), fmt(g.cv.mean.accuracy.sd)]),
  };
}

function table3(s: ExperimentSummary, number: number): TableBlock {
  const cv = s.folds > 1;
  return {
    kind: 'table',
    caption: cv ? `Table ${number}. Accuracy, sensitivity, specificity, precision and F1, mean (SD) across folds` : `Table ${number}. Accuracy, sensitivity, specificity, precision and F1`,
    columns: ['Network', 'Pathway', 'Accuracy', 'Sensitivity', 'Specificity', 'Precision', 'F1'],
    align: ['left', 'left'],
    rows: s.groups.map((g) => {
      const m = g.cv.mean;
      const cell = (k: 'accuracy' | 'sensitivity' | 'specificity' | 'precision' | 'f1'): string => (cv ? meanSd(m[k].mean, m[k].sd) : fmt(g.cv.pooled[k]));
      return [name(g), g.pathway, cell('accuracy'), cell('sensitivity'), cell('specificity'), cell('precision'), cell('f1')];
    }),
    notes: ['Positive class as declared by the manifest; an image is called positive when its probability is ≥ 0.5. SD is the sample SD across folds (n − 1).'],
  };
}

function aucTable(s: ExperimentSummary, number: number): TableBlock {
  const cv = s.folds > 1;
  const first = s.groups[0]?.aucCi;
  return {
    kind: 'table',
    caption: `Table ${number}. Discrimination and calibration`,
    columns: ['Network', 'Pathway', ...(cv ? ['AUC per fold, mean (SD)'] : []), 'AUC pooled [95% CI]', 'ECE (10 bins)', 'Images', 'Positives'],
    align: ['left', 'left'],
    rows: s.groups.map((g) => [
      name(g),
      g.pathway,
      ...(cv ? [meanSd(g.cv.mean.auc.mean, g.cv.mean.auc.sd)] : []),
      withCi(g.aucCi.estimate, g.aucCi.lower, g.aucCi.upper),
      fmt(g.cv.pooled.ece),
      String(g.cv.pooled.cases),
      String(g.cv.pooled.positives),
    ]),
    notes: [
      `Pooled: all ${cv ? 'out-of-fold ' : ''}predictions together. CI: percentile bootstrap, ${first?.samples ?? 0} resamples, ${first?.unit === 'patient' ? 'resampling patients' : 'resampling images (patient ids unknown)'}.`,
      'ECE: expected calibration error, Σ (n_bin / N)·|observed fraction positive − mean predicted probability| over 10 equal-width bins.',
    ],
  };
}

function pooledCiTable(s: ExperimentSummary, number: number): TableBlock {
  const first = s.groups[0]?.pooledCi.accuracy;
  const ci = (c: GroupSummary['pooledCi']['accuracy']) => withCi(c.estimate, c.lower, c.upper);
  return {
    kind: 'table',
    caption: `Table ${number}. Pooled accuracy, sensitivity and specificity [95% CI]`,
    columns: ['Network', 'Pathway', 'Accuracy', 'Sensitivity', 'Specificity', 'AUC'],
    align: ['left', 'left'],
    rows: s.groups.map((g) => [name(g), g.pathway, ci(g.pooledCi.accuracy), ci(g.pooledCi.sensitivity), ci(g.pooledCi.specificity), withCi(g.aucCi.estimate, g.aucCi.lower, g.aucCi.upper)]),
    notes: [
      `All ${s.folds > 1 ? 'out-of-fold ' : ''}predictions pooled; threshold 0.5. CI: percentile bootstrap, ${first?.samples ?? 0} resamples, ${first?.unit === 'patient' ? 'resampling patients' : 'resampling images (patient ids unknown)'}.`,
    ],
  };
}

function patientTable(s: ExperimentSummary, number: number): TableBlock {
  return {
    kind: 'table',
    caption: `Table ${number}. Patient level (a patient's probability is the mean over their images)`,
    columns: ['Network', 'Pathway', 'Patients', 'Accuracy', 'Sensitivity', 'Specificity', 'AUC [95% CI]'],
    align: ['left', 'left'],
    rows: s.groups.map((g) => {
      const m = g.patient.metrics;
      return [name(g), g.pathway, String(m.cases), fmt(m.accuracy), fmt(m.sensitivity), fmt(m.specificity), withCi(g.patient.aucCi.estimate, g.patient.aucCi.lower, g.patient.aucCi.upper)];
    }),
    notes: ['A patient counts as positive when any of their images is positive.'],
  };
}

function comparisonTable(s: ExperimentSummary, number: number): TableBlock {
  return {
    kind: 'table',
    caption: `Table ${number}. Paired comparison of AUCs on the same images (DeLong's test)`,
    columns: ['Comparison', 'A', 'B', 'Images', 'AUC A', 'AUC B', 'A − B [95% CI]', 'p'],
    align: ['left', 'left', 'left'],
    rows: s.comparisons.map((c) => [
      c.scope,
      c.a,
      c.b,
      String(c.cases),
      fmt(c.test.aucA),
      fmt(c.test.aucB),
      withCi(c.test.difference, c.test.lower, c.test.upper),
      Number.isFinite(c.test.pValue) ? (c.test.pValue < 0.001 ? '< 0.001' : c.test.pValue.toFixed(3)) : '—',
    ]),
    notes: ['DeLong, DeLong & Clarke-Pearson (1988). Pooled out-of-fold predictions of the two models on the images both were tested on; a p-value is not corrected for the number of comparisons.'],
  };
}

export function performanceSection(s: ExperimentSummary): Section {
  const blocks: Block[] = [];
  let n = 1;
  if (s.folds > 1) for (const p of s.pathways) blocks.push(perFoldTable(s, p, n++));
  blocks.push(table3(s, n++), aucTable(s, n++), patientTable(s, n++));
  if (s.comparisons.length > 0) blocks.push(comparisonTable(s, n++));
  blocks.push(pooledCiTable(s, n++));
  return { id: 'performance', title: 'Classification performance', blocks };
}
