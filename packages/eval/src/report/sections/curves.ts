/** Figures of the experiment: accuracy against epoch, ROC curves per fold with their mean, reliability. */
import type { Block, Section } from '../document.js';
import { accuracyCurvesSpec, reliabilitySpec, rocSpec, type CurvePoint } from '../figures.js';
import { networkName } from '../format.js';
import { vegaLiteToSvg } from '../render-svg.js';
import type { ExperimentSummary } from '../summary.js';

export async function curvesSection(s: ExperimentSummary): Promise<Section> {
  const archNames = s.architectures.map(networkName);
  const blocks: Block[] = [];

  const acc = s.groups.flatMap((g) =>
    g.history.flatMap((h) =>
      h.entries.flatMap((e) => {
        const base = { architecture: networkName(g.architecture), pathway: g.pathway, fold: `fold ${h.fold + 1}`, epoch: e.epoch };
        const rows = [];
        if (e.accuracy !== null && Number.isFinite(e.accuracy)) rows.push({ ...base, split: 'training', accuracy: e.accuracy });
        if (e.valAccuracy !== undefined && e.valAccuracy !== null && Number.isFinite(e.valAccuracy)) rows.push({ ...base, split: 'held-out', accuracy: e.valAccuracy });
        return rows;
      }),
    ),
  );
  if (acc.length > 0) {
    blocks.push({
      kind: 'figure',
      name: 'accuracy-vs-epoch',
      caption: 'Accuracy against epoch for each fold: training images (solid) and the held-out fold (dashed). The held-out fold was only monitored, never used to choose the model.',
      svg: await vegaLiteToSvg(accuracyCurvesSpec(acc, archNames, s.pathways)),
    });
  }

  const folds = Array.from({ length: s.folds }, (_v, i) => `fold ${i + 1}`);
  const roc: CurvePoint[] = s.groups.flatMap((g) => {
    const head = { architecture: networkName(g.architecture), pathway: g.pathway };
    const perFold = g.roc.flatMap((r) => r.points.map((p, i) => ({ ...head, series: `fold ${r.fold + 1}`, x: p.fpr, y: p.tpr, order: i })));
    const mean = s.folds > 1 ? g.meanRoc.map((p, i) => ({ ...head, series: 'mean', x: p.fpr, y: p.tpr, order: i })) : [];
    const chance = [0, 1].map((v, i) => ({ ...head, series: 'chance', x: v, y: v, order: i }));
    return [...perFold, ...mean, ...chance];
  });
  blocks.push({
    kind: 'figure',
    name: 'roc-curves',
    caption: s.folds > 1 ? 'ROC curves of each held-out fold (thin) and their vertical average (thick black); dotted: chance.' : 'ROC curve; dotted: chance.',
    svg: await vegaLiteToSvg(rocSpec(roc, archNames, s.pathways, s.folds > 1 ? folds : ['fold 1'])),
  });

  const rel = s.groups.flatMap((g) =>
    g.cv.calibration.map((b) => ({ architecture: networkName(g.architecture), pathway: g.pathway, predicted: b.meanPredicted, observed: b.fractionPositive, count: b.count })),
  );
  if (rel.length > 0) {
    blocks.push({
      kind: 'figure',
      name: 'reliability',
      caption: 'Reliability diagram of the pooled predictions (10 equal-width bins; empty bins omitted). Points on the dotted diagonal are perfectly calibrated.',
      svg: await vegaLiteToSvg(reliabilitySpec(rel, archNames, s.pathways)),
    });
  }
  return { id: 'curves', title: 'Learning curves, ROC and calibration', blocks };
}
