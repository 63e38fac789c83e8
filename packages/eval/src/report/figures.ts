/**
 * The report's figures as vega-lite specifications (pure data in, spec out), rendered elsewhere by
 * {@link vegaLiteToSvg}. Each figure is faceted like the reference study's tables: one panel per
 * network (columns) and pathway (rows).
 */
import type { TopLevelSpec } from 'vega-lite';

const PANEL = { width: 230, height: 170 };

export interface CurvePoint {
  architecture: string;
  pathway: string;
  /** "fold 1" … or "mean". */
  series: string;
  x: number;
  y: number;
  /** Drawing order along the curve. */
  order: number;
}

function facet(architectures: string[], pathways: string[]) {
  return {
    row: { field: 'pathway', type: 'nominal', title: null, sort: pathways, header: { labelAngle: -90 } },
    column: { field: 'architecture', type: 'nominal', title: null, sort: architectures },
  } as const;
}

/** Training and held-out accuracy against epoch, one line per fold (dashed: held-out). */
export function accuracyCurvesSpec(
  points: Array<{ architecture: string; pathway: string; fold: string; split: string; epoch: number; accuracy: number }>,
  architectures: string[],
  pathways: string[],
): TopLevelSpec {
  return {
    data: { values: points },
    facet: facet(architectures, pathways),
    spec: {
      ...PANEL,
      mark: { type: 'line', strokeWidth: 1.4, clip: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
        color: { field: 'fold', type: 'nominal', title: 'fold', scale: { scheme: 'tableau10' } },
        strokeDash: { field: 'split', type: 'nominal', title: 'data', sort: ['training', 'held-out'] },
        detail: { field: 'split' },
      },
    },
    resolve: { scale: { x: 'independent' } },
  } as TopLevelSpec;
}

/** ROC curves: each fold thin, the fold mean thick black, the chance diagonal dotted. */
export function rocSpec(points: CurvePoint[], architectures: string[], pathways: string[], folds: string[]): TopLevelSpec {
  const series = [...folds, 'mean'];
  const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const colours = [...folds.map((_f, i) => palette[i % palette.length]!), '#111111'];
  const axes = {
    x: { field: 'x', type: 'quantitative', title: '1 − specificity', scale: { domain: [0, 1] } },
    y: { field: 'y', type: 'quantitative', title: 'sensitivity', scale: { domain: [0, 1] } },
  };
  return {
    data: { values: points },
    facet: facet(architectures, pathways),
    spec: {
      width: PANEL.height + 10,
      height: PANEL.height + 10,
      layer: [
        {
          // The chance diagonal is a straight line; the ROC curves are step functions.
          transform: [{ filter: "datum.series === 'chance'" }],
          mark: { type: 'line', color: '#999999', strokeDash: [3, 3], strokeWidth: 1 },
          encoding: { ...axes, order: { field: 'order', type: 'quantitative' } },
        },
        {
          transform: [{ filter: "datum.series !== 'chance'" }],
          mark: { type: 'line', interpolate: 'step-after', clip: true },
          encoding: {
            ...axes,
            color: { field: 'series', type: 'nominal', title: 'curve', scale: { domain: series, range: colours } },
            strokeWidth: { condition: { test: "datum.series === 'mean'", value: 2.6 }, value: 1.1 },
            order: { field: 'order', type: 'quantitative' },
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Reliability diagram: observed positive fraction against mean predicted probability per bin. */
export function reliabilitySpec(
  points: Array<{ architecture: string; pathway: string; predicted: number; observed: number; count: number }>,
  architectures: string[],
  pathways: string[],
): TopLevelSpec {
  const diagonal = pathways.flatMap((p) => [
    { pathway: p, predicted: 0, observed: 0 },
    { pathway: p, predicted: 1, observed: 1 },
  ]);
  const axes = {
    x: { field: 'predicted', type: 'quantitative', title: 'mean predicted probability', scale: { domain: [0, 1] } },
    y: { field: 'observed', type: 'quantitative', title: 'observed fraction positive', scale: { domain: [0, 1] } },
  };
  return {
    facet: { column: { field: 'pathway', type: 'nominal', title: null, sort: pathways } },
    data: { values: [...points, ...diagonal.map((d) => ({ ...d, architecture: 'perfect calibration', count: 0 }))] },
    spec: {
      width: 260,
      height: 230,
      layer: [
        {
          transform: [{ filter: "datum.architecture === 'perfect calibration'" }],
          mark: { type: 'line', color: '#999999', strokeDash: [3, 3] },
          encoding: axes,
        },
        {
          transform: [{ filter: "datum.architecture !== 'perfect calibration'" }],
          mark: { type: 'line', point: true, strokeWidth: 1.6 },
          encoding: {
            ...axes,
            color: { field: 'architecture', type: 'nominal', title: 'network', sort: architectures, scale: { scheme: 'tableau10' } },
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Runtime latency at batch 1 on a log axis (runtimes differ by orders of magnitude): dot at p50, tick at p95. */
export function latencySpec(rows: Array<{ runtime: string; p50: number; p95: number }>): TopLevelSpec {
  const y = { field: 'runtime', type: 'nominal', title: null, sort: rows.map((r) => r.runtime), axis: { labelLimit: 260 } };
  const x = { type: 'quantitative', title: 'latency at batch 1, ms (log scale)', scale: { type: 'log' } };
  return {
    data: { values: rows },
    width: 520,
    height: { step: 22 },
    layer: [
      { mark: { type: 'rule', color: '#c9d1d9' }, encoding: { y, x: { ...x, field: 'p50' }, x2: { field: 'p95' } } },
      { mark: { type: 'point', filled: true, size: 70, color: '#4e79a7' }, encoding: { y, x: { ...x, field: 'p50' } } },
      { mark: { type: 'tick', color: '#b3261e', thickness: 2 }, encoding: { y, x: { ...x, field: 'p95' } } },
    ],
  } as TopLevelSpec;
}

/** p95 latency against batch size, one line per runtime (log–log). */
export function sweepLatencySpec(rows: Array<{ runtime: string; batch: number; p95: number }>): TopLevelSpec {
  return {
    data: { values: rows },
    width: 520,
    height: 260,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'batch', type: 'quantitative', title: 'batch size', scale: { type: 'log', base: 2 } },
      y: { field: 'p95', type: 'quantitative', title: 'p95 latency per call, ms', scale: { type: 'log' } },
      color: { field: 'runtime', type: 'nominal', title: null },
    },
  } as TopLevelSpec;
}

/** Throughput against p95 latency, one curve per runtime over its sweep points. */
export function throughputLatencySpec(rows: Array<{ runtime: string; p95: number; imagesPerSecond: number; batch: number }>): TopLevelSpec {
  return {
    data: { values: rows },
    width: 520,
    height: 260,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'p95', type: 'quantitative', title: 'p95 latency per call, ms', scale: { type: 'log' } },
      y: { field: 'imagesPerSecond', type: 'quantitative', title: 'images/s' },
      color: { field: 'runtime', type: 'nominal', title: null },
      order: { field: 'batch', type: 'quantitative' },
    },
  } as TopLevelSpec;
}
